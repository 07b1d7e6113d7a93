"""Assigning reviewers; a declared conflict of interest blocks the assignment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.review import services
from pursuing_equity.review.models import ReviewerAssignment
from pursuing_equity.review.tests.factories import received, reviewer


def test_assigning_a_reviewer_starts_the_review(cycle, staff_user):
    application = received(cycle)
    someone = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=someone)
    application.refresh_from_db()
    assert application.state == "under_review"
    assert AuditEntry.objects.filter(action="review.assign").exists()
    assert AuditEntry.objects.filter(action="application.start_review").exists()


def test_a_declared_conflict_blocks_assignment(cycle, staff_user):
    application = received(cycle)
    someone = reviewer()
    services.conflict_declare(
        actor=someone, organization=application.organization, note="Board member"
    )
    with pytest.raises(ValidationError) as error:
        services.reviewer_assign(actor=staff_user, application=application, reviewer=someone)
    assert "conflict of interest" in str(error.value)
    assert not ReviewerAssignment.objects.exists()


def test_declaring_a_conflict_withdraws_unsubmitted_assignments(cycle, staff_user):
    application = received(cycle)
    someone = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=someone)
    services.conflict_declare(actor=someone, organization=application.organization)
    assert not ReviewerAssignment.objects.filter(reviewer=someone).exists()


def test_only_reviewers_are_assigned_and_only_once(cycle, staff_user):
    application = received(cycle)
    with pytest.raises(ValidationError, match="not a reviewer"):
        services.reviewer_assign(
            actor=staff_user, application=application, reviewer=person(Role.FACULTY)
        )
    someone = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=someone)
    with pytest.raises(ValidationError, match="already reviews"):
        services.reviewer_assign(actor=staff_user, application=application, reviewer=someone)


def test_only_staff_assign(cycle):
    application = received(cycle)
    with pytest.raises(PermissionDenied):
        services.reviewer_assign(actor=reviewer(), application=application, reviewer=reviewer())


def test_a_non_reviewer_cannot_declare_a_conflict(cycle):
    application = received(cycle)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(actor=person(), organization=application.organization)

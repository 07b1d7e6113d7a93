"""Reviewers see only the organizations assigned to them, lived-experience labels only staff,
and two accepts at the same moment cannot overfill a cohort (its row is locked)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.applications.models import Application
from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.review import decisions, services
from pursuing_equity.review.tests.factories import received, reviewer, staff


def org_page(client: Client, organization) -> int:
    return client.get(reverse("organization_detail", args=[organization.slug])).status_code


def test_a_reviewer_sees_only_the_organizations_assigned_to_them(cycle, staff_user):
    assigned, other = received(cycle), received(cycle)
    judge = reviewer()
    services.reviewer_assign(actor=staff_user, application=assigned, reviewer=judge)
    client = Client()
    client.force_login(judge)
    assert org_page(client, assigned.organization) == 200
    assert org_page(client, other.organization) == 403
    assert client.get(reverse("people")).status_code == 403


def test_lived_experience_labels_are_for_staff_only(cycle, staff_user):
    organization = received(cycle).organization
    person(Role.COMMUNITY_PARTNER, organization, full_name="Robin Partner")
    colleague = person(Role.TEAM_MEMBER, organization)
    client = Client()
    client.force_login(colleague)
    page = client.get(reverse("organization_detail", args=[organization.slug])).content.decode()
    assert "Robin Partner" in page and "lived experience" not in page
    client.force_login(staff_user)
    page = client.get(reverse("organization_detail", args=[organization.slug])).content.decode()
    assert "person with lived experience" in page


def test_the_capacity_check_locks_the_cohort_row(cycle, staff_user):
    cycle.cohorts.filter(key="action_community").update(capacity=1)
    first, second = received(cycle), received(cycle)
    with CaptureQueriesContext(connection) as queries:
        decisions.decision_record(
            actor=staff_user, application=first, decision="accept", reviews_override_reason="Test."
        )
    cohort_reads = [q["sql"] for q in queries if 'FROM "programs_cohort"' in q["sql"]]
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in sql for sql in cohort_reads), cohort_reads
    with pytest.raises(ValidationError, match="planned size"):
        decisions.decision_record(
            actor=staff_user, application=second, decision="accept", reviews_override_reason="Test."
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite has one writer at a time; the race needs PostgreSQL's concurrent transactions",
)
def test_two_accepts_at_the_same_moment_fill_one_seat_once():
    cycle = load_cycle()
    cycle.cohorts.filter(key="action_community").update(capacity=1)
    actor = staff()
    applications = [received(cycle), received(cycle)]
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def accept(application):
        try:
            start.wait()
            decisions.decision_record(
                actor=actor,
                application=application,
                decision="accept",
                reviews_override_reason="Test.",
            )
        except ValidationError as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = Application.objects.filter(
        pk__in=[a.pk for a in applications], state="accepted"
    ).count()
    assert accepted == 1 and len(errors) == 1

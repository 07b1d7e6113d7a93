"""The seed's promises around a decision: the minimum of reviews (or a recorded reason), and an
Action Community applicant offered the Learning Network before any plain decline."""

import pytest
from django.core.exceptions import ValidationError

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.review import decisions
from pursuing_equity.review.tests.factories import received, reviewer, submitted_review


def test_a_decision_waits_for_the_cohorts_minimum_of_reviews(cycle, staff_user):
    application = received(cycle)
    submitted_review(actor_staff=staff_user, application=application, by=reviewer())
    with pytest.raises(ValidationError, match="asks for 2 submitted reviews") as error:
        decisions.decision_record(actor=staff_user, application=application, decision="accept")
    assert "reviews_override_reason" in error.value.message_dict
    submitted_review(actor_staff=staff_user, application=application, by=reviewer())
    decisions.decision_record(actor=staff_user, application=application, decision="accept")
    application.refresh_from_db()
    assert application.state == "accepted"


def test_staff_may_decide_before_the_reviews_with_a_recorded_reason(cycle, staff_user):
    application = received(cycle, "learning_network")
    decisions.decision_record(
        actor=staff_user,
        application=application,
        decision="accept",
        reviews_override_reason="The reviewer is on leave; the committee read it.",
    )
    entry = AuditEntry.objects.get(action="application.accept", object_id=str(application.pk))
    assert entry.after["reviews_override_reason"] == (
        "The reviewer is on leave; the committee read it."
    )


def test_an_action_community_applicant_is_not_plainly_declined(cycle, staff_user):
    application = received(cycle)
    with pytest.raises(ValidationError, match="offer of the Learning Network"):
        decisions.decision_record(
            actor=staff_user,
            application=application,
            decision="decline",
            reason="No.",
            reviews_override_reason="Test.",
        )

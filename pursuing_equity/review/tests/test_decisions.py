"""Decisions through the workflow: capacity and the ranked waitlist, batches, the move from the
Action Community to the Learning Network, declines with a reason."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from pursuing_equity.applications.models import Application
from pursuing_equity.applications.transitions import application_offer_answer
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.review import decisions
from pursuing_equity.review.models import CohortMove
from pursuing_equity.review.tests.factories import received

# What decisions do; the minimum of reviews before deciding is tested in test_decision_rules.
pytestmark = pytest.mark.usefixtures("no_minimum_reviews")


def small_capacity(cycle, key, capacity):
    cycle.cohorts.filter(key=key).update(capacity=capacity)


def test_accepting_beyond_the_planned_size_needs_a_recorded_reason(cycle, staff_user):
    small_capacity(cycle, "action_community", 1)
    first, second = received(cycle), received(cycle)
    decisions.decision_record(actor=staff_user, application=first, decision="accept")
    with pytest.raises(ValidationError, match="planned size") as error:
        decisions.decision_record(actor=staff_user, application=second, decision="accept")
    assert "over_capacity_reason" in error.value.message_dict
    second.refresh_from_db()
    assert second.state == "submitted"
    decisions.decision_record(
        actor=staff_user,
        application=second,
        decision="accept",
        over_capacity_reason="A rural FQHC the cohort lacks.",
    )
    second.refresh_from_db()
    assert second.state == "accepted"
    entry = AuditEntry.objects.get(action="application.accept", object_id=str(second.pk))
    assert entry.after["over_capacity_reason"] == "A rural FQHC the cohort lacks."


def test_batch_accept_fills_the_places_then_ranks_the_waitlist(cycle, staff_user):
    small_capacity(cycle, "action_community", 2)
    apps = [received(cycle) for _ in range(4)]
    result = decisions.decisions_batch(actor=staff_user, applications=apps, decision="accept")
    assert [a.pk for a in result.done] == [apps[0].pk, apps[1].pk]
    assert [(a.pk, rank) for a, rank in result.waitlisted] == [(apps[2].pk, 1), (apps[3].pk, 2)]
    states = dict(Application.objects.values_list("pk", "state"))
    assert [states[a.pk] for a in apps] == ["accepted", "accepted", "waitlisted", "waitlisted"]


def test_leaving_the_waitlist_closes_the_gap(cycle, staff_user):
    small_capacity(cycle, "action_community", 1)
    apps = [received(cycle) for _ in range(4)]
    decisions.decisions_batch(actor=staff_user, applications=apps, decision="accept")
    decisions.decision_record(
        actor=staff_user,
        application=apps[1],
        decision="not_selected_for_action_community",
        feedback="The Learning Network fits better.",
    )
    ranks = dict(Application.objects.filter(state="waitlisted").values_list("pk", "waitlist_rank"))
    assert ranks == {apps[2].pk: 1, apps[3].pk: 2}
    decisions.waitlist_move(
        actor=staff_user, application=Application.objects.get(pk=apps[3].pk), rank=1
    )
    ranks = dict(Application.objects.filter(state="waitlisted").values_list("pk", "waitlist_rank"))
    assert ranks == {apps[3].pk: 1, apps[2].pk: 2}


def test_batch_refuses_what_does_not_apply_and_goes_ahead_with_the_rest(cycle, staff_user):
    ln = received(cycle, "learning_network")
    ac = received(cycle)
    result = decisions.decisions_batch(
        actor=staff_user,
        applications=[ln, ac],
        decision="not_selected_for_action_community",
        feedback="Build the data first.",
    )
    assert [a.pk for a in result.done] == [ac.pk]
    assert result.refused[0][0].pk == ln.pk
    assert "no other cohort" in result.refused[0][1]


def test_not_selected_offers_the_learning_network_and_the_team_accepts_it(cycle, staff_user):
    application = received(cycle)
    decisions.decision_record(
        actor=staff_user,
        application=application,
        decision="not_selected_for_action_community",
        feedback="Strong heart; build the data infrastructure first.",
    )
    application.refresh_from_db()
    assert application.current_cohort.key == "learning_network"
    assert application.cohort_choice.key == "action_community"
    assert application.state == "offered"
    assert application.decided_at is not None
    assert Application.objects.count() == 1  # no resubmission
    move = CohortMove.objects.get(application=application)
    assert (move.from_cohort.key, move.to_cohort.key) == ("action_community", "learning_network")
    assert decisions.letters_due(application) == ["action_community_not_selected"]
    with pytest.raises(ValidationError, match="once its letter has been sent"):
        application_offer_answer(actor=application.created_by, application=application, accept=True)
    decisions.letter_send(
        actor=staff_user, application=application, kind="action_community_not_selected"
    )
    application_offer_answer(actor=application.created_by, application=application, accept=True)
    application.refresh_from_db()
    assert application.state == "accepted"
    assert application.team.cohort.key == "learning_network"
    assert (
        AuditEntry.objects.filter(
            action__in=[
                "application.not_selected_for_action_community",
                "application.offer_accept",
            ]
        ).count()
        == 2
    )


def test_a_team_that_declines_the_offer_gets_no_second_letter(cycle, staff_user):
    application = received(cycle)
    decisions.decision_record(
        actor=staff_user,
        application=application,
        decision="not_selected_for_action_community",
        feedback="Build the data first.",
    )
    decisions.letter_send(
        actor=staff_user, application=application, kind="action_community_not_selected"
    )
    application_offer_answer(actor=application.created_by, application=application, accept=False)
    application.refresh_from_db()
    assert application.state == "declined" and application.team is None
    assert decisions.letters_due(application) == ["action_community_not_selected"]


def test_not_selected_needs_feedback_and_decline_needs_a_reason(cycle, staff_user):
    with pytest.raises(ValidationError):
        decisions.decision_record(
            actor=staff_user,
            application=received(cycle),
            decision="not_selected_for_action_community",
        )
    application = received(cycle, "learning_network")
    with pytest.raises(ValidationError):
        decisions.decision_record(actor=staff_user, application=application, decision="decline")
    decisions.decision_record(
        actor=staff_user, application=application, decision="decline", reason="Incomplete letters"
    )
    application.refresh_from_db()
    assert (application.state, application.decline_reason) == ("declined", "Incomplete letters")


def test_accepting_creates_the_team_and_invites_the_roster(cycle, staff_user):
    application = received(cycle, roster_size=3)
    mail.outbox.clear()
    decisions.decision_record(actor=staff_user, application=application, decision="accept")
    application.refresh_from_db()
    team = application.team
    assert team.cohort.key == "action_community"
    assert team.members.count() == 3
    invited = sorted(m.to[0] for m in mail.outbox)
    assert invited == sorted(application.roster.values_list("email", flat=True))

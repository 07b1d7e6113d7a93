"""Taking each transition through ``application_transition``."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from pursuing_equity.applications import transitions
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.tests import factories as f


@pytest.fixture
def setup(personas):
    cycle = f.open_cycle()
    return cycle, personas.people["staff"]


def take(staff, app, name, **data):
    return transitions.application_transition(
        actor=staff, application=app, transition=name, **f.NO_REVIEWS, **data
    )


@pytest.mark.django_db
def test_not_selected_offers_the_learning_network_and_the_team_accepts(setup):
    cycle, staff = setup
    app = f.submitted(cycle=cycle)
    take(staff, app, "start_review")
    moved = take(
        staff,
        app,
        "not_selected_for_action_community",
        feedback="Strong start; grow the data work.",
    )
    assert moved.pk == app.pk
    assert moved.state == "offered"
    assert moved.cohort_choice.key == "action_community"
    assert moved.current_cohort.key == "learning_network"
    assert moved.not_selected_feedback == "Strong start; grow the data work."
    with pytest.raises(PermissionDenied):
        take(staff, moved, "offer_accept")
    accepted = transitions.application_transition(
        actor=app.created_by, application=moved, transition="offer_accept"
    )
    assert accepted.state == "accepted" and accepted.current_cohort.key == "learning_network"
    assert accepted.decided_at is not None


@pytest.mark.django_db
def test_the_team_may_decline_the_offer(setup):
    cycle, staff = setup
    app = take(staff, f.submitted(cycle=cycle), "not_selected_for_action_community", feedback="x")
    declined = transitions.application_transition(
        actor=app.created_by, application=app, transition="offer_decline"
    )
    assert declined.state == "declined"
    assert "declined the offer to join the Learning Network" in declined.decline_reason


@pytest.mark.django_db
def test_an_action_community_application_is_offered_the_learning_network_before_any_decline(
    setup,
):
    cycle, staff = setup
    app = f.submitted(cycle=cycle)
    with pytest.raises(ValidationError, match="offer of the Learning Network"):
        take(staff, app, "decline", reason="Outside the program's scope.")
    assert f.fresh(app).state == "submitted"


@pytest.mark.django_db
def test_not_selected_needs_feedback(setup):
    cycle, staff = setup
    app = f.submitted(cycle=cycle)
    with pytest.raises(ValidationError) as error:
        take(staff, app, "not_selected_for_action_community", feedback="  ")
    assert "feedback" in error.value.message_dict
    assert f.fresh(app).current_cohort.key == "action_community"


@pytest.mark.django_db
def test_learning_network_applications_cannot_be_moved_elsewhere(setup):
    cycle, staff = setup
    app = f.submitted(cycle=cycle, key="learning_network")
    with pytest.raises(ValidationError, match="no other cohort"):
        take(staff, app, "not_selected_for_action_community", feedback="x")


@pytest.mark.django_db
def test_decline_needs_a_reason_and_records_it(setup):
    cycle, staff = setup
    app = f.submitted(cycle=cycle, key="learning_network")
    with pytest.raises(ValidationError):
        take(staff, app, "decline")
    declined = take(staff, app, "decline", reason="Outside the program's scope.")
    assert (
        declined.state == "declined" and declined.decline_reason == "Outside the program's scope."
    )


@pytest.mark.django_db
def test_waitlist_ranks_in_order_and_accepting_clears_the_rank(setup):
    cycle, staff = setup
    first = take(staff, f.submitted(cycle=cycle), "waitlist")
    second = take(staff, f.submitted(cycle=cycle), "waitlist")
    assert (first.waitlist_rank, second.waitlist_rank) == (1, 2)
    assert take(staff, first, "accept").waitlist_rank is None


@pytest.mark.django_db
def test_a_transition_from_the_wrong_state_is_refused(setup):
    cycle, staff = setup
    app = f.submitted(cycle=cycle, key="learning_network")
    take(staff, app, "decline", reason="No.")
    with pytest.raises(ValidationError, match="not possible"):
        take(staff, app, "accept")


@pytest.mark.django_db
def test_applicant_can_withdraw_a_draft_and_start_again(setup):
    cycle, _ = setup
    app = f.draft(cycle=cycle)
    withdrawn = transitions.application_transition(
        actor=app.created_by, application=app, transition="withdraw"
    )
    assert withdrawn.state == "withdrawn"
    again = f.draft(cycle=cycle, user=app.created_by)
    assert again.pk != app.pk


@pytest.mark.django_db
def test_database_refuses_a_declined_application_without_reason(setup):
    cycle, _ = setup
    app = f.submitted(cycle=cycle)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=app.pk).update(state="declined")


@pytest.mark.django_db
def test_database_refuses_a_second_application_of_one_organization(setup):
    cycle, _ = setup
    app = f.submitted(cycle=cycle)
    other = f.draft(cycle=cycle)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=other.pk).update(organization=app.organization)

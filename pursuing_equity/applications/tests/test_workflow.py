"""The workflow declaration: states, transitions, who may take each, what each audience sees."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pursuing_equity.applications import transitions, workflow
from pursuing_equity.applications.states import State
from pursuing_equity.applications.tests import factories as f
from pursuing_equity.applications.workflow import TRANSITIONS
from pursuing_equity.core.models import AuditEntry

EXPECTED = {
    "submit": ({"draft"}, "submitted", "applicant"),
    "start_review": ({"submitted"}, "under_review", "staff"),
    "not_selected_for_action_community": (
        {"submitted", "under_review", "waitlisted"},
        "offered",
        "staff",
    ),
    "offer_accept": ({"offered"}, "accepted", "applicant"),
    "offer_decline": ({"offered"}, "declined", "applicant"),
    "accept": ({"submitted", "under_review", "waitlisted"}, "accepted", "staff"),
    "waitlist": ({"submitted", "under_review", "waitlisted"}, "waitlisted", "staff"),
    "decline": ({"submitted", "under_review", "waitlisted"}, "declined", "staff"),
    "withdraw": ({"draft", "submitted", "under_review", "waitlisted"}, "withdrawn", "applicant"),
}


def test_every_transition_is_declared_with_its_sources_target_and_audience():
    assert {
        name: (set(t.sources), t.target, t.audience) for name, t in TRANSITIONS.items()
    } == EXPECTED


def test_every_state_has_a_label_for_every_audience():
    for state in State.values:
        assert set(workflow.LABELS[state]) == set(workflow.Audience.values)


def test_applicants_only_ever_see_received_under_review_or_decision():
    shown = {workflow.label_for(s, "applicant") for s in State.values}
    assert shown == {"Draft", "Received", "Under review", "Decision", "Withdrawn"}
    assert workflow.label_for(State.OFFERED, "applicant") == "Decision"
    assert workflow.label_for(State.WAITLISTED, "applicant") == "Under review"


def test_decline_and_not_selected_require_their_text():
    assert TRANSITIONS["decline"].required == ("reason",)
    assert TRANSITIONS["not_selected_for_action_community"].required == ("feedback",)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_who_may_take_each_transition(personas, name):
    cycle = f.open_cycle()
    app = f.draft(cycle=cycle)
    colleague_app = f.draft(cycle=cycle)
    people = {
        **personas.people,
        "own_applicant": app.created_by,
        "other_applicant": colleague_app.created_by,
    }
    allowed = {who for who, user in people.items() if TRANSITIONS[name].rule(user, app)}
    if EXPECTED[name][2] == "applicant":
        assert allowed == {"own_applicant"}
    else:
        assert allowed == {"staff"}


@pytest.mark.django_db
def test_available_lists_only_what_the_person_may_do_now(personas):
    app = f.submitted(cycle=f.open_cycle())
    staff = personas.people["staff"]
    assert {t.name for t in workflow.available(staff, app)} == {
        "start_review",
        "not_selected_for_action_community",
        "accept",
        "waitlist",
        "decline",
    }
    assert [t.name for t in workflow.available(app.created_by, app)] == ["withdraw"]
    assert workflow.available(personas.people["reviewer"], app) == []


@pytest.mark.django_db
def test_a_registered_guard_can_refuse_and_an_effect_runs(personas):
    app = f.submitted(cycle=f.open_cycle())
    staff = personas.people["staff"]
    seen = []

    def full(application, **data):
        raise ValidationError("The cohort is full.")

    def effect(*, actor, application, **data):
        seen.append(application.state)

    workflow.register_guard("accept", full)
    workflow.register_effect("waitlist", effect)
    try:
        with pytest.raises(ValidationError, match="full"):
            transitions.application_transition(
                actor=staff, application=app, transition="accept", **f.NO_REVIEWS
            )
        transitions.application_transition(
            actor=staff, application=app, transition="waitlist", **f.NO_REVIEWS
        )
        assert seen == ["waitlisted"]
    finally:
        TRANSITIONS["accept"].guards.remove(full)
        TRANSITIONS["waitlist"].effects.remove(effect)


@pytest.mark.django_db
def test_the_service_refuses_people_not_allowed_by_the_declaration(personas):
    app = f.submitted(cycle=f.open_cycle())
    for who in ("reviewer", "applicant", "faculty"):
        with pytest.raises(PermissionDenied):
            transitions.application_transition(
                actor=personas.people[who], application=app, transition="accept"
            )
    with pytest.raises(PermissionDenied):
        transitions.application_transition(
            actor=app.created_by, application=app, transition="decline", reason="x"
        )
    assert f.fresh(app).state == "submitted"


@pytest.mark.django_db
def test_unknown_transition_is_a_programming_error(personas):
    app = f.submitted(cycle=f.open_cycle())
    with pytest.raises(ValueError):
        transitions.application_transition(
            actor=personas.people["staff"], application=app, transition="promote"
        )


@pytest.mark.django_db
def test_every_state_change_is_audited(personas):
    app = f.submitted(cycle=f.open_cycle(), key="learning_network")
    staff = personas.people["staff"]
    transitions.application_transition(actor=staff, application=app, transition="start_review")
    transitions.application_transition(
        actor=staff, application=app, transition="waitlist", **f.NO_REVIEWS
    )
    transitions.application_transition(
        actor=staff, application=app, transition="decline", reason="Full.", **f.NO_REVIEWS
    )
    actions = list(
        AuditEntry.objects.filter(
            object_id=str(app.pk),
            action__in=[
                "application.submit",
                "application.start_review",
                "application.waitlist",
                "application.decline",
            ],
        )
        .order_by("pk")
        .values_list("action", "before__state", "after__state")
    )
    assert actions == [
        ("application.submit", "draft", "submitted"),
        ("application.start_review", "submitted", "under_review"),
        ("application.waitlist", "under_review", "waitlisted"),
        ("application.decline", "waitlisted", "declined"),
    ]

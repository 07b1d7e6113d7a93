"""A small cohort the builder no longer needs keeps its calendar history (never a cascade)."""

from __future__ import annotations

import pytest
from django.db.models import RestrictedError
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events import services
from pursuing_equity.events.models import Attendance, Event
from pursuing_equity.events.tests.factories import TeamFactory, past_event
from pursuing_equity.teams import cohorts
from pursuing_equity.teams.forms import MoveForm
from pursuing_equity.teams.models import SmallCohort

pytestmark = pytest.mark.django_db


def _rebuild(program, count: int):
    run = cohorts.cohort_build_request(
        actor=program.staff,
        cohort=program.ln,
        preferences=cohorts.DEFAULT_PREFERENCES,
        cohort_count=count,
        background=False,
    )
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def _attended_call(program, small: SmallCohort) -> Event:
    event = past_event(
        program.cycle,
        kind="ln_group_coaching",
        title=f"Group coaching — {small.name}",
        audience=Event.Audience.SMALL_COHORT,
        small_cohort=small,
        cohort=program.ln,
    )
    present = [m.user_id for m in program.ln_teams[2].members.all()]
    services.attendance_take(actor=program.staff, event=event, present=present)
    return event


def test_a_surplus_small_cohort_with_attendance_is_retired_not_deleted(program):
    kept, surplus = program.small_cohorts
    event = _attended_call(program, surplus)
    attended = Attendance.objects.filter(event=event).count()
    assert attended

    run = _rebuild(program, 1)  # four Learning Network teams make one small cohort

    surplus.refresh_from_db()
    assert surplus.in_use is False
    assert not surplus.teams.exists()
    assert Event.objects.filter(pk=event.pk, small_cohort=surplus).exists()
    assert Attendance.objects.filter(event=event).count() == attended
    assert run.result["retired"] == [surplus.name]
    assert AuditEntry.objects.filter(action="small_cohort.retire", object_id=str(surplus.pk))
    # Out of the builder, its forms and the calendar to come.
    assert cohorts.small_cohorts_of(program.ln) == [kept]
    assert list(MoveForm(cohort=program.ln).fields["small_cohort"].queryset) == [kept]
    plan = services.calendar_plan(program.cycle)
    assert not [p for p in plan.values() if p.values.get("small_cohort") == surplus]


def test_the_builder_page_says_which_small_cohorts_were_kept(program, client):
    _attended_call(program, program.small_cohorts[1])
    _rebuild(program, 1)
    client.force_login(program.staff)
    body = client.get(reverse("cohort_builder")).content.decode()
    assert "Kept but no longer in use" in body
    assert "Cohort 2" in body


def test_a_surplus_small_cohort_without_events_is_deleted(program):
    surplus = program.small_cohorts[1]
    run = _rebuild(program, 1)
    assert not SmallCohort.objects.filter(pk=surplus.pk).exists()
    assert run.result["retired"] == []


def test_a_retired_small_cohort_is_used_again_before_a_new_one_is_made(program):
    surplus = program.small_cohorts[1]
    event = _attended_call(program, surplus)
    _rebuild(program, 1)
    for i in range(4):
        TeamFactory(cycle=program.cycle, cohort=program.ln, name=f"New LN team {i}")
    _rebuild(program, 2)
    surplus.refresh_from_db()
    assert surplus.in_use is True
    assert surplus.teams.count() == 4
    assert SmallCohort.objects.filter(cohort=program.ln).count() == 2
    assert Event.objects.get(pk=event.pk).small_cohort == surplus


def test_a_small_cohort_with_events_cannot_be_deleted_directly(program):
    surplus = program.small_cohorts[1]
    _attended_call(program, surplus)
    with pytest.raises(RestrictedError):
        surplus.delete()


def test_moves_and_pins_refuse_a_retired_small_cohort(program):
    from django.core.exceptions import ValidationError

    surplus = program.small_cohorts[1]
    _attended_call(program, surplus)
    _rebuild(program, 1)
    surplus.refresh_from_db()
    team = program.ln_teams[0]
    team.refresh_from_db()
    with pytest.raises(ValidationError, match="retired"):
        cohorts.team_move(actor=program.staff, team=team, small_cohort=surplus)
    with pytest.raises(ValidationError, match="retired"):
        cohorts.cohort_pin_set(actor=program.staff, team=team, small_cohort=surplus)

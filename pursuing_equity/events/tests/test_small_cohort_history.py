"""A small cohort the builder no longer needs keeps its calendar history (never a cascade)."""

from __future__ import annotations

import datetime
from datetime import date

import pytest
from django.core import mail
from django.db.models import RestrictedError
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events import attendance_taking, generation, selectors
from pursuing_equity.events.models import Attendance, Event
from pursuing_equity.events.tests.factories import TeamFactory, make_program, past_event
from pursuing_equity.programs.dates import demo_shift_for
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
    attendance_taking.attendance_take(actor=program.staff, event=event, present=present)
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
    plan = generation.calendar_plan(program.cycle)
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


# --- future events: off the calendar when retired, made afresh when reused ---------------------


@pytest.fixture
def midway(db):
    """The program with today in its ninth month and its calendar generated: small cohort events
    behind and ahead."""
    program = make_program(shift_months=demo_shift_for(datetime.date(2023, 1, 1), date.today()))
    generation.calendar_generate(actor=program.staff, cycle=program.cycle)
    return program


def _future(small: SmallCohort):
    return Event.objects.filter(small_cohort=small, starts_at__gt=timezone.now())


def test_a_retired_small_cohort_loses_its_future_events_and_keeps_its_history(midway, client):
    kept, surplus = midway.small_cohorts
    history = _attended_call(midway, surplus)
    past = set(
        Event.objects.filter(small_cohort=surplus, starts_at__lt=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    future = list(_future(surplus))
    assert len(future) > 2 and history.pk in past
    coach_sees = {e.pk for e in selectors.my_calendar(midway.coach) if e.small_cohort == surplus}
    assert coach_sees == {e.pk for e in future}
    # Attendance taken ahead of time on one future call: that one is cancelled, not deleted.
    odd = future[-1]
    Attendance.objects.create(event=odd, user=midway.coach, present=True)
    mail.outbox.clear()

    run = _rebuild(midway, 1)

    surplus.refresh_from_db()
    assert surplus.in_use is False
    assert list(_future(surplus)) == [odd]
    odd.refresh_from_db()
    assert odd.cancelled
    told = [m.subject for m in mail.outbox if midway.coach.email in m.to]
    assert len(told) == 1 and told[0].endswith(f"Cancelled: {odd.title}")
    assert (
        set(
            Event.objects.filter(small_cohort=surplus, starts_at__lt=timezone.now()).values_list(
                "pk", flat=True
            )
        )
        == past
    )
    assert Attendance.objects.filter(event=history).exists()
    note = (
        f"{surplus.name}: {len(future) - 1} future events taken off the calendar; "
        "1 future event with attendance already taken cancelled."
    )
    assert run.result["calendar"] == [note]
    entry = AuditEntry.objects.get(action="small_cohort.calendar_reset", object_id=str(surplus.pk))
    assert entry.before["removed"] == [e.pk for e in future[:-1]]
    # Its coach no longer has them; the next generation does not bring them back.
    assert {e.pk for e in selectors.my_calendar(midway.coach) if e.small_cohort == surplus} <= {
        odd.pk
    }
    generation.calendar_generate(actor=midway.staff, cycle=midway.cycle)
    assert list(_future(surplus)) == [odd]
    assert _future(kept).count() == len(future)
    # Staff read what happened on the builder page.
    client.force_login(midway.staff)
    assert note in client.get(reverse("cohort_builder")).content.decode()


def test_a_small_cohort_with_only_future_events_is_deleted_with_them(midway):
    surplus = midway.small_cohorts[1]
    Event.objects.filter(small_cohort=surplus, starts_at__lt=timezone.now()).delete()
    count = _future(surplus).count()
    assert count
    run = _rebuild(midway, 1)
    assert not SmallCohort.objects.filter(pk=surplus.pk).exists()
    assert run.result["retired"] == []
    assert run.result["calendar"] == [
        f"{surplus.name}: {count} future events taken off the calendar."
    ]


def test_a_reused_small_cohort_gets_its_calendar_made_afresh(midway):
    kept, surplus = midway.small_cohorts
    history = _attended_call(midway, surplus)
    keys = set(_future(surplus).values_list("generated_key", flat=True))
    _rebuild(midway, 1)
    # A future event left from before retired cohorts lost theirs, edited and cancelled by hand.
    leftover_key = sorted(keys)[0]
    starts = timezone.now() + datetime.timedelta(days=3)
    Event.objects.create(
        cycle=midway.cycle,
        kind="ln_group_coaching",
        title=f"Group coaching — {surplus.name}",
        audience=Event.Audience.SMALL_COHORT,
        small_cohort=surplus,
        cohort=midway.ln,
        modality=Event.Modality.VIRTUAL,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        generated_key=leftover_key,
        edited=True,
        cancelled=True,
    )
    for i in range(4):
        TeamFactory(cycle=midway.cycle, cohort=midway.ln, name=f"New LN team {i}")

    run = _rebuild(midway, 2)

    surplus.refresh_from_db()
    assert surplus.in_use is True
    assert not _future(surplus).exists()
    assert run.result["calendar"] == [f"{surplus.name}: 1 future event taken off the calendar."]
    generation.calendar_generate(actor=midway.staff, cycle=midway.cycle)
    # Like a new small cohort: every future call of the program file, led by its coach.
    regenerated = list(_future(surplus).prefetch_related("facilitators"))
    assert {e.generated_key for e in regenerated} == keys
    assert not any(e.cancelled or e.edited for e in regenerated)
    assert all([u.pk for u in e.facilitators.all()] == [midway.coach.pk] for e in regenerated)
    new_members = {m.user for t in surplus.teams.all() for m in t.members.all()}
    people = {p.user_id for p in selectors.participants_of(regenerated[0])}
    assert new_members and people == {u.pk for u in new_members}
    assert Event.objects.get(pk=history.pk).small_cohort == surplus
    assert Attendance.objects.filter(event=history).exists()

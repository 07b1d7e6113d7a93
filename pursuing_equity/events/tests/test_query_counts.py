"""The calendar, its management, attendance and coaching pages make as many queries with twice
the teams, their events and attendance as with the few."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow
from pursuing_equity.events.attendance_taking import attendance_take
from pursuing_equity.events.generation import calendar_generate
from pursuing_equity.events.library import (
    activity_mark_tried,
    material_add,
    suggested_activity_add,
)
from pursuing_equity.events.models import ChecklistTick
from pursuing_equity.events.tests.factories import (
    TeamFactory,
    future_slot,
    make_program,
    member,
    past_event,
)
from pursuing_equity.teams.models import TeamMember

pytestmark = pytest.mark.django_db


def add_events(program, days_ago: int) -> None:
    """A past all-team call of each cohort with its attendance taken, and a coaching slot."""
    for cohort in (program.ln, program.ac):
        event = past_event(program.cycle, days_ago=days_ago, cohort=cohort)
        people = TeamMember.objects.filter(team__cohort=cohort).values_list("user_id", flat=True)
        attendance_take(actor=program.staff, event=event, present=list(people)[::2])
        material_add(actor=program.staff, event=event, kind="recording", title="Recording",
                     topic="Data", recording_url="https://example.org/r")  # fmt: skip
        activity = suggested_activity_add(actor=program.staff, event=event, title="Try it")
        team = program.ac_teams[0] if cohort == program.ac else program.ln_teams[0]
        activity_mark_tried(actor=program.members_of(team)[1], activity=activity, team=team)
        for user_id in list(people)[:3]:
            ChecklistTick.objects.get_or_create(
                cycle=program.cycle, user_id=user_id, checklist="groundwater", item=f"i{days_ago}"
            )
    future_slot(program.cycle, program.coach, days=days_ago)


def grow(program) -> None:
    for i in range(4):
        small = program.small_cohorts[i % 2]
        team = TeamFactory(cycle=program.cycle, cohort=program.ln, small_cohort=small)
        member(team, TeamMember.Part.SENIOR_LEADER)
        member(team)
        team = TeamFactory(cycle=program.cycle, cohort=program.ac, coach=program.coach)
        member(team, TeamMember.Part.SENIOR_LEADER)
        member(team)
    calendar_generate(actor=None, cycle=program.cycle)
    for days in (14, 21, 28):
        add_events(program, days)


def test_event_pages_make_the_same_queries_however_many_teams_and_events(client):
    program = make_program(shift_months=36)
    calendar_generate(actor=None, cycle=program.cycle)
    add_events(program, 7)
    ac_member = program.members_of(program.ac_teams[0])[1]
    ln_member = program.members_of(program.ln_teams[0])[1]
    event = program.cycle.events.order_by("starts_at").first()
    ac_event = program.cycle.events.filter(cohort=program.ac, audience="cohort").first()
    meetup = program.cycle.events.get(kind="forum_meetup")

    def pages():
        return {
            "my calendar (AC member)": (ac_member, reverse("calendar_mine")),
            "my calendar (LN member)": (ln_member, reverse("calendar_mine")),
            "my calendar (coach)": (program.coach, reverse("calendar_mine")),
            "calendar management": (program.staff, reverse("calendar_manage")),
            "event": (program.staff, reverse("event_detail", args=[event.pk])),
            "attendance": (program.staff, reverse("attendance_take", args=[event.pk])),
            "attendance overview": (program.staff, reverse("attendance_overview")),
            "a team's attendance": (
                program.staff,
                reverse("attendance_team", args=[program.ln_teams[0].slug]),
            ),
            "coaching (coach)": (program.coach, reverse("coaching")),
            "coaching (team)": (ac_member, reverse("coaching")),
            "event (AC member)": (ac_member, reverse("event_detail", args=[ac_event.pk])),
            "library (AC member)": (ac_member, reverse("library")),
            "library search (staff)": (program.staff, reverse("library") + "?q=recording"),
            "pre-work (AC member)": (ac_member, reverse("checklists")),
            "pre-work progress": (program.staff, reverse("checklist_progress")),
            "registration (AC member)": (ac_member, reverse("registration", args=[meetup.pk])),
            "meet-up (AC member)": (ac_member, reverse("event_detail", args=[meetup.pk])),
            "my past events (AC member)": (ac_member, reverse("calendar_mine") + "?past=1"),
        }

    assert_counts_do_not_grow(client, pages, lambda: grow(program))

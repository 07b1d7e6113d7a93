"""Affinity group events: members from the teams app, facilitators, private emails."""

import pytest
from django.core import mail

from pursuing_equity.events.generation import calendar_generate
from pursuing_equity.events.models import Event
from pursuing_equity.events.selectors import participants_of
from pursuing_equity.events.services import event_update
from pursuing_equity.events.tests.factories import affinity_member

pytestmark = pytest.mark.django_db


def test_before_anyone_chooses_the_groups_events_exist_with_nobody_expected(program):
    calendar_generate(actor=None, cycle=program.cycle)
    events = program.cycle.events.filter(audience=Event.Audience.AFFINITY_GROUP)
    assert set(events.values_list("affinity_group", flat=True)) == {"people_of_color", "white"}
    assert all(participants_of(e) == [] for e in events)


def test_members_are_expected_and_facilitators_facilitate(program):
    white, poc = program.members_of(program.ac_teams[0])[:2]
    affinity_member(program.cycle, white, "white", facilitator=program.other_coach)
    affinity_member(program.cycle, poc, "people_of_color")
    calendar_generate(actor=None, cycle=program.cycle)
    event = program.cycle.events.filter(affinity_group="white").first()
    assert [p.user_id for p in participants_of(event)] == [white.pk]
    assert list(event.facilitators.all()) == [program.other_coach]


def test_a_change_emails_each_member_separately(program):
    members = program.members_of(program.ac_teams[0])
    for user in members:
        affinity_member(program.cycle, user, "white")
    calendar_generate(actor=None, cycle=program.cycle)
    event = program.cycle.events.filter(affinity_group="white").first()
    mail.outbox.clear()
    event_update(actor=program.staff, event=event, cancelled=True)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in members)
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)


def test_facilitators_added_later_are_picked_up_by_the_next_generation(program):
    calendar_generate(actor=None, cycle=program.cycle)
    affinity_member(
        program.cycle,
        program.members_of(program.ac_teams[0])[0],
        "white",
        facilitator=program.coach,
    )
    result = calendar_generate(actor=None, cycle=program.cycle)
    assert result.updated == program.cycle.events.filter(affinity_group="white").count()
    assert all(
        list(e.facilitators.all()) == [program.coach]
        for e in program.cycle.events.filter(affinity_group="white")
    )

"""1:1 coaching: coaches publish slots, Action Community teams book and cancel, never twice."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pursuing_equity.events import selectors
from pursuing_equity.events.coaching import (
    coaching_book,
    coaching_cancel,
    coaching_slot_publish,
    coaching_slot_withdraw,
)
from pursuing_equity.events.generation import calendar_generate
from pursuing_equity.events.models import CoachingBooking, CoachingSlot, Event
from pursuing_equity.events.tests.factories import future_slot, make_program

pytestmark = pytest.mark.django_db


def test_a_coach_publishes_a_slot(program):
    starts = timezone.now() + datetime.timedelta(days=3)
    slot = coaching_slot_publish(
        actor=program.coach,
        cycle=program.cycle,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        video_url="https://zoom.example.org/j/1",
    )
    assert slot.coach == program.coach


def test_a_coach_cannot_offer_overlapping_slots(program):
    slot = future_slot(program.cycle, program.coach)
    with pytest.raises(ValidationError, match="already offer"):
        coaching_slot_publish(
            actor=program.coach,
            cycle=program.cycle,
            starts_at=slot.starts_at + datetime.timedelta(minutes=30),
            ends_at=slot.ends_at + datetime.timedelta(minutes=30),
        )


def test_a_slot_in_the_past_is_refused(program):
    starts = timezone.now() - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError):
        coaching_slot_publish(
            actor=program.coach,
            cycle=program.cycle,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        )


def test_booking_puts_the_session_in_the_teams_calendar_and_emails_them(program):
    team = program.ac_teams[0]
    slot = future_slot(program.cycle, program.coach)
    mail.outbox.clear()
    booking = coaching_book(actor=program.members_of(team)[0], slot=slot, team=team)
    event = booking.event
    assert (event.team, event.starts_at, event.ends_at) == (team, slot.starts_at, slot.ends_at)
    assert list(event.facilitators.all()) == [program.coach]
    recipients = {m.to[0] for m in mail.outbox}
    assert {u.email for u in program.members_of(team)} | {program.coach.email} == recipients


def test_a_new_booking_is_emailed_as_booked_not_changed(program, settings):
    settings.PE_SITE_URL = "https://equity.example.org"
    team = program.ac_teams[0]
    slot = future_slot(program.cycle, program.coach)
    mail.outbox.clear()
    booking = coaching_book(actor=program.members_of(team)[0], slot=slot, team=team)
    message = mail.outbox[0]
    assert message.subject == f"[Pursuing Equity] Booked: {booking.event.title}"
    assert "is booked" in message.body and "changed" not in message.body.lower()
    assert f"Coach: {program.coach.display_name}" in message.body
    assert f"https://equity.example.org/calendar/events/{booking.event.pk}/" in message.body


def test_a_team_with_a_coach_books_only_its_coachs_slots(program):
    team = program.ac_teams[0]  # coached one to one by program.coach
    other = future_slot(program.cycle, program.other_coach)
    own = future_slot(program.cycle, program.coach, days=11)
    with pytest.raises(ValidationError, match="its 1:1 coach, Cora Coach"):
        coaching_book(actor=program.members_of(team)[0], slot=other, team=team)
    assert not CoachingBooking.objects.exists()
    assert selectors.open_slots(program.cycle, [team]) == [own]
    team.coach = None
    assert selectors.open_slots(program.cycle, [team]) == [other, own]
    team.save()
    assert coaching_book(actor=program.members_of(team)[0], slot=other, team=team).slot == other


def test_booking_moves_the_generated_session_of_that_month(program):
    calendar_generate(actor=None, cycle=program.cycle)
    team = program.ac_teams[0]
    # A session generated for this month (the demo-less cycle is in the past: make one now).
    session = Event.objects.filter(team=team, kind="ac_coaching").first()
    slot = future_slot(program.cycle, program.coach)
    Event.objects.filter(pk=session.pk).update(
        starts_at=slot.starts_at + datetime.timedelta(days=1),
        ends_at=slot.starts_at + datetime.timedelta(days=1, hours=1),
    )
    booking = coaching_book(actor=program.staff, slot=slot, team=team)
    assert booking.event_id == session.pk
    session.refresh_from_db()
    assert session.starts_at == slot.starts_at and session.edited
    assert Event.objects.filter(team=team, kind="ac_coaching").count() == 14

    coaching_cancel(actor=program.staff, booking=booking)
    session.refresh_from_db()
    # Back to the program's default time (first Thursday 11 AM of the month of the generated key).
    assert not session.edited and not session.cancelled
    assert session.starts_at != slot.starts_at


def test_a_slot_cannot_be_booked_twice(program):
    slot = future_slot(program.cycle, program.coach)
    first, second = program.ac_teams
    coaching_book(actor=program.staff, slot=slot, team=first)
    with pytest.raises(ValidationError, match="just booked"):
        coaching_book(actor=program.staff, slot=slot, team=second)
    assert CoachingBooking.objects.filter(slot=slot, cancelled_at=None).count() == 1


def test_the_database_refuses_a_second_active_booking(program):
    slot = future_slot(program.cycle, program.coach)
    first, second = program.ac_teams
    CoachingBooking.objects.create(slot=slot, team=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoachingBooking.objects.create(slot=slot, team=second)


def test_after_a_cancellation_another_team_can_book(program):
    slot = future_slot(program.cycle, program.coach)
    first, second = program.ac_teams
    booking = coaching_book(actor=program.staff, slot=slot, team=first)
    coaching_cancel(actor=program.staff, booking=booking)
    coaching_book(actor=program.staff, slot=slot, team=second)
    assert CoachingBooking.objects.filter(slot=slot, cancelled_at=None).get().team == second


def test_cancelling_a_session_created_by_a_booking_cancels_it(program):
    slot = future_slot(program.cycle, program.coach)
    booking = coaching_book(actor=program.staff, slot=slot, team=program.ac_teams[0])
    mail.outbox.clear()
    coaching_cancel(actor=program.staff, booking=booking)
    booking.event.refresh_from_db()
    assert booking.event.cancelled
    assert mail.outbox and mail.outbox[0].subject.endswith(f"Cancelled: {booking.event.title}")
    with pytest.raises(ValidationError):
        coaching_cancel(actor=program.staff, booking=booking)


def test_learning_network_teams_cannot_book(program):
    slot = future_slot(program.cycle, program.coach)
    with pytest.raises(ValidationError, match="Action Community"):
        coaching_book(actor=program.staff, slot=slot, team=program.ln_teams[0])


def test_a_booked_slot_cannot_be_withdrawn(program):
    slot = future_slot(program.cycle, program.coach)
    coaching_book(actor=program.staff, slot=slot, team=program.ac_teams[0])
    with pytest.raises(ValidationError):
        coaching_slot_withdraw(actor=program.coach, slot=slot)
    assert CoachingSlot.objects.filter(pk=slot.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_teams_booking_the_same_slot_at_once_get_it_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer at a time; the race needs PostgreSQL's row locks.")
    program = make_program()
    slot = future_slot(program.cycle, program.coach)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(team):
        try:
            barrier.wait()
            coaching_book(actor=None, slot=slot, team=team)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(t,)) for t in program.ac_teams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "refused"]
    assert CoachingBooking.objects.filter(slot=slot, cancelled_at=None).count() == 1

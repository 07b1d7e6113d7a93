"""Writes of 1:1 coaching: a coach publishes or withdraws slots, a team books one (its coaching
session of that month moves to the slot's time) or cancels it. Each in a transaction, audited;
the people of the session are emailed."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.events import generation, selectors
from pursuing_equity.events.models import CoachingBooking, CoachingSlot, Event
from pursuing_equity.events.services import notify_change
from pursuing_equity.programs.models import Cycle
from pursuing_equity.teams.models import Team

A = Event.Audience
M = Event.Modality


@transaction.atomic
def coaching_slot_publish(
    *,
    actor: Any,
    cycle: Cycle,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    video_url: str = "",
) -> CoachingSlot:
    """A coach offers a time for 1:1 coaching. No overlap with the coach's other slots."""
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "Choose a time in the future."})
    overlapping = CoachingSlot.objects.filter(
        coach=actor, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists()
    if overlapping:
        raise ValidationError({"starts_at": "You already offer a slot at that time."})
    slot = CoachingSlot(
        cycle=cycle, coach=actor, starts_at=starts_at, ends_at=ends_at, video_url=video_url
    )
    slot.full_clean()
    slot.save()
    audit_record(
        actor=actor, action="coaching.slot_published", obj=slot, after=model_snapshot(slot)
    )
    return slot


@transaction.atomic
def coaching_slot_withdraw(*, actor: Any, slot: CoachingSlot) -> None:
    """The coach takes back a slot nobody has booked."""
    if slot.bookings.filter(cancelled_at__isnull=True).exists():
        raise ValidationError("A team has booked this slot: cancel the booking first.")
    audit_record(
        actor=actor, action="coaching.slot_withdrawn", obj=slot, before=model_snapshot(slot)
    )
    slot.delete()


def _month_bounds(
    moment: datetime.datetime, zone: str
) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of ``moment``'s month in ``zone`` and the start of the following month."""
    local = moment.astimezone(ZoneInfo(zone))
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


@transaction.atomic
def coaching_book(*, actor: Any, slot: CoachingSlot, team: Team) -> CoachingBooking:
    """``team`` books ``slot``. A slot is booked at most once (checked here under a row lock, and
    by a unique constraint on active bookings, so that two teams clicking at once cannot both
    get it). The team's coaching session of that month moves to the slot's time."""
    slot = CoachingSlot.objects.select_for_update().select_related("cycle").get(pk=slot.pk)
    if team.cycle_id != slot.cycle_id or team.cohort_id not in selectors.coaching_cohort_ids(
        slot.cycle
    ):
        raise ValidationError("1:1 coaching is for Action Community teams of this cycle.")
    if team.coach_id and slot.coach_id != team.coach_id:
        raise ValidationError(
            f"{team.name} books the slots of its 1:1 coach, {team.coach.display_name}."
        )
    if slot.starts_at <= timezone.now():
        raise ValidationError("This slot has already started.")
    if slot.bookings.filter(cancelled_at__isnull=True).exists():
        raise ValidationError("Another team has just booked this slot. Please choose another.")
    booking = CoachingBooking(slot=slot, team=team, booked_by=actor)
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise ValidationError(
            "Another team has just booked this slot. Please choose another."
        ) from None

    session, before = _session_moved_to(slot, team)
    booking.event = session
    booking.save(update_fields=["event"])
    audit_record(
        actor=actor,
        action="coaching.booked",
        obj=booking,
        after={"slot": slot.pk, "team": team.pk, "event": session.pk},
    )
    notify_change(session, before or {"starts_at": None}, booked=True)
    return booking


def _session_moved_to(slot: CoachingSlot, team: Team) -> tuple[Event, dict]:
    """The team's coaching session of the slot's month, moved to the slot's time with the slot's
    coach (created when the program's calendar has none left that month), and what it was."""
    first, following = _month_bounds(slot.starts_at, slot.cycle.time_zone)
    session = (
        Event.objects.filter(
            team=team,
            kind="ac_coaching",
            cancelled=False,
            starts_at__gte=first,
            starts_at__lt=following,
        )
        .exclude(
            pk__in=CoachingBooking.objects.filter(
                cancelled_at__isnull=True, event__isnull=False
            ).values("event_id")
        )
        .order_by("starts_at")
        .first()
    )
    values = {
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "video_url": slot.video_url,
        "modality": M.VIRTUAL,
    }
    if session is None:
        session = Event(
            cycle=slot.cycle,
            kind="ac_coaching",
            audience=A.TEAM,
            team=team,
            cohort=team.cohort,
            title=f"1:1 coaching — {team.name}",
            location=slot.cycle.document.get("calendar", {}).get("video_call", ""),
            **values,
        )
        before: dict = {}
    else:
        before = model_snapshot(session, list(values))
        for name, value in values.items():
            setattr(session, name, value)
        session.sequence += 1
    session.edited = True
    session.full_clean()
    session.save()
    session.facilitators.set([slot.coach_id])
    return session, before


@transaction.atomic
def coaching_cancel(*, actor: Any, booking: CoachingBooking) -> CoachingBooking:
    """Cancel a booking; the slot is free again. A session that came from the program's calendar
    goes back to its default time; one created by the booking is cancelled. Everyone is told."""
    if booking.cancelled_at is not None:
        raise ValidationError("This booking was already cancelled.")
    booking.cancelled_at = timezone.now()
    booking.cancelled_by = actor
    booking.full_clean(validate_constraints=False)
    booking.save()
    event = booking.event
    if event is not None:
        before = model_snapshot(event, ["starts_at", "ends_at", "video_url", "cancelled"])
        plan = (
            generation.calendar_plan(event.cycle).get(event.generated_key)
            if event.generated_key
            else None
        )
        if plan is not None:
            for name in ("starts_at", "ends_at", "modality", "location"):
                setattr(event, name, plan.values[name])
            event.video_url = ""
            event.edited = False
            event.facilitators.set(plan.facilitator_ids)
        else:
            event.cancelled = True
        event.sequence += 1
        event.full_clean()
        event.save()
        notify_change(event, before)
    audit_record(
        actor=actor,
        action="coaching.cancelled",
        obj=booking,
        after={"slot": booking.slot_id, "team": booking.team_id},
    )
    return booking

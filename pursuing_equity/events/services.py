"""Writes of single events and feeds: editing an event (one, or many of an activity's dates at
once), taking a small cohort's future events off the calendar, and calendar feed addresses. Each
in a transaction, audited.

Every change to an event that its people would notice (time, place, link, cancellation) emails
the people affected, one message each (affinity groups are private, so nobody sees the others'
addresses), through :func:`notify_change`, which generation and coaching use too; email goes
through the task queue like all email. The calendar's generation is :mod:`.generation`, 1:1
coaching :mod:`.coaching`, attendance :mod:`.attendance_taking`.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.email import send_templated
from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.events import selectors
from pursuing_equity.events.models import Attendance, CalendarFeed, Event
from pursuing_equity.programs.models import Activity
from pursuing_equity.teams.models import SmallCohort

NOTIFIED_FIELDS = (
    "starts_at",
    "ends_at",
    "modality",
    "video_url",
    "location",
    "venue",
    "cancelled",
)
EDITABLE_FIELDS = ("title", "notes", "optional", *NOTIFIED_FIELDS)


# --- editing one event ------------------------------------------------------------------------


def _recipients(event: Event) -> list[str]:
    emails = {p.email for p in selectors.participants_of(event)}
    emails |= set(event.facilitators.values_list("email", flat=True))
    return sorted(e for e in emails if e)


def notify_change(event: Event, before: Mapping[str, Any], *, booked: bool = False) -> int:
    """Email everyone affected by a change of ``event`` (one message each); returns how many.

    ``booked``: the change is a coaching booking, which people are told is booked, not changed.
    """
    return send_templated(
        template_prefix=f"events/email/{'coaching_booked' if booked else 'event_changed'}",
        context={
            "event": event,
            "url": absolute_url(reverse("event_detail", args=[event.pk])),
            "coaches": [u.display_name for u in event.facilitators.all()],
        },
        to=_recipients(event),
        one_each=True,
    )


@transaction.atomic
def event_update(*, actor: Any, event: Event, **changes: Any) -> Event:
    """Change one event (staff). The event is then kept as edited by calendar generation; the
    people affected are emailed when its time, place, link or cancellation changes."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(event, name) != value]
    if not changed:
        return event
    before = model_snapshot(event, changed)
    for name in changed:
        setattr(event, name, changes[name])
    event.edited = True
    event.sequence += 1
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action="event.updated",
        obj=event,
        before=before,
        after=model_snapshot(event, changed),
    )
    if set(changed) & set(NOTIFIED_FIELDS):
        notify_change(event, before)
    return event


@transaction.atomic
def activity_dates_set(
    *,
    actor: Any,
    activity: Activity,
    times: Sequence[tuple[Event, datetime.datetime, datetime.datetime]],
) -> int:
    """Set the date and time of many events of one activity at once (the bulk dates page).

    One transaction, with the events locked and read afresh: if one event cannot take its new
    time, none changes. Each event that moves is changed as a single edit would change it (kept as
    edited by calendar generation, audited, its people emailed); one more audit entry records the
    whole change, unless nothing moved. Returns how many moved.
    """
    locked = Event.objects.select_for_update().in_bulk([event.pk for event, _, _ in times])
    moved = []
    for given, starts_at, ends_at in times:
        event = locked.get(given.pk)
        if event is None:
            raise ValidationError(f"{given.title} is no longer on the calendar.")
        if event.activity_id != activity.pk:
            raise ValidationError(f"{event.title} is not an event of {activity.name}.")
        if (event.starts_at, event.ends_at) == (starts_at, ends_at):
            continue
        event_update(actor=actor, event=event, starts_at=starts_at, ends_at=ends_at)
        moved.append(event.pk)
    if not moved:
        return 0
    audit_record(
        actor=actor,
        action="calendar.activity_dates",
        obj=activity,
        after={"events": moved, "rows": len(times)},
        note=f"{len(moved)} of {len(times)} events of {activity.name} moved.",
    )
    return len(moved)


# --- a small cohort the cohort builder lets go or takes back ----------------------------------


@transaction.atomic
def small_cohort_calendar_reset(*, actor: Any, small_cohort: SmallCohort) -> str:
    """Take a small cohort's future events off the calendar when the cohort builder retires it
    (or takes it back from retirement): it has no teams, so its coach should not keep meeting
    nobody; and a reused cohort then gets its events from the next calendar generation, as a new
    one does, for the teams it has now.

    Future events are deleted; one whose attendance was already taken is cancelled instead (its
    people are told, as with any cancellation). Past events stay, with their attendance.
    Registered with ``teams.effects`` from ``EventsConfig.ready()``. Returns a sentence for staff
    ("" when the cohort had no future events).
    """
    future = list(
        Event.objects.select_for_update()
        .filter(small_cohort=small_cohort, starts_at__gt=timezone.now())
        .order_by("starts_at")
    )
    if not future:
        return ""
    attended = set(
        Attendance.objects.filter(event__in=future).values_list("event_id", flat=True)
    ) | {event.pk for event in future if event.attendance_taken_at}
    removed = [event for event in future if event.pk not in attended]
    cancelled = [event for event in future if event.pk in attended and not event.cancelled]
    for event in cancelled:
        event_update(actor=actor, event=event, cancelled=True)
    Event.objects.filter(pk__in=[event.pk for event in removed]).delete()
    parts = []
    if removed:
        parts.append(f"{_events(len(removed))} taken off the calendar")
    if cancelled:
        parts.append(f"{_events(len(cancelled))} with attendance already taken cancelled")
    if not parts:
        return ""
    note = f"{small_cohort.name}: {'; '.join(parts)}."
    audit_record(
        actor=actor,
        action="small_cohort.calendar_reset",
        obj=small_cohort,
        before={"removed": [event.pk for event in removed]},
        after={"cancelled": [event.pk for event in cancelled]},
        note=note,
    )
    return note


def _events(count: int) -> str:
    return f"{count} future event{'s' if count != 1 else ''}"


# --- calendar feeds ---------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_for(user) -> CalendarFeed:
    """The person's feed, created on first use (its token is a secret; never audited in clear)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        feed = CalendarFeed(user=user, token=_new_token())
        feed.full_clean()
        feed.save()
    return feed


@transaction.atomic
def feed_token_reset(*, actor: Any, user) -> CalendarFeed:
    """Give the person a new feed address; the old one stops working at once."""
    feed = feed_for(user)
    feed.token = _new_token()
    feed.full_clean()
    feed.save()
    audit_record(actor=actor, action="calendar.feed_reset", obj=user)
    return feed

"""Writes of the calendar, coaching, attendance and feeds: each in a transaction, each audited.

Every change to an event that its people would notice (time, place, link, cancellation) emails
the people affected, one message each (affinity groups are private, so nobody sees the others'
addresses); email goes through the task queue like all email.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.email import send, send_templated
from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.events import affinity, schedule, selectors, zoom
from pursuing_equity.events.models import (
    FORUM_MEETUP,
    Attendance,
    CalendarFeed,
    CoachingBooking,
    CoachingSlot,
    Event,
    ZoomImport,
)
from pursuing_equity.programs.dates import format_month, parse_month
from pursuing_equity.programs.models import Activity, ActivityMonth, Cycle
from pursuing_equity.teams.models import SmallCohort, Team

A = Event.Audience
M = Event.Modality
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


# --- generating the calendar ------------------------------------------------------------------


@dataclass
class Planned:
    """An event as the program file's calendar wants it."""

    key: str
    values: dict[str, Any]
    facilitator_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class GenerationResult:
    created: int
    updated: int
    removed: int
    unchanged: int
    kept_edited: int

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {self.kept_edited} edited by hand and kept"
        )


def _rules(cycle: Cycle, activities: Mapping[str, Any]) -> dict[str, schedule.Rule]:
    defaults = cycle.document.get("calendar", {}).get("defaults", {})
    return {
        key: schedule.rule_from(
            defaults.get(key), minutes=activity.duration_minutes, days=activity.duration_days
        )
        for key, activity in activities.items()
    }


def calendar_plan(cycle: Cycle) -> dict[str, Planned]:
    """Every event the program file's calendar asks for, by its generated key (6 queries).

    One event per grid cross and audience: all teams of the cohort; each small cohort (or, while
    the cohort has none, the whole cohort); each team (1:1 coaching); each affinity group of the
    program file; the leadership workgroup; and the optional IHI Forum meet-up for everyone.
    Days and times come from ``[calendar.defaults]`` (see schedule.py); in-person months (the
    grid's "X*") are in person at the program's ``in_person_location``.
    """
    document = cycle.document
    zone = cycle.time_zone
    activities = {a.key: a for a in cycle.activities.all()}
    rules = _rules(cycle, activities)
    small_cohorts: dict[int, list[SmallCohort]] = {}
    for sc in SmallCohort.objects.filter(cycle=cycle, in_use=True).order_by("name"):
        small_cohorts.setdefault(sc.cohort_id, []).append(sc)
    teams: dict[int, list[Team]] = {}
    for team in Team.objects.filter(cycle=cycle).order_by("name"):
        teams.setdefault(team.cohort_id, []).append(team)
    groups = document.get("affinity_groups", {})
    city = document.get("in_person_location", "")
    video = document.get("calendar", {}).get("video_call", "")
    plans: dict[str, Planned] = {}

    for row in ActivityMonth.objects.filter(activity__cycle=cycle).select_related(
        "activity", "cohort"
    ):
        activity, cohort, rule = row.activity, row.cohort, rules[row.activity.key]
        host = rules.get(rule.in_person_during or "")
        if row.in_person and host is not None:
            starts_at, ends_at = schedule.during(rule, host, row.month, zone)
        else:
            starts_at, ends_at = schedule.occurrence(rule, row.month, zone)
        in_person = row.in_person or activity.modality == "in_person"
        common = {
            "activity": activity,
            "kind": activity.key,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "modality": M.IN_PERSON if in_person else M.VIRTUAL,
            "location": city if in_person else video,
            "optional": False,
        }
        month = format_month(row.month)
        targets: list[tuple[str, dict, str, set[int]]] = []
        if activity.audience == "small_groups" and small_cohorts.get(cohort.pk):
            targets = [
                (A.SMALL_COHORT, {"small_cohort": sc}, sc.name, {sc.coach_id} - {None})
                for sc in small_cohorts[cohort.pk]
            ]
        elif activity.audience == "one_team":
            targets = [
                (A.TEAM, {"team": t}, t.name, {t.coach_id} - {None})
                for t in teams.get(cohort.pk, [])
            ]
        elif activity.audience == "affinity_groups":
            if groups.get("cohort") == cohort.key:
                targets = [
                    (
                        A.AFFINITY_GROUP,
                        {"affinity_group": g["key"]},
                        g["name"],
                        affinity.facilitator_ids(cycle, g["key"]),
                    )
                    for g in groups.get("groups", [])
                ]
        elif activity.audience == "leaders":
            targets = [(A.LEADERS, {"cohort": cohort}, cohort.name, set())]
        else:
            targets = [(A.COHORT, {"cohort": cohort}, cohort.name, set())]
        for audience, target, label, facilitators in targets:
            target_key = next(str(v.pk if hasattr(v, "pk") else v) for v in target.values())
            key = f"{activity.key}/{audience}/{target_key}/{month}"
            title = f"{activity.name} — {label}"
            plans[key] = Planned(
                key,
                {
                    **common,
                    **target,
                    "audience": audience,
                    "title": title,
                    "cohort": target.get(
                        "cohort", cohort if audience != A.AFFINITY_GROUP else None
                    ),
                },
                facilitators,
            )

    meetup = document.get("forum_meetup")
    if meetup:
        rule = schedule.rule_from(document.get("calendar", {}).get("forum_meetup"), minutes=90)
        starts_at, ends_at = schedule.occurrence(rule, parse_month(meetup["month"]), zone)
        key = f"{FORUM_MEETUP}/{A.CYCLE}/{cycle.pk}/{meetup['month']}"
        plans[key] = Planned(
            key,
            {
                "activity": None,
                "kind": FORUM_MEETUP,
                "audience": A.CYCLE,
                "title": f"{meetup['name']} meet-up"
                + (" (optional)" if meetup.get("optional") else ""),
                "starts_at": starts_at,
                "ends_at": ends_at,
                "modality": M.IN_PERSON,
                "location": rule.location or meetup["name"],
                "venue": meetup.get("venue", ""),
                "notes": meetup.get("details", ""),
                "optional": bool(meetup.get("optional")),
                "cohort": None,
            },
        )
    return plans


def _differs(event: Event, values: Mapping[str, Any]) -> list[str]:
    """The names of ``values`` that differ from the event's (relations compared by id)."""
    changed = []
    for name, value in values.items():
        field_ = Event._meta.get_field(name)
        if field_.is_relation:
            current, value = getattr(event, field_.attname), getattr(value, "pk", None)
        else:
            current = getattr(event, name)
        if current != value:
            changed.append(name)
    return changed


def _clean_generated(event: Event) -> None:
    """Validate a generated event's own fields. Its relations come straight from the database and
    its check constraints are the database's: checking them in Python for every one of a
    cycle's events would take seconds."""
    event.full_clean(
        exclude=["cycle", "activity", "cohort", "small_cohort", "team"], validate_constraints=False
    )


@transaction.atomic
def calendar_generate(*, actor: Any, cycle: Cycle) -> GenerationResult:
    """Create the cycle's events from the program file's calendar; running it again changes
    nothing.

    Events edited by staff (or moved by a coaching booking) are left as they are. Generated events
    that the program no longer asks for are removed unless someone has taken their attendance or
    edited them. Untouched events follow the program file (a changed default time moves them, and
    their people are told).
    """
    plans = calendar_plan(cycle)
    existing = {
        e.generated_key: e
        for e in cycle.events.exclude(generated_key="").prefetch_related("facilitators")
    }
    created = updated = removed = unchanged = kept = 0
    new: list[tuple[Event, set[int]]] = []
    for key, plan in plans.items():
        event = existing.pop(key, None)
        if event is None:
            event = Event(cycle=cycle, generated_key=key, **plan.values)
            _clean_generated(event)
            new.append((event, plan.facilitator_ids))
            continue
        if event.edited:
            kept += 1
            continue
        changed = _differs(event, plan.values)
        facilitators_changed = {u.pk for u in event.facilitators.all()} != plan.facilitator_ids
        if not changed and not facilitators_changed:
            unchanged += 1
            continue
        before = model_snapshot(event, changed) if changed else {}
        if changed:
            for name, value in plan.values.items():
                setattr(event, name, value)
            event.sequence += 1
            _clean_generated(event)
            event.save()
        if facilitators_changed:
            event.facilitators.set(plan.facilitator_ids)
        if set(changed) & set(NOTIFIED_FIELDS):
            _notify_change(event, before)
        updated += 1
    # A cycle's calendar is a couple of hundred events: one statement for them, one for their
    # facilitators.
    Event.objects.bulk_create([event for event, _ in new])
    Event.facilitators.through.objects.bulk_create(
        [
            Event.facilitators.through(event_id=event.pk, user_id=user_id)
            for event, facilitator_ids in new
            for user_id in facilitator_ids
        ]
    )
    created = len(new)
    for event in existing.values():
        if event.edited or event.attendance.exists():
            kept += 1
            continue
        event.delete()
        removed += 1
    result = GenerationResult(created, updated, removed, unchanged, kept)
    audit_record(
        actor=actor,
        action="calendar.generated",
        obj=cycle,
        after={
            "created": created,
            "updated": updated,
            "removed": removed,
            "unchanged": unchanged,
            "kept_edited": kept,
        },
        note=str(result),
    )
    return result


# --- editing one event ------------------------------------------------------------------------


def _recipients(event: Event) -> list[str]:
    emails = {p.email for p in selectors.participants_of(event)}
    emails |= set(event.facilitators.values_list("email", flat=True))
    return sorted(e for e in emails if e)


def _notify_change(event: Event, before: Mapping[str, Any], *, booked: bool = False) -> int:
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
        _notify_change(event, before)
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


# --- 1:1 coaching -----------------------------------------------------------------------------


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
    booking.event = session
    booking.save(update_fields=["event"])
    audit_record(
        actor=actor,
        action="coaching.booked",
        obj=booking,
        after={"slot": slot.pk, "team": team.pk, "event": session.pk},
    )
    _notify_change(session, before or {"starts_at": None}, booked=True)
    return booking


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
        plan = calendar_plan(event.cycle).get(event.generated_key) if event.generated_key else None
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
        _notify_change(event, before)
    audit_record(
        actor=actor,
        action="coaching.cancelled",
        obj=booking,
        after={"slot": booking.slot_id, "team": booking.team_id},
    )
    return booking


# --- attendance -------------------------------------------------------------------------------


@transaction.atomic
def attendance_take(
    *,
    actor: Any,
    event: Event,
    present: Iterable[int],
    minutes: Mapping[int, int] | None = None,
    source: str = Attendance.Source.FORM,
) -> int:
    """Record who of ``event``'s expected people came (``present``: user ids); the others are
    recorded as absent. Returns how many were present."""
    if event.cancelled:
        raise ValidationError("This event was cancelled; there is no attendance to take.")
    if event.starts_at > timezone.now():
        raise ValidationError("This event has not started yet.")
    people = {p.user_id: p for p in selectors.participants_of(event)}
    present = set(present)
    strangers = present - set(people)
    if strangers:
        raise ValidationError("Only the people expected at this event can be marked present.")
    minutes = minutes or {}
    existing = {a.user_id: a for a in event.attendance.all()}
    before = {user_id: a.present for user_id, a in existing.items()}
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    new, changed = [], []
    for user_id, person in people.items():
        row = existing.get(user_id) or Attendance(event=event, user_id=user_id)
        row.present = user_id in present
        row.team_id = person.team_id
        row.minutes = minutes.get(user_id)
        row.source = source
        row.recorded_by = recorder
        row.recorded_at = now
        # The relations were just read from the database; the unique constraint is the database's.
        row.full_clean(exclude=["event", "user", "team", "recorded_by"], validate_constraints=False)
        (changed if row.pk else new).append(row)
    # One statement for many people: a cohort-wide call has a couple of hundred.
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(
        changed, ["present", "team", "minutes", "source", "recorded_by", "recorded_at"]
    )
    event.attendance_taken_at = now
    event.save(update_fields=["attendance_taken_at", "updated_at"])
    audit_record(
        actor=actor,
        action="attendance.taken",
        obj=event,
        before={"present": sorted(k for k, v in before.items() if v)},
        after={"present": sorted(present), "expected": len(people), "source": source},
    )
    return len(present)


class ZoomFileError(ValidationError):
    """A Zoom report that cannot be used; ``problems`` says where (row, column) and why."""

    def __init__(self, problems: list[zoom.Problem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


@transaction.atomic
def zoom_import_create(*, actor: Any, event: Event, filename: str, data: bytes) -> ZoomImport:
    """Read a Zoom participant report for ``event`` and keep it for review (nothing recorded yet)."""
    report = zoom.parse(data, filename=filename)
    if not report.ok:
        raise ZoomFileError(report.problems)
    upload = ZoomImport(
        event=event,
        uploaded_by=actor,
        filename=filename[:255],
        rows=[row.as_dict() for row in report.rows],
    )
    upload.full_clean()
    upload.save()
    audit_record(
        actor=actor,
        action="attendance.zoom_uploaded",
        obj=event,
        after={"filename": upload.filename, "rows": len(upload.rows)},
    )
    return upload


@dataclass(frozen=True)
class Match:
    index: int
    row: dict
    user_id: int | None


def zoom_matches(upload: ZoomImport) -> tuple[list[Match], list[Match]]:
    """(matched, unmatched) rows of a report, matched to expected people by email."""
    by_email = {p.email.lower(): p.user_id for p in selectors.participants_of(upload.event)}
    matched, unmatched = [], []
    for index, row in enumerate(upload.rows):
        user_id = by_email.get((row.get("email") or "").lower())
        (matched if user_id else unmatched).append(Match(index, row, user_id))
    return matched, unmatched


@transaction.atomic
def zoom_import_confirm(
    *, actor: Any, upload: ZoomImport, assignments: Mapping[int, int | None]
) -> int:
    """Record attendance from a reviewed report: rows matched by email, plus the unmatched rows
    the reviewer assigned to a person (``assignments``: row index → user id or None to ignore)."""
    if upload.confirmed_at is not None:
        raise ValidationError("This report was already confirmed.")
    matched, _ = zoom_matches(upload)
    minutes: dict[int, int] = {}
    for match in matched:
        minutes[match.user_id] = minutes.get(match.user_id, 0) + int(match.row["minutes"])
    for index, user_id in assignments.items():
        if user_id:
            minutes[user_id] = minutes.get(user_id, 0) + int(upload.rows[index]["minutes"])
    count = attendance_take(
        actor=actor,
        event=upload.event,
        present=minutes.keys(),
        minutes=minutes,
        source=Attendance.Source.ZOOM,
    )
    upload.confirmed_at = timezone.now()
    upload.save(update_fields=["confirmed_at"])
    return count


@transaction.atomic
def attendance_note_send(*, actor: Any, team: Team, subject: str, message: str) -> int:
    """Email the team's members a note from program staff (about falling attendance)."""
    subject, message = subject.strip(), message.strip()
    if not subject or not message:
        raise ValidationError("Write a subject and a message.")
    emails = sorted(set(team.members.values_list("user__email", flat=True)) - {""})
    if not emails:
        raise ValidationError("This team has no members to write to.")
    sent = send(subject=subject, body=message, to=emails, one_each=True)
    audit_record(
        actor=actor,
        action="attendance.note_sent",
        obj=team,
        after={"subject": subject, "recipients": len(emails)},
        note=message[:1000],
    )
    return sent


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

"""Writes of attendance: taken on the event's form or from a reviewed Zoom participant report,
and staff's note to a team whose attendance is falling. Each in a transaction, audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pursuing_equity.core.email import send
from pursuing_equity.core.services import audit_record
from pursuing_equity.events import selectors, zoom
from pursuing_equity.events.models import Attendance, Event, ZoomImport
from pursuing_equity.teams.models import Team


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

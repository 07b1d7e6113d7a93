"""What each home page shows. Every function makes a fixed number of queries, whatever the data size."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from pursuing_equity.accounts import rules
from pursuing_equity.accounts.models import Organization, Role, User
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs.models import Cohort, Cycle

EMAIL_TASK_PATH = "pursuing_equity.core.tasks.deliver_email"


def today() -> datetime.date:
    """Today in the program's time zone (TIME_ZONE), not in UTC."""
    return timezone.localdate()


@dataclass(frozen=True)
class Deadline:
    kind: str  # "call", "applications", "decisions" or "program"
    label: str
    on: datetime.date
    days_left: int
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    @property
    def when(self) -> str:
        """Days left in words, so the meaning never rests on colour."""
        if self.days_left == 0:
            return "Today"
        if self.days_left == 1:
            return "Tomorrow"
        if self.days_left > 1:
            return f"In {self.days_left} days"
        if self.days_left == -1:
            return "Passed yesterday"
        return f"Passed {-self.days_left} days ago"


@dataclass(frozen=True)
class CycleSummary:
    """The current cycle as the home pages need it: dates, deadlines and decision commitments."""

    cycle: Cycle
    month_number: int | None
    total_months: int
    deadlines: list[Deadline] = field(default_factory=list)
    commitments: list[str] = field(default_factory=list)

    @property
    def upcoming(self) -> list[Deadline]:
        return [d for d in self.deadlines if not d.passed]

    @property
    def application_deadlines(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.kind in {"call", "applications", "decisions"}]


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
        return _parse_date(parsed)
    if isinstance(value, dict):
        for key in ("date", "starts_at", "start", "at", "when", "on"):
            if key in value:
                return _parse_date(value[key])
    return None


def _time_span(start: Any, end: Any) -> str:
    """ "3:00–4:00 PM ET" from ISO datetimes given in the program's time zone, or "" if unreadable."""
    try:
        start_at = datetime.datetime.fromisoformat(str(start))
        end_at = datetime.datetime.fromisoformat(str(end)) if end else None
    except ValueError:
        return ""
    text = start_at.strftime("%I:%M %p").lstrip("0")
    if end_at:
        text += "–" + end_at.strftime("%I:%M %p").lstrip("0")
    return f"{text} ET"


def informational_call(document: Any) -> tuple[datetime.date, str] | None:
    """The informational call's date and a note, read defensively from the program document.

    The program file is another app's format; the call may sit at the top level or under
    ``call``/``application``/``applications``/``dates``, as a date string or a table with a date.
    """
    if not isinstance(document, dict):
        return None
    places = [document] + [
        document.get(k) for k in ("call", "application", "applications", "dates")
    ]
    for place in places:
        if isinstance(place, dict) and "informational_call" in place:
            value = place["informational_call"]
            on = _parse_date(value)
            if on is None:
                return None
            note = ""
            if isinstance(value, dict):
                note = _time_span(value.get("starts_at"), value.get("ends_at"))
            return on, note
    return None


def cycle_summary(cycle: Cycle | None, day: datetime.date) -> CycleSummary | None:
    """Deadlines (informational call, applications, decisions) and decision commitments of ``cycle``."""
    if cycle is None:
        return None
    cohorts: list[Cohort] = list(cycle.cohorts.all())
    deadlines: list[Deadline] = []
    commitments: list[str] = []

    def add(kind: str, label: str, on: datetime.date, detail: str = "") -> None:
        deadlines.append(
            Deadline(kind=kind, label=label, on=on, days_left=(on - day).days, detail=detail)
        )

    call = informational_call(cycle.document)
    if call:
        add("call", "Informational call", call[0], call[1])
    for cohort in cohorts:
        add("applications", f"Applications due: {cohort.name}", cohort.application_deadline)
        if cohort.decisions_by:
            add("decisions", f"Decisions due: {cohort.name}", cohort.decisions_by)
        if cohort.rolling_review and cohort.response_within_days:
            commitments.append(
                f"{cohort.name}: rolling review — each application gets a decision within "
                f"{cohort.response_within_days} days of arriving."
            )
        elif cohort.response_within_days:
            commitments.append(
                f"{cohort.name}: decisions within {cohort.response_within_days} days."
            )
    add("program", "Program starts", cycle.starts_on)
    add("program", "Program ends", cycle.ends_on)
    deadlines.sort(key=lambda d: (d.on, d.label))
    total = (
        (cycle.ends_on.year - cycle.starts_on.year) * 12
        + cycle.ends_on.month
        - cycle.starts_on.month
        + 1
    )
    return CycleSummary(
        cycle=cycle,
        month_number=cycle.month_number(day),
        total_months=total,
        deadlines=deadlines,
        commitments=commitments,
    )


@dataclass(frozen=True)
class TaskQueueState:
    emails_waiting: int
    emails_failed: int
    failed_tasks: list[Any]


def task_queue_state() -> TaskQueueState:
    """Emails waiting for the worker and tasks that failed (django-tasks-db's table)."""
    from django_tasks_db.models import DBTaskResult

    counts = DBTaskResult.objects.filter(task_path=EMAIL_TASK_PATH).aggregate(
        waiting=Count("id", filter=Q(status__in=["READY", "RUNNING"])),
        failed=Count("id", filter=Q(status="FAILED")),
    )
    failed = list(
        DBTaskResult.objects.filter(status="FAILED")
        .order_by("-finished_at")
        .only("id", "task_path", "finished_at", "exception_class_path")[:5]
    )
    return TaskQueueState(
        emails_waiting=counts["waiting"], emails_failed=counts["failed"], failed_tasks=failed
    )


def people_without_mfa() -> list[User]:
    """Program staff and reviewers who have not set up an authenticator app."""
    from allauth.mfa.models import Authenticator

    has_totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return list(
        User.objects.filter(role_assignments__role__in=rules.MFA_ROLES)
        .exclude(Exists(has_totp))
        .distinct()
        .order_by("full_name", "email")[:50]
    )


def people_counts() -> tuple[int, list[tuple[str, int]]]:
    """How many people have an account, and how many hold each role in the order roles are
    listed (1 query: one aggregate over people and their roles)."""
    counts = User.objects.aggregate(
        people=Count("pk", distinct=True),
        **{
            f"role_{value}": Count("pk", distinct=True, filter=Q(role_assignments__role=value))
            for value in Role.values
        },
    )
    return counts["people"], [(label, counts[f"role_{value}"]) for value, label in Role.choices]


@dataclass(frozen=True)
class StaffHome:
    summary: CycleSummary | None
    queue: TaskQueueState
    without_mfa: list[User]
    latest_audit: list[AuditEntry]
    organization_count: int
    people_count: int
    role_counts: list[tuple[str, int]]


def staff_home(summary: CycleSummary | None) -> StaffHome:
    people, roles = people_counts()
    return StaffHome(
        summary=summary,
        queue=task_queue_state(),
        without_mfa=people_without_mfa(),
        latest_audit=list(AuditEntry.objects.all()[:10]),
        organization_count=Organization.objects.count(),
        people_count=people,
        role_counts=roles,
    )


def audit_filter_choices() -> dict[str, list[str]]:
    """The actions and kinds of record the audit log's filter offers (2 queries)."""
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    object_types = (
        AuditEntry.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    return {"actions": list(actions), "object_types": list(object_types)}


def audit_entries(filters: Mapping[str, Any] | None, *, refused: bool = False) -> QuerySet:
    """Audit entries matching the filter form's cleaned data (every entry without filters; none
    when the form was ``refused``, so a bad date never lists everything)."""
    entries = AuditEntry.objects.all()
    if refused:
        return entries.none()
    filters = filters or {}
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("actor"):
        entries = entries.filter(actor_label__icontains=filters["actor"])
    if filters.get("object_type"):
        entries = entries.filter(object_type=filters["object_type"])
    if filters.get("date_from"):
        entries = entries.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        entries = entries.filter(at__date__lte=filters["date_to"])
    return entries

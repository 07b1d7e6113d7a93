"""Reporting periods, due dates and deadlines: small pure functions, no Django.

A team reports once per *period*: a month for the Action Community's monthly update, several
months for the Learning Network's periodic reflection (``every_months`` in the program file).
A period is named by its first day. It is due on a day of the month after it ends
(``due_day_of_following_month``), at the end of that day in the program's time zone; a period
whose program file names no due day is due at the end of the following month.

The senior leader's reflection on an update is due when the team's next update is due (one
period after the update's own due day), and never sooner than ``reflection_grace_days`` after
the update was submitted, so a late update still leaves the leader time to reply. The team is
reminded ``reminder_days_before`` the due day. Both are in the program file's ``[reporting]``
table per cohort, with :data:`REFLECTION_GRACE_DAYS` and :data:`REMINDER_DAYS_BEFORE` as defaults;
:func:`rule_from_document` reads them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pursuing_equity.programs.dates import add_months, month_end, months_of, parse_month

UTC = datetime.UTC

#: The least time a senior leader gets to reply to an update, counted from its submission
#: (unless the program file says ``reflection_grace_days``).
REFLECTION_GRACE_DAYS = 7
#: How many days before the due day the team gets its reminder (unless the program file says
#: ``reminder_days_before``).
REMINDER_DAYS_BEFORE = 3


@dataclass(frozen=True)
class ReportingRule:
    """What the program file says about one cohort's reports."""

    kind: str  # "monthly_update" or "reflection"
    every_months: int
    due_day: int | None
    leader_reply: bool
    reminder_days_before: int = REMINDER_DAYS_BEFORE
    reflection_grace_days: int = REFLECTION_GRACE_DAYS

    @property
    def is_monthly_update(self) -> bool:
        return self.kind == "monthly_update"

    @property
    def noun(self) -> str:
        return "monthly update" if self.is_monthly_update else "reflection"


def rule_from_document(document: Mapping[str, Any], cohort_key: str) -> ReportingRule | None:
    """The reporting rule of ``cohort_key`` in a program document, or None if it reports nothing."""
    facts = (document.get("reporting") or {}).get(cohort_key)
    if not facts:
        return None
    every = 1 if facts.get("cadence") == "monthly" else int(facts.get("every_months") or 1)
    return ReportingRule(
        kind=facts["kind"],
        every_months=every,
        due_day=facts.get("due_day_of_following_month"),
        leader_reply=bool(facts.get("senior_leader_reply", False)),
        reminder_days_before=int(facts.get("reminder_days_before", REMINDER_DAYS_BEFORE)),
        reflection_grace_days=int(facts.get("reflection_grace_days", REFLECTION_GRACE_DAYS)),
    )


def period_starts(
    cycle_start: datetime.date, cycle_end: datetime.date, every_months: int
) -> list[datetime.date]:
    """The first days of the cycle's periods: every ``every_months`` months from its first month."""
    return months_of(cycle_start, cycle_end)[::every_months]


def period_end(start: datetime.date, every_months: int) -> datetime.date:
    """The last day of the period that starts on ``start``."""
    return month_end(add_months(start, every_months - 1))


def period_of(
    day: datetime.date, cycle_start: datetime.date, every_months: int
) -> datetime.date | None:
    """The first day of the period ``day`` falls in, or None before the cycle starts."""
    first = cycle_start.replace(day=1)
    index = (day.year - first.year) * 12 + day.month - first.month
    if index < 0:
        return None
    return add_months(first, index - index % every_months)


def is_period_start(day: datetime.date, cycle_start: datetime.date, every_months: int) -> bool:
    return day.day == 1 and period_of(day, cycle_start, every_months) == day


def due_date(start: datetime.date, every_months: int, due_day: int | None) -> datetime.date:
    """The day a period's report is due: ``due_day`` of the month after the period (its last day
    when there is no ``due_day``)."""
    following = add_months(start.replace(day=1), every_months)
    if due_day is None:
        return month_end(following)
    return following.replace(day=min(due_day, month_end(following).day))


def deadline(due_on: datetime.date, time_zone: str) -> datetime.datetime:
    """The instant (UTC) a report due on ``due_on`` becomes late: the end of that day in
    ``time_zone``, i.e. the next local midnight (which daylight saving time can move in UTC)."""
    next_midnight = datetime.datetime.combine(
        due_on + datetime.timedelta(days=1), datetime.time(), tzinfo=ZoneInfo(time_zone)
    )
    return next_midnight.astimezone(UTC)


def is_late(submitted_at: datetime.datetime, due_on: datetime.date, time_zone: str) -> bool:
    """Was a report submitted at ``submitted_at`` (aware) after the end of its due day?"""
    if submitted_at.tzinfo is None:
        raise ValueError("is_late needs an aware datetime")
    return submitted_at >= deadline(due_on, time_zone)


def local_day(moment: datetime.datetime, time_zone: str) -> datetime.date:
    """The calendar day ``moment`` (aware) falls on in ``time_zone``."""
    if moment.tzinfo is None:
        raise ValueError("local_day needs an aware datetime")
    return moment.astimezone(ZoneInfo(time_zone)).date()


def is_overdue(now: datetime.datetime, due_on: datetime.date, time_zone: str) -> bool:
    """Has the end of the due day passed at ``now`` (aware)?"""
    return now >= deadline(due_on, time_zone)


def reminder_day(due_on: datetime.date, days_before: int = REMINDER_DAYS_BEFORE) -> datetime.date:
    """The day the team is reminded that a report is coming due."""
    return due_on - datetime.timedelta(days=days_before)


def reflection_due_date(
    update_due_on: datetime.date,
    submitted_on: datetime.date,
    every_months: int,
    grace_days: int = REFLECTION_GRACE_DAYS,
) -> datetime.date:
    """When the senior leader's reflection on an update is due (see the module docstring)."""
    return max(
        add_months(update_due_on, every_months),
        submitted_on + datetime.timedelta(days=grace_days),
    )


def period_label(start: datetime.date, every_months: int) -> str:
    """ "March 2023", or "January – March 2023" / "November 2023 – January 2024" for longer ones."""
    if every_months == 1:
        return f"{start:%B %Y}"
    end = add_months(start, every_months - 1)
    if end.year == start.year:
        return f"{start:%B} – {end:%B %Y}"
    return f"{start:%B %Y} – {end:%B %Y}"


def parse_period(text: str) -> datetime.date:
    """ "2023-03" (as in URLs) → date(2023, 3, 1); ValueError otherwise."""
    return parse_month(text)

"""When an activity happens within one of its months: small pure functions, no database.

The program file's grid says in which months an activity happens; ``[calendar.defaults]`` in the
program file says on which day and at which time (a :class:`Rule`), e.g. "the second Tuesday,
13:00 Eastern, for the activity's 120 minutes". An activity without a rule gets
:data:`FALLBACK_RULE` (the second Tuesday, 13:00–14:00), so that a new program file still gets a
calendar that staff can then correct event by event.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pursuing_equity.programs.dates import local_to_utc

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_MINUTES = 60


@dataclass(frozen=True)
class Rule:
    """The ``week``-th (1–4, or -1 = last) ``weekday`` (0 = Monday) of a month, from ``start``.

    The session lasts ``minutes``; activities that last ``days`` run from ``start`` to ``end``
    each day, as one event from the first day's start to the last day's end.
    """

    weekday: int
    week: int
    start: datetime.time
    minutes: int = DEFAULT_MINUTES
    days: int | None = None
    end: datetime.time | None = None
    in_person_during: str | None = None
    in_person_day: int = 1
    location: str = ""


FALLBACK_RULE = Rule(weekday=1, week=2, start=datetime.time(13, 0))


def _clock(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


def rule_from(
    facts: Mapping[str, Any] | None, *, minutes: int | None = None, days: int | None = None
) -> Rule:
    """A rule from the program file's table (``facts``) and the activity's own duration.

    The activity's duration (from the seed) wins over ``duration_minutes`` in the rule.
    """
    if not facts:
        return Rule(
            weekday=FALLBACK_RULE.weekday,
            week=FALLBACK_RULE.week,
            start=FALLBACK_RULE.start,
            minutes=minutes or DEFAULT_MINUTES,
            days=days,
            end=datetime.time(17, 0) if days else None,
        )
    start = _clock(facts["start"])
    end = _clock(facts["end"]) if facts.get("end") else None
    return Rule(
        weekday=WEEKDAYS.index(facts["weekday"]),
        week=int(facts["week"]),
        start=start,
        minutes=minutes or facts.get("duration_minutes") or DEFAULT_MINUTES,
        days=days,
        end=end or (datetime.time(17, 0) if days else None),
        in_person_during=facts.get("in_person_during"),
        in_person_day=int(facts.get("in_person_day", 1)),
        location=facts.get("location", ""),
    )


def nth_weekday(month: datetime.date, weekday: int, week: int) -> datetime.date:
    """The ``week``-th ``weekday`` of ``month`` (week -1: the last one)."""
    days_in_month = calendar.monthrange(month.year, month.month)[1]
    if week == -1:
        last = month.replace(day=days_in_month)
        return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)
    if not 1 <= week <= 4:
        raise ValueError(f"week must be 1 to 4 or -1, not {week}")
    first = month.replace(day=1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


def first_day(rule: Rule, month: datetime.date) -> datetime.date:
    return nth_weekday(month, rule.weekday, rule.week)


def session(
    rule: Rule, day: datetime.date, time_zone: str
) -> tuple[datetime.datetime, datetime.datetime]:
    """(start, end) in UTC of the session starting on ``day`` (wall-clock times in ``time_zone``)."""
    starts = local_to_utc(datetime.datetime.combine(day, rule.start), time_zone)
    if rule.days:
        last = day + datetime.timedelta(days=rule.days - 1)
        return starts, local_to_utc(datetime.datetime.combine(last, rule.end), time_zone)
    local_end = datetime.datetime.combine(day, rule.start) + datetime.timedelta(
        minutes=rule.minutes
    )
    return starts, local_to_utc(local_end, time_zone)


def occurrence(
    rule: Rule, month: datetime.date, time_zone: str
) -> tuple[datetime.datetime, datetime.datetime]:
    """(start, end) in UTC of the activity's session in ``month``."""
    return session(rule, first_day(rule, month), time_zone)


def during(
    rule: Rule, host: Rule, month: datetime.date, time_zone: str
) -> tuple[datetime.datetime, datetime.datetime]:
    """(start, end) of ``rule``'s session held on day ``rule.in_person_day`` of ``host``'s
    multi-day session in ``month`` (an in-person affinity group during a Learning Session)."""
    day = first_day(host, month) + datetime.timedelta(days=rule.in_person_day - 1)
    return session(rule, day, time_zone)

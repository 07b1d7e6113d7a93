"""Dates and months of a program cycle: small pure functions, no Django.

Months are written "YYYY-MM" in program files and handled here as the first day of the month.
Times are stored in UTC and shown in the program's time zone (America/New_York).
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
UTC = datetime.UTC


def add_months[D: datetime.date](day: D, k: int) -> D:
    """``day`` moved by ``k`` whole months (negative: back), clamping the day to the month's end.

    Works for dates and datetimes alike (a datetime keeps its wall-clock time and tzinfo).
    """
    index = day.year * 12 + (day.month - 1) + k
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_month(text: str) -> datetime.date:
    """ "2023-05" → date(2023, 5, 1); ValueError if it is not a month."""
    match = MONTH_RE.match(text) if isinstance(text, str) else None
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{text!r} is not a month (YYYY-MM)")
    return datetime.date(int(match[1]), int(match[2]), 1)


def is_month(value: Any) -> bool:
    try:
        parse_month(value)
    except ValueError:
        return False
    return True


def is_toml_date(value: Any) -> bool:
    """A TOML local date (``2022-11-01``), which TOML reads as a ``date``, not a ``datetime``."""
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def is_local_datetime(value: Any) -> bool:
    """A TOML local date-time (``2022-09-21T15:00:00``): a ``datetime`` without an offset."""
    return isinstance(value, datetime.datetime) and value.tzinfo is None


def is_time_zone(value: Any) -> bool:
    """An IANA time zone name that this system knows (``America/New_York``)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def format_month(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_of(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of every month from ``start``'s month to ``end``'s month, both included."""
    first = start.replace(day=1)
    count = (end.year - first.year) * 12 + end.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def month_index(start: datetime.date, day: datetime.date) -> int:
    """1-based number of ``day``'s month counted from ``start``'s month (may be ≤ 0 or past the end)."""
    return (day.year - start.year) * 12 + day.month - start.month + 1


def demo_shift_for(cycle_start: datetime.date, today: datetime.date, target_month: int = 9) -> int:
    """Whole months to move a cycle starting at ``cycle_start`` so that ``today`` falls in its
    ``target_month``-th month (month 1 is the start month)."""
    return month_index(cycle_start, today) - target_month


def shift_document(document: Any, months: int) -> Any:
    """A copy of a program document with every date, datetime and "YYYY-MM" month moved by
    ``months`` whole months (days clamped to the month's end). The input is not changed."""
    if isinstance(document, Mapping):
        return {key: shift_document(value, months) for key, value in document.items()}
    if isinstance(document, list | tuple):
        return [shift_document(value, months) for value in document]
    if isinstance(document, datetime.date):  # datetimes too
        return add_months(document, months)
    if isinstance(document, str) and is_month(document):
        return format_month(add_months(parse_month(document), months))
    return document


def local_to_utc(moment: datetime.datetime, time_zone: str) -> datetime.datetime:
    """A wall-clock time in ``time_zone`` (naive, or aware in that zone) as an aware UTC datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(time_zone))
    return moment.astimezone(UTC)


def utc_to_local(moment: datetime.datetime, time_zone: str) -> datetime.datetime:
    """An aware datetime as an aware datetime in ``time_zone``."""
    if moment.tzinfo is None:
        raise ValueError("utc_to_local needs an aware datetime")
    return moment.astimezone(ZoneInfo(time_zone))

"""Reporting periods: a month or a quarter, stored as its first day, written "2024-01" / "2024-Q1"."""

from __future__ import annotations

import datetime
import re

from pursuing_equity.programs.dates import add_months

MONTHLY = "monthly"
QUARTERLY = "quarterly"

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_MONTH_NAMES = {
    datetime.date(2000, m, 1).strftime(f).lower(): m for m in range(1, 13) for f in ("%B", "%b")
}
_NAMED_MONTH = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")


class PeriodError(ValueError):
    """A period that cannot be read, with a message a person can act on."""


def start_of(day: datetime.date, frequency: str) -> datetime.date:
    """First day of the month (monthly) or calendar quarter (quarterly) holding ``day``."""
    if frequency == QUARTERLY:
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return datetime.date(day.year, day.month, 1)


def step(frequency: str) -> int:
    return 3 if frequency == QUARTERLY else 1


def text(day: datetime.date, frequency: str) -> str:
    """How a period is written in templates and files: "2024-01" or "2024-Q1"."""
    if frequency == QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}"


def label(day: datetime.date, frequency: str) -> str:
    """How a period reads on a page: "January 2024" or "Q1 2024"."""
    if frequency == QUARTERLY:
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    return f"{day:%B %Y}"


def _example(frequency: str) -> str:
    return "2024-Q1" if frequency == QUARTERLY else "2024-01"


def parse(value: object, frequency: str) -> datetime.date:
    """The period a cell stands for, or :class:`PeriodError` saying what is wrong.

    Accepts "2024-01", "2024-01-01", "January 2024", a date (Excel), and "2024-Q1" for quarterly
    measures. A monthly value for a quarterly measure must be the quarter's first month's date.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day = value
    else:
        raw = "" if value is None else str(value).strip()
        if not raw:
            raise PeriodError("the period is missing")
        day = _parse_text(raw, frequency)
    if frequency == QUARTERLY and start_of(day, QUARTERLY) != datetime.date(day.year, day.month, 1):
        raise PeriodError(
            f"{value!s} is not the start of a quarter; this measure is quarterly, "
            f"write the quarter like {text(start_of(day, QUARTERLY), QUARTERLY)}"
        )
    if day.day != 1:
        raise PeriodError(
            f"{value!s} is not the first day of a month; write the month like {_example(frequency)}"
        )
    return day


def _parse_text(raw: str, frequency: str) -> datetime.date:
    quarter = _QUARTER.match(raw)
    if quarter:
        if frequency != QUARTERLY:
            raise PeriodError(
                f"{raw!r} is a quarter but this measure is monthly; write e.g. 2024-01"
            )
        return datetime.date(int(quarter[1]), 3 * int(quarter[2]) - 2, 1)
    month = _MONTH.match(raw)
    named = _NAMED_MONTH.match(raw)
    try:
        if month:
            return datetime.date(int(month[1]), int(month[2]), int(month[3] or 1))
        if named and named[1].lower() in _MONTH_NAMES:
            return datetime.date(int(named[2]), _MONTH_NAMES[named[1].lower()], 1)
    except ValueError:
        pass
    raise PeriodError(f"{raw!r} is not a period; write it like {_example(frequency)}")


def recent(frequency: str, today: datetime.date, count: int) -> list[datetime.date]:
    """The ``count`` periods up to and including the one holding ``today``, oldest first."""
    last = start_of(today, frequency)
    return [add_months(last, -step(frequency) * k) for k in range(count - 1, -1, -1)]

"""Attendance rates and the "falling attendance" rule: small pure functions, no database.

The seed asks Learning Network teams to "prioritize their attendance" and Action Community teams
to "participate in all meetings", so program staff watch for teams whose attendance falls. A team's
attendance is **falling** when, over the events whose attendance was taken (oldest first):

* the mean rate of its last 3 events is below 50 % (needs at least 3 events), or
* the mean rate of its last 3 events is at least 20 percentage points below the mean of the 3
  events before them (needs at least 6 events).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 3
DROP = 0.20
FLOOR = 0.50


def rate(attended: int, expected: int) -> float | None:
    """``attended / expected``, or None when nobody was expected."""
    return attended / expected if expected else None


@dataclass(frozen=True)
class Trend:
    falling: bool
    reason: str
    recent: float | None
    previous: float | None


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def trend(rates: Sequence[float], *, window: int = WINDOW) -> Trend:
    """Whether attendance is falling, given each event's rate (0–1), oldest first."""
    recent = _mean(rates[-window:]) if len(rates) >= window else None
    previous = _mean(rates[-2 * window : -window]) if len(rates) >= 2 * window else None
    if recent is None:
        return Trend(False, "", None, None)
    if recent < FLOOR:
        return Trend(
            True,
            f"Last {window} events: {recent:.0%} attendance, below {FLOOR:.0%}.",
            recent,
            previous,
        )
    if previous is not None and previous - recent >= DROP - 1e-9:
        points = round((previous - recent) * 100)
        return Trend(
            True,
            f"Last {window} events: {recent:.0%}, down {points} points from {previous:.0%}.",
            recent,
            previous,
        )
    return Trend(False, "", recent, previous)

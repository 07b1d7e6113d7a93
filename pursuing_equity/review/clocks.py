"""Response clocks: by when each application must be answered. Small pure functions, no Django.

The program file says how each cohort answers (Cohort, loaded from ``cohorts.*.application``):

* rolling review with ``response_within_days`` (Learning Network: 30): within that many days of the
  date the application was received — for an application moved from the Action Community, the
  date it was moved into Learning Network review;
* ``decisions_by`` (Action Community: December 5): by that date, whenever it was received.

When a cohort states both, the earlier date counts. Days are calendar days in the program's time
zone; the due day itself is not overdue.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


def response_due(
    *,
    received_on: datetime.date,
    response_within_days: int | None,
    decisions_by: datetime.date | None,
) -> datetime.date:
    """The day by which an application received on ``received_on`` must be answered."""
    candidates = []
    if response_within_days is not None:
        candidates.append(received_on + datetime.timedelta(days=response_within_days))
    if decisions_by is not None:
        candidates.append(decisions_by)
    if not candidates:
        raise ValueError("a cohort needs response_within_days or decisions_by")
    return min(candidates)


@dataclass(frozen=True)
class Clock:
    due: datetime.date
    days_left: int  # negative once overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def label(self) -> str:
        """What the queue says, in words (never colour alone)."""
        if self.days_left < 0:
            n = -self.days_left
            return f"Overdue by {n} day{'s' if n != 1 else ''}"
        if self.days_left == 0:
            return "Due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def clock(due: datetime.date, today: datetime.date) -> Clock:
    return Clock(due=due, days_left=(due - today).days)


def days_since(day: datetime.date, today: datetime.date) -> int:
    return (today - day).days


def due_within(clocks: list[Clock], days: int) -> list[Clock]:
    """The clocks that are overdue or due within ``days`` days (for the daily digest)."""
    return [c for c in clocks if c.days_left <= days]

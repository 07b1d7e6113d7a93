"""Response clocks: by when each application must be answered. Small pure functions, no Django.

The program file says how each cohort answers (Cohort, loaded from ``cohorts.*.application``):

* rolling review with ``response_within_days`` (Learning Network: 30): within that many days of the
  date the application was received (an Action Community applicant not selected is offered the
  Learning Network by the Action Community's date, so no second clock starts);
* ``decisions_by`` (Action Community: December 5): by that date, whenever it was received.

When a cohort states both, the earlier date counts. Days are calendar days in the program's time
zone; the due day itself is not overdue.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# The due date is the applications app's (the applicant's status page shows it too).
from pursuing_equity.applications.program import response_due

__all__ = ["Clock", "clock", "days_since", "due_within", "response_due"]


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

"""What an app puts on a person's home page: panels of tasks, computed by the app's own selectors.

Every app that has something for a person to do offers ``selectors.home_panels(user, day)``
returning a list of :class:`Panel` (empty when the person has nothing there). The ``home`` app
only assembles these lists (``home/panels.py`` names the providers); it imports no app's internals
and shows no "will appear here" text when the data exists. A panel with no tasks and no template
shows its ``empty`` sentence, which says what to do, never what will appear one day.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Task:
    """One thing to do or look at, linked: "Reflect on Juniper Valley's November update"."""

    text: str
    url: str
    due: datetime.date | None = None
    detail: str = ""  # a short second line: "due in 3 days", "2 of 4 reviews in"
    urgent: bool = False  # overdue or due today; shown with words, never by colour alone


@dataclass(frozen=True)
class Panel:
    """A block on a home page: a heading, its tasks, and optionally a template with context.

    ``order`` places panels (lower first); ``key`` is unique per page and names the section's
    heading id. ``links`` are the panel's standing places ("All updates", "My calendar").
    """

    key: str
    heading: str
    tasks: tuple[Task, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (label, url)
    template: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    empty: str = ""
    order: int = 100

    @property
    def is_empty(self) -> bool:
        return not self.tasks and not self.template

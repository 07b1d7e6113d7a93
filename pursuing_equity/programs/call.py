"""Before applying: the informational call's times and the "which cohort fits us?" self-check.

Pure functions of a program document (as stored on ``Cycle.document``); no database.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pursuing_equity.programs import text as program_text
from pursuing_equity.programs.dates import local_to_utc

#: The time zones the call's time is also given in, without JavaScript (the continental US
#: zones first, as most teams are in the US; the program's own zone is shown first anyway).
OTHER_ZONES: tuple[tuple[str, str], ...] = (
    ("America/Chicago", "Central"),
    ("America/Denver", "Mountain"),
    ("America/Phoenix", "Arizona"),
    ("America/Los_Angeles", "Pacific"),
    ("America/Anchorage", "Alaska"),
    ("Pacific/Honolulu", "Hawaii"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico)"),
    ("UTC", "UTC"),
)


@dataclass(frozen=True)
class LocalTime:
    zone_label: str
    starts: datetime.datetime
    ends: datetime.datetime

    @property
    def text(self) -> str:
        return f"{_clock(self.starts)}–{_clock(self.ends)}{_day_note(self)}"


def _day_note(local: LocalTime) -> str:
    return f" ({local.starts:%A, %B} {local.starts.day})"


def _clock(moment: datetime.datetime) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


@dataclass(frozen=True)
class CallTimes:
    """The informational call: its text as the program file words it, in UTC, and per zone."""

    name: str
    text: str
    starts_utc: datetime.datetime
    ends_utc: datetime.datetime
    zone_label: str
    elsewhere: tuple[LocalTime, ...]

    def is_over(self, now: datetime.datetime) -> bool:
        return now >= self.ends_utc


def call_times(document: Mapping) -> CallTimes:
    """The call of ``document`` (``informational_call``) in the program's zone and the others."""
    call = document["informational_call"]
    zone = call["time_zone"]
    starts = local_to_utc(_local(call["starts_at"]), zone)
    ends = local_to_utc(_local(call["ends_at"]), zone)
    elsewhere = tuple(
        LocalTime(label, starts.astimezone(ZoneInfo(key)), ends.astimezone(ZoneInfo(key)))
        for key, label in OTHER_ZONES
        if key != zone
    )
    return CallTimes(
        name=call["name"],
        text=program_text.render("{call:informational_call}", document),
        starts_utc=starts,
        ends_utc=ends,
        zone_label=document.get("time_zone_label", zone),
        elsewhere=elsewhere,
    )


def _local(value) -> datetime.datetime:
    return value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)


# ---------------------------------------------------------------------------------------------
# The self-check.


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    cohorts: tuple[str, ...]
    if_no: str


@dataclass(frozen=True)
class SelfCheckResult:
    """The suggested cohort (None when none fits), the advice, and why the cohorts before it in
    the file's order did not fit (the ``if_no`` of each question answered no)."""

    cohort_key: str | None
    advice: str
    reasons: tuple[str, ...]


def questions(document: Mapping) -> list[Question]:
    """The self-check's questions, their texts filled from the file; none without ``self_check``."""
    table = document.get("self_check")
    if not table:
        return []
    return [
        Question(
            q["key"],
            program_text.render(q["text"], document),
            tuple(q["cohorts"]),
            program_text.render(q["if_no"], document),
        )
        for q in table["questions"]
    ]


def self_check(document: Mapping, answers: Mapping[str, bool]) -> SelfCheckResult:
    """Suggest the first cohort of ``self_check.order`` all of whose questions were answered yes.

    ``answers`` maps a question's key to True (yes) or False (no); an unanswered question counts
    as no, so the suggestion never rests on what was not said.
    """
    table = document["self_check"]
    asked = questions(document)
    reasons: list[str] = []
    for cohort_key in table["order"]:
        missing = [q for q in asked if cohort_key in q.cohorts and not answers.get(q.key, False)]
        if not missing:
            advice = program_text.render(table["advice"][cohort_key], document)
            return SelfCheckResult(cohort_key, advice, tuple(reasons))
        reasons += [q.if_no for q in missing if q.if_no not in reasons]
    return SelfCheckResult(None, program_text.render(table["none_fits"], document), tuple(reasons))

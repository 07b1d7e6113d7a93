"""The application rules of a cohort, read from the program file (never hard-coded).

Small pure functions over ``Cohort`` and its ``cycle.document``; the deadline arithmetic is a pure
function of a date and a time zone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class TeamRules:
    min_size: int
    max_size: int
    executive_required: bool


@dataclass(frozen=True)
class Material:
    key: str
    name: str
    signatories: tuple[str, ...]


@dataclass(frozen=True)
class VideoRules:
    min_seconds: int
    max_seconds: int
    min_minutes: int
    max_minutes: int
    required_items: tuple[tuple[str, str], ...]
    questions: tuple[tuple[str, str], ...]
    choose_min: int
    choose_max: int


def team_rules(cohort) -> TeamRules:
    """Team size from ``cohorts.<key>.team``. An executive leader is required where the file says
    ``team.executive_required``, or else for the cohort whose teams name senior leaders for the
    leadership workgroup (the Action Community: the seed asks for the executive leader there)."""
    document = cohort.cycle.document
    team = document["cohorts"][cohort.key]["team"]
    workgroup_cohort = document.get("leadership_workgroup", {}).get("cohort")
    return TeamRules(
        min_size=int(team["min_size"]),
        max_size=int(team["max_size"]),
        executive_required=bool(team.get("executive_required", workgroup_cohort == cohort.key)),
    )


def _materials(cohort) -> list[dict]:
    return cohort.cycle.document["cohorts"][cohort.key]["application"].get("materials", [])


def required_letters(cohort) -> list[Material]:
    """The letters the cohort requires, one upload slot each (``letters.<key>``, whose ``cohorts``
    name the cohorts that require it). PostgreSQL's jsonb keeps no key order, so the order is
    fixed here: letters more cohorts require first (the CEO's before the Board Chair's), then by key."""
    letters = cohort.cycle.document.get("letters", {})
    required = [
        (key, letter)
        for key, letter in letters.items()
        if isinstance(letter, dict) and cohort.key in letter["cohorts"]
    ]
    required.sort(key=lambda item: (-len(item[1]["cohorts"]), item[0]))
    return [Material(key, letter["name"], (letter["signatory"],)) for key, letter in required]


def video_rules(cohort) -> VideoRules | None:
    """The team video's rules, or None when the cohort asks for no video."""
    if not any(m["key"] == "team_video" for m in _materials(cohort)):
        return None
    video = cohort.cycle.document["cohorts"][cohort.key]["application"]["video"]
    return VideoRules(
        min_seconds=int(video["min_minutes"]) * 60,
        max_seconds=int(video["max_minutes"]) * 60,
        min_minutes=int(video["min_minutes"]),
        max_minutes=int(video["max_minutes"]),
        required_items=tuple((i["key"], i["text"]) for i in video["required_items"]),
        questions=tuple((q["key"], q["text"]) for q in video["questions"]),
        choose_min=int(video["choose_min"]),
        choose_max=int(video["choose_max"]),
    )


def fallback_cohort_key(cohort) -> str | None:
    """Where an application goes when not selected for ``cohort`` (the Learning Network for AC)."""
    return cohort.cycle.document["cohorts"][cohort.key]["application"].get("fallback_cohort")


def response_due(
    *,
    received_on: datetime.date,
    response_within_days: int | None,
    decisions_by: datetime.date | None,
) -> datetime.date:
    """The day by which an application received on ``received_on`` must be answered: within the
    cohort's ``response_within_days`` of receipt, or by its ``decisions_by`` date, the earlier
    when a cohort states both (program file, ``cohorts.*.application``)."""
    candidates = []
    if response_within_days is not None:
        candidates.append(received_on + datetime.timedelta(days=response_within_days))
    if decisions_by is not None:
        candidates.append(decisions_by)
    if not candidates:
        raise ValueError("a cohort needs response_within_days or decisions_by")
    return min(candidates)


def end_of_day(day: datetime.date, time_zone: str) -> datetime.datetime:
    """The first instant after ``day`` ends in ``time_zone``, as an aware UTC datetime."""
    nxt = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return nxt.replace(tzinfo=ZoneInfo(time_zone)).astimezone(datetime.UTC)


def is_open(day: datetime.date, time_zone: str, now: datetime.datetime) -> bool:
    """Whether a deadline of ``day`` (end of day in ``time_zone``) has not passed at ``now``."""
    return now < end_of_day(day, time_zone)

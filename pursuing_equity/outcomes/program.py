"""The outcomes app's facts from the program file: milestones per cohort and the self-assessment.

Pure functions of ``Cycle.document`` (validated by ``programs/schema.py``) and the cycle's dates, so
that the next cycle needs no code. Round dates are derived from the cycle unless staff set them
(``RoundDates``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MilestoneDef:
    """One expected outcome of a cohort as a milestone: its stable key, the seed's words, and the
    rule that proposes its status from data (empty: staff judge it from the evidence alone)."""

    key: str
    text: str
    proposal: str
    position: int


def milestones_for(document: Mapping[str, Any], cohort_key: str) -> list[MilestoneDef]:
    """The cohort's milestones in the program file's order (none when the file names none)."""
    rows = ((document.get("outcomes") or {}).get("milestones") or {}).get(cohort_key) or []
    if not rows:
        return []
    texts = document["cohorts"][cohort_key]["expected_outcomes"]["items"]
    return [
        MilestoneDef(row["key"], text, row.get("proposal", ""), position)
        for position, (row, text) in enumerate(zip(rows, texts, strict=True))
    ]


@dataclass(frozen=True)
class Item:
    key: str
    component: str
    text: str


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Round:
    """A round of the self-assessment with its window (both days included)."""

    key: str
    name: str
    opens_on: datetime.date
    closes_on: datetime.date
    set_by_staff: bool = False

    def is_open(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def has_closed(self, day: datetime.date) -> bool:
        return day > self.closes_on


@dataclass(frozen=True)
class Assessment:
    name: str
    intro: str
    scale: tuple[tuple[int, str], ...]  # (value, label), lowest first
    components: tuple[Component, ...]
    rounds: tuple[Round, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for c in self.components for item in c.items)

    @property
    def values(self) -> frozenset[int]:
        return frozenset(v for v, _ in self.scale)

    def round(self, key: str) -> Round | None:
        return next((r for r in self.rounds if r.key == key), None)

    def open_round(self, day: datetime.date) -> Round | None:
        return next((r for r in self.rounds if r.is_open(day)), None)


def derived_window(
    at: str, starts_on: datetime.date, ends_on: datetime.date, weeks_open: int
) -> tuple[datetime.date, datetime.date]:
    """A round's window from the cycle: the first ``weeks_open`` weeks of the cycle (``start``),
    the weeks from its middle day (``middle``), or its last weeks (``end``)."""
    length = datetime.timedelta(weeks=weeks_open) - datetime.timedelta(days=1)
    if at == "start":
        opens = starts_on
    elif at == "middle":
        opens = starts_on + (ends_on - starts_on) // 2
    else:
        opens = ends_on - length
    return opens, opens + length


def assessment_for(
    cycle, overrides: Mapping[str, tuple[datetime.date, datetime.date]] | None = None
):
    """The cycle's self-assessment (None when its program file has none); ``overrides`` are the
    windows staff set, by round key."""
    facts = cycle.document.get("self_assessment")
    if not facts:
        return None
    overrides = overrides or {}
    components = tuple(
        Component(
            c["key"],
            c["name"],
            tuple(
                Item(i["key"], i["component"], i["text"])
                for i in facts["items"]
                if i["component"] == c["key"]
            ),
        )
        for c in cycle.document["strategy"]["components"]
    )
    rounds = []
    for r in facts["rounds"]:
        if r["key"] in overrides:
            opens, closes = overrides[r["key"]]
            rounds.append(Round(r["key"], r["name"], opens, closes, set_by_staff=True))
        else:
            opens, closes = derived_window(
                r["at"], cycle.starts_on, cycle.ends_on, facts["weeks_open"]
            )
            rounds.append(Round(r["key"], r["name"], opens, closes))
    return Assessment(
        name=facts["name"],
        intro=facts["intro"],
        scale=tuple((s["value"], s["label"]) for s in facts["scale"]),
        components=components,
        rounds=tuple(rounds),
    )

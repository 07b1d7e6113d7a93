"""Statuses the platform proposes for a milestone from a team's data, with the reason shown.

Each rule named in the program file (``[outcomes.milestones]``'s ``proposal``, the schema's
``MILESTONE_PROPOSALS``) is a pure function of :class:`TeamFacts`, which the selectors read from
stored data in a fixed number of queries: the gap rules use the network panels the measures app
precomputed (focal gap, its direction and signal), never a chart computed in a request. Staff or
the coach confirm a proposal; nothing here changes a status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pursuing_equity.outcomes.models import Status

#: Periods of stratified data that show capacity to look at data with an equity lens: the
#: minimum for a run chart's shift rule (six points in a row on one side of the median; Perla RJ,
#: Provost LP, Murray SK. The run chart. BMJ Qual Saf 2011;20:46–51, table 1).
STRATIFIED_PERIODS = 6
#: PDSA cycles that make a portfolio of tests rather than a single one.
PORTFOLIO_CYCLES = 3


@dataclass(frozen=True)
class GapFacts:
    measure: str
    direction: str  # "narrowed", "widened", …
    signal: bool
    closing: bool
    summary: str


@dataclass(frozen=True)
class TeamFacts:
    measures: tuple[str, ...] = ()
    aims: int = 0
    stratified_periods: int = 0
    pdsa_cycles: int = 0
    gaps: tuple[GapFacts, ...] = ()


@dataclass(frozen=True)
class Proposal:
    status: str
    reason: str

    @property
    def label(self) -> str:
        return Status(self.status).label


def _measure_defined(f: TeamFacts) -> Proposal:
    if f.measures:
        names = ", ".join(f.measures[:3]) + (" …" if len(f.measures) > 3 else "")
        return Proposal(Status.ACHIEVED, f"{len(f.measures)} measure(s) defined: {names}.")
    return Proposal(Status.NOT_STARTED, "No measure defined yet.")


def _aim_set(f: TeamFacts) -> Proposal:
    if f.aims:
        return Proposal(Status.ACHIEVED, f"{f.aims} aim(s) set to reduce an equity gap.")
    if f.measures:
        return Proposal(Status.IN_PROGRESS, "A measure is defined but no aim is set yet.")
    return Proposal(Status.NOT_STARTED, "No measure or aim yet.")


def _stratified_data(f: TeamFacts) -> Proposal:
    n = f.stratified_periods
    if n >= STRATIFIED_PERIODS:
        return Proposal(Status.ACHIEVED, f"{n} periods of stratified data reported for a measure.")
    if n:
        return Proposal(
            Status.IN_PROGRESS,
            f"{n} period(s) of stratified data so far; {STRATIFIED_PERIODS} make a run chart.",
        )
    return Proposal(Status.NOT_STARTED, "No stratified data reported yet.")


def _pdsa_cycles(f: TeamFacts) -> Proposal:
    n = f.pdsa_cycles
    if n >= PORTFOLIO_CYCLES:
        return Proposal(Status.ACHIEVED, f"{n} PDSA cycles logged.")
    if n:
        return Proposal(Status.IN_PROGRESS, f"{n} PDSA cycle(s) logged so far.")
    return Proposal(Status.NOT_STARTED, "No PDSA cycle logged yet.")


def _gap_narrowing(f: TeamFacts) -> Proposal:
    narrowed = [g for g in f.gaps if g.direction == "narrowed"]
    if narrowed:
        return Proposal(Status.ACHIEVED, f"{narrowed[0].measure}: {narrowed[0].summary}")
    if f.gaps:
        return Proposal(Status.IN_PROGRESS, f"{f.gaps[0].measure}: {f.gaps[0].summary}")
    return Proposal(Status.NOT_STARTED, "No measured gap yet.")


def _gap_closing(f: TeamFacts) -> Proposal:
    closing = [g for g in f.gaps if g.closing]
    if closing:
        return Proposal(
            Status.ACHIEVED,
            f"{closing[0].measure}: the gap narrowed with a sustained signal. {closing[0].summary}",
        )
    narrowed = [g for g in f.gaps if g.direction == "narrowed"]
    if narrowed:
        return Proposal(
            Status.IN_PROGRESS,
            f"{narrowed[0].measure}: the gap narrowed, without a signal yet. {narrowed[0].summary}",
        )
    if f.gaps:
        return Proposal(Status.IN_PROGRESS, "Gaps are measured; none is narrowing yet.")
    return Proposal(Status.NOT_STARTED, "No measured gap yet.")


RULES: dict[str, Callable[[TeamFacts], Proposal]] = {
    "measure_defined": _measure_defined,
    "aim_set": _aim_set,
    "stratified_data": _stratified_data,
    "pdsa_cycles": _pdsa_cycles,
    "gap_narrowing": _gap_narrowing,
    "gap_closing": _gap_closing,
}


def propose(rule: str, facts: TeamFacts) -> Proposal | None:
    """The proposed status and why, or None for a milestone without a rule."""
    return RULES[rule](facts) if rule else None

"""The cohort problem: its types, the pair scores, and the problem in index form.

Two teams ``i, j`` score ``p(i, j) = Σ_f w_f · (s_f(i, j) if alike else 1 − s_f(i, j))``: ``s_f``
is 1 for the same category, ``1 − |rank difference| / (levels − 1)`` on an ordered scale and the
Jaccard index of two sets — the maximally diverse grouping problem with a general pair weight
(Gallego, Laguna, Martí & Duarte, J. Oper. Res. Soc. 64 (2013) 724–734).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

TOLERANCE = 1e-7

Kind = Literal["category", "ordinal", "set"]


class CohortProblemError(ValueError):
    """The problem cannot be solved as asked (the message says why, for staff to read)."""


@dataclass(frozen=True)
class Factor:
    """A feature teams are grouped by, and how to speak about its values.

    ``labels`` maps a value to ``(one, many)``: ``one`` reads with its article or count ("an
    FQHC", "one in the South"), ``many`` follows a number or "all" ("FQHCs", "in the South").
    ``mixed`` introduces a list of values ("they span", "sizes vary:"). For ``set`` factors
    ``labels`` maps a member to its name, ``verb`` says what the teams do with it ("serve") and
    ``noun`` names the members ("populations").
    """

    key: str
    name: str
    kind: Kind
    labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    mixed: str = "they span"
    verb: str = "serve"
    noun: str = "groups"


@dataclass(frozen=True)
class Preference:
    weight: float
    alike: bool


@dataclass(frozen=True)
class TeamFeatures:
    key: str
    values: Mapping[str, str | frozenset[str]]


@dataclass(frozen=True)
class CohortProblem:
    teams: Sequence[TeamFeatures]
    factors: Sequence[Factor]
    preferences: Mapping[str, Preference]
    min_size: int = 4
    max_size: int = 5
    cohort_count: int | None = None
    pins: Mapping[str, int] = field(default_factory=dict)
    keep_apart: Sequence[tuple[str, str]] = ()
    previous: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SolvedCohort:
    index: int
    teams: tuple[str, ...]
    score: float
    best_possible: float
    sentence: str


@dataclass(frozen=True)
class CohortSolution:
    cohorts: tuple[SolvedCohort, ...]
    assignment: Mapping[str, int]
    total_score: float
    bound: float
    method: Literal["exact", "local_search"]
    optimal: bool
    seconds: float
    lp_bound: float | None = None
    columns: int = 0

    @property
    def gap(self) -> float:
        """(bound − score) / bound: 0 for a proven optimum."""
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.total_score) / self.bound)


def similarity(factor: Factor, values: Sequence[str | frozenset[str]]) -> np.ndarray:
    """The n × n similarity of one factor, in [0, 1]."""
    n = len(values)
    if factor.kind == "set":
        members = sorted({m for v in values for m in v})
        index = {m: k for k, m in enumerate(members)}
        incidence = np.zeros((n, max(len(members), 1)))
        for i, v in enumerate(values):
            for m in v:
                incidence[i, index[m]] = 1.0
        common = incidence @ incidence.T
        sizes = incidence.sum(axis=1)
        union = sizes[:, None] + sizes[None, :] - common
        return np.divide(common, union, out=np.ones((n, n)), where=union > 0)
    if factor.kind == "ordinal":
        rank = {level: k for k, level in enumerate(factor.levels)}
        ranks = np.array([rank[v] for v in values], dtype=float)
        span = max(len(factor.levels) - 1, 1)
        return 1.0 - np.abs(ranks[:, None] - ranks[None, :]) / span
    codes = {v: k for k, v in enumerate(sorted(set(values)))}
    coded = np.array([codes[v] for v in values])
    return (coded[:, None] == coded[None, :]).astype(float)


def pair_scores(
    teams: Sequence[TeamFeatures],
    factors: Sequence[Factor],
    preferences: Mapping[str, Preference],
) -> np.ndarray:
    """p(i, j) for every pair of teams (zero diagonal)."""
    n = len(teams)
    total = np.zeros((n, n))
    for factor in factors:
        pref = preferences.get(factor.key)
        if pref is None or pref.weight <= 0:
            continue
        sim = similarity(factor, [t.values[factor.key] for t in teams])
        total += pref.weight * (sim if pref.alike else 1.0 - sim)
    np.fill_diagonal(total, 0.0)
    return total


@dataclass
class Instance:
    """The problem in index form: pair scores, sizes, pins and conflicts."""

    keys: list[str]
    scores: np.ndarray
    k: int
    sizes: list[int]  # the size of each cohort slot, largest first
    pinned: dict[int, int]  # team index → cohort index
    apart: np.ndarray  # n × n, 1 where two teams must be in different cohorts


def cohort_counts(n: int, min_size: int, max_size: int) -> range:
    """The possible numbers of cohorts for ``n`` teams."""
    return range(math.ceil(n / max_size), n // min_size + 1)


def instance_of(problem: CohortProblem) -> Instance:
    """The problem checked (:class:`CohortProblemError` says what cannot be done) and indexed."""
    keys = [t.key for t in problem.teams]
    if len(set(keys)) != len(keys):
        raise CohortProblemError("A team is listed twice.")
    k, sizes = _cohort_sizes(problem, len(keys))
    position = {key: i for i, key in enumerate(keys)}
    pinned = _pinned(problem, position, k, sizes)
    apart = _apart(problem, position, pinned)
    scores = pair_scores(problem.teams, problem.factors, problem.preferences)
    return Instance(keys, scores, k, sizes, pinned, apart)


def _cohort_sizes(problem: CohortProblem, n: int) -> tuple[int, list[int]]:
    """The number of cohorts (asked, else the fewest) and each one's size, largest first."""
    if not 1 <= problem.min_size <= problem.max_size:
        raise CohortProblemError("The smallest cohort size must be between 1 and the largest.")
    possible = cohort_counts(n, problem.min_size, problem.max_size)
    if not possible:
        raise CohortProblemError(
            f"{n} teams cannot be split into cohorts of {problem.min_size} to "
            f"{problem.max_size} teams."
        )
    k = problem.cohort_count or possible.start
    if k not in possible:
        raise CohortProblemError(
            f"{n} teams make {possible.start} to {possible.stop - 1} cohorts of "
            f"{problem.min_size} to {problem.max_size} teams, not {k}."
        )
    # With k cohorts between min and max, give the extra teams to the first cohorts.
    base, extra = divmod(n, k)
    sizes = [base + 1] * extra + [base] * (k - extra)
    if max(sizes) > problem.max_size or min(sizes) < problem.min_size:
        raise CohortProblemError("No size split fits the bounds.")  # pragma: no cover
    return k, sizes


def _pinned(
    problem: CohortProblem, position: Mapping[str, int], k: int, sizes: Sequence[int]
) -> dict[int, int]:
    """Team index → the cohort it is pinned to, checked against the cohorts' sizes."""
    pinned: dict[int, int] = {}
    for key, cohort in problem.pins.items():
        if key not in position:
            raise CohortProblemError(f"The pinned team {key} is not in the list.")
        if not 0 <= cohort < k:
            raise CohortProblemError(
                f"A team is pinned to cohort {cohort + 1}, but there are only {k} cohorts."
            )
        pinned[position[key]] = cohort
    per_cohort = Counter(pinned.values())
    over = [c for c, count in per_cohort.items() if count > problem.max_size]
    if over:
        raise CohortProblemError(
            f"Cohort {over[0] + 1} has {per_cohort[over[0]]} pinned teams; at most "
            f"{problem.max_size} fit."
        )
    base, extra = min(sizes), sum(1 for s in sizes if s > min(sizes))
    if sum(1 for count in per_cohort.values() if count > base) > extra:
        raise CohortProblemError(
            f"Too many cohorts have {base + 1} pinned teams: with {k} cohorts only {extra} "
            f"can have {base + 1} teams."
        )
    return pinned


def _apart(
    problem: CohortProblem, position: Mapping[str, int], pinned: Mapping[int, int]
) -> np.ndarray:
    """The n × n keep-apart matrix (1 where two teams must be in different cohorts)."""
    n = len(position)
    apart = np.zeros((n, n), dtype=np.int8)
    for a, b in problem.keep_apart:
        if a not in position or b not in position:
            raise CohortProblemError("A keep-apart pair names a team that is not in the list.")
        if a == b:
            raise CohortProblemError("A team cannot be kept apart from itself.")
        i, j = position[a], position[b]
        if i in pinned and j in pinned and pinned[i] == pinned[j]:
            raise CohortProblemError(
                "Two teams are pinned to the same cohort but must be kept apart."
            )
        apart[i, j] = apart[j, i] = 1
    return apart


def assignment_value(scores: np.ndarray, group: np.ndarray) -> float:
    """The sum of ``scores`` over the pairs of teams that share a cohort."""
    same = group[:, None] == group[None, :]
    return float((scores * same).sum() / 2)

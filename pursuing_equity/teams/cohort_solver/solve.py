"""The entry points: solve a problem (exact up to :data:`EXACT_MAX_TEAMS` teams, else local search),
check one, score an assignment."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

import numpy as np
from scipy.optimize import linear_sum_assignment

from pursuing_equity.teams.cohort_solver.exact import exact_solve
from pursuing_equity.teams.cohort_solver.local_search import LocalSearch, star_bound
from pursuing_equity.teams.cohort_solver.problem import (
    CohortProblem,
    CohortProblemError,
    CohortSolution,
    Instance,
    SolvedCohort,
    assignment_value,
    instance_of,
    pair_scores,
)
from pursuing_equity.teams.cohort_solver.words import explain

EXACT_MAX_TEAMS = 45


def solve(
    problem: CohortProblem,
    *,
    time_limit: float = 30.0,
    search_seconds: float | None = None,
    seed: int = 2023,
) -> CohortSolution:
    """The best assignment the method can prove (exact) or find (large), with its bound."""
    started = time.monotonic()
    inst = instance_of(problem)
    n = len(inst.keys)
    exact = n <= EXACT_MAX_TEAMS
    seconds = search_seconds if search_seconds is not None else (1.0 if exact else 20.0)
    group = LocalSearch(inst, seed).run(seconds=seconds, rounds=30 if exact else 10_000)
    if not exact and assignment_value(inst.apart.astype(float), group) > 0:
        raise CohortProblemError("The keep-apart pairs cannot all be honoured.")
    lp_bound, columns = None, 0
    if exact:
        result = exact_solve(inst, group, max(1.0, time_limit - (time.monotonic() - started)))
        group, bound, optimal = result.group, result.bound, result.optimal
        lp_bound, columns = result.lp_bound, result.columns
    else:
        bound, optimal = star_bound(inst.scores, inst.sizes), False
    group = _label(inst, group, problem.previous)
    total = assignment_value(inst.scores, group)
    return CohortSolution(
        cohorts=_solved_cohorts(problem, inst, group),
        assignment={inst.keys[i]: int(group[i]) for i in range(n)},
        total_score=total,
        bound=max(bound, total),
        method="exact" if exact else "local_search",
        optimal=optimal,
        seconds=time.monotonic() - started,
        lp_bound=lp_bound,
        columns=columns,
    )


def _solved_cohorts(
    problem: CohortProblem, inst: Instance, group: np.ndarray
) -> tuple[SolvedCohort, ...]:
    """Each cohort's teams, score, best possible score and the sentence on why."""
    best_pair = float(inst.scores.max(initial=0.0))
    by_key = {t.key: t for t in problem.teams}
    cohorts = []
    for g in range(inst.k):
        idx = np.flatnonzero(group == g)
        keys = tuple(inst.keys[i] for i in idx)
        cohorts.append(
            SolvedCohort(
                index=g,
                teams=keys,
                score=float(inst.scores[np.ix_(idx, idx)].sum() / 2),
                best_possible=best_pair * math.comb(len(idx), 2),
                sentence=explain(
                    [by_key[key] for key in keys], problem.factors, problem.preferences
                ),
            )
        )
    return tuple(cohorts)


def _label(inst: Instance, group: np.ndarray, previous: Mapping[str, int]) -> np.ndarray:
    """Renumber cohorts so pinned teams sit in their cohort and others stay where they were."""
    k = inst.k
    gain = np.zeros((k, k))
    for i, key in enumerate(inst.keys):
        if i in inst.pinned:
            gain[group[i], inst.pinned[i]] += 1_000_000
        elif key in previous and 0 <= previous[key] < k:
            gain[group[i], previous[key]] += 1
    rows, cols = linear_sum_assignment(gain, maximize=True)
    mapping = dict(zip(rows, cols, strict=True))
    return np.array([mapping[g] for g in group])


def check(problem: CohortProblem) -> None:
    """Raise :class:`CohortProblemError` if the problem cannot be solved as asked (fast)."""
    instance_of(problem)


def score_of(problem: CohortProblem, assignment: Mapping[str, int]) -> float:
    """The total score of a given assignment (hand-adjusted cohorts are scored the same way)."""
    scores = pair_scores(problem.teams, problem.factors, problem.preferences)
    group = np.array([assignment[t.key] for t in problem.teams])
    return assignment_value(scores, group)

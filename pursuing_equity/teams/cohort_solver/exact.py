"""The exact method (up to ``solve.EXACT_MAX_TEAMS`` teams): a proven optimum, or the LP's bound.

A set-partitioning integer program over every admissible cohort ``S`` (a column, value
``score(S)``): ``max Σ score(S) x_S`` with every team covered once and ``Σ x_S = K``.

1. An incumbent of value ``z_H`` from the local search (:mod:`.local_search`).
2. Column generation on the LP relaxation (:func:`_relax`); pricing is exact because every
   admissible column is enumerated and priced in one vectorised pass (Desrosiers & Lübbecke, "A
   primer in column generation", in *Column Generation*, Springer 2005, 1–32). The relaxation is
   tightened with subset-row cuts on triples of teams (Jepsen, Petersen, Spoorendonk & Pisinger,
   Oper. Res. 56 (2008) 497–511) and, once no triple is violated, the same cuts on five teams (at
   most one cohort holds three of them), re-pricing after each round and dropping from the
   master the columns that can no longer matter. The LP value ``z_LP`` bounds every integer
   solution. Cutting stops as soon as few columns (:data:`ENUMERATE_COLUMNS`) remain candidates
   (step 3), since enumerating them is then cheaper.
3. With the final duals, any integer solution is worth at most ``z_LP + Σ rc(S) x_S`` with every
   reduced cost ``rc(S) ≤ 0``, so a solution better than ``z_H`` uses only columns with
   ``rc(S) ≥ z_H − z_LP`` — the reduced-cost column enumeration of Baldacci, Christofides &
   Mingozzi, Math. Program. 115 (2008) 351–385 (:func:`_enumerate`, :mod:`.enumeration`). The
   best assignment found is a proven optimum. If the time limit stops the search first, ``z_LP``
   is reported as the bound with the gap. The integer program over every column (HiGHS through
   ``scipy.optimize.milp``) is used only when the local search found no assignment that keeps
   every pair apart (:func:`_without_incumbent`).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from pursuing_equity.teams.cohort_solver import columns as lp
from pursuing_equity.teams.cohort_solver.enumeration import Enumeration
from pursuing_equity.teams.cohort_solver.problem import (
    TOLERANCE,
    CohortProblemError,
    Instance,
    assignment_value,
)

PRICED_PER_ROUND = 400  # columns added to the master per pricing round
# Cuts tighten the LP until this few columns could be part of a better assignment: the
# enumeration of those is then quicker than more cuts.
ENUMERATE_COLUMNS = 6000


@dataclass(frozen=True)
class ExactResult:
    group: np.ndarray  # team index → cohort
    bound: float
    lp_bound: float
    optimal: bool
    columns: int


@dataclass
class _Relaxation:
    """The LP relaxation as column generation and cutting left it."""

    res: object  # scipy's OptimizeResult of the last master LP
    lp_value: float
    cuts: list[np.ndarray]
    hits: list[np.ndarray]  # per cut, the columns it covers
    masks: np.ndarray  # each column's teams as bits
    incidence: object  # columns × teams (sparse)


def exact_solve(inst: Instance, incumbent: np.ndarray, time_limit: float) -> ExactResult:
    """Improve on (or prove) the local search's ``incumbent`` within ``time_limit`` seconds."""
    n = len(inst.keys)
    members, _, values = lp.columns(inst)
    if len(values) == 0:
        raise CohortProblemError("No cohort satisfies the pins and keep-apart pairs.")
    rhs = np.concatenate([np.ones(n), [inst.k]])
    incumbent_value, active = _start(inst, incumbent, members, values)
    started = time.monotonic()
    relaxation = _relax(
        members, values, active, rhs, n, incumbent_value, deadline=started + time_limit / 2
    )
    if incumbent_value == -np.inf:
        remaining = max(1.0, started + time_limit - time.monotonic())
        return _without_incumbent(inst, members, values, relaxation.lp_value, rhs, remaining)
    return _enumerate(
        inst, incumbent, incumbent_value, members, values, relaxation, started + time_limit
    )


def _start(
    inst: Instance, incumbent: np.ndarray, members: np.ndarray, values: np.ndarray
) -> tuple[float, np.ndarray]:
    """The incumbent's value and the master's first columns: the incumbent's cohorts and the
    best-scoring ones (or, with no incumbent that keeps every pair apart, every column)."""
    n, k = len(inst.keys), inst.k
    code = lp.codes(members, n)
    wanted = np.array([lp.codes(np.flatnonzero(incumbent == g)[None, :], n)[0] for g in range(k)])
    start = np.flatnonzero(np.isin(code, wanted))
    if start.size == k:
        active = np.unique(np.concatenate([start, np.argsort(-values)[: 20 * n]]).astype(int))
        return assignment_value(inst.scores, incumbent), active
    # The local search could not keep every pair apart: start from every column, with no
    # incumbent, and let the integer program find an assignment or prove there is none.
    return -np.inf, np.arange(len(values))


def _relax(
    members: np.ndarray,
    values: np.ndarray,
    active: np.ndarray,
    rhs: np.ndarray,
    n: int,
    incumbent_value: float,
    *,
    deadline: float,
) -> _Relaxation:
    """Step 2 of the module docstring: price every column, add the best to the master, and
    cut, until no column prices out and few columns could beat the incumbent (or time is up)."""
    triples = np.array(list(itertools.combinations(range(n), 3)), dtype=np.int32).reshape(-1, 3)
    cuts: list[np.ndarray] = []
    hits: list[np.ndarray] = []
    masks = lp.masks(members)
    incidence = lp.incidence(members, n)
    while True:
        res = lp.master(members, values, active, hits, rhs, n)
        lp_value = -res.fun
        reduced = lp.reduced(incidence, values, res, hits, n)
        priced = reduced[active]
        reduced[active] = -np.inf
        new = np.flatnonzero(reduced > TOLERANCE)
        if new.size:
            active = np.concatenate([active, new[np.argsort(-reduced[new])][:PRICED_PER_ROUND]])
            continue
        threshold = incumbent_value - lp_value - 1e-6
        candidates = int((reduced >= threshold).sum() + (priced >= threshold).sum())
        if candidates <= ENUMERATE_COLUMNS or time.monotonic() > deadline:
            break
        violated = lp.violated_triples(members[active], res.x, triples, n)
        if not len(violated):
            violated = lp.violated_fives(masks[active], res.x, n)
        if not len(violated):
            break
        cuts += list(violated)
        hits += [np.flatnonzero(lp.hits(masks, cut)) for cut in violated]
        # Keep the master small: columns that cannot be part of a better assignment leave it
        # (pricing brings back any that the new cuts make attractive again).
        active = active[(priced >= threshold) | (res.x > TOLERANCE)]
    return _Relaxation(
        res=res, lp_value=lp_value, cuts=cuts, hits=hits, masks=masks, incidence=incidence
    )


def _enumerate(
    inst: Instance,
    incumbent: np.ndarray,
    incumbent_value: float,
    members: np.ndarray,
    values: np.ndarray,
    relaxation: _Relaxation,
    deadline: float,
) -> ExactResult:
    """Step 3: every assignment better than the incumbent uses only columns whose reduced cost
    is at least z_H − z_LP; enumerate those assignments."""
    n = len(inst.keys)
    res, lp_value, hits = relaxation.res, relaxation.lp_value, relaxation.hits
    masks = relaxation.masks
    reduced = lp.reduced(relaxation.incidence, values, res, hits, n)
    candidates = np.flatnonzero(reduced >= incumbent_value - lp_value - 1e-6)
    duals = -res.ineqlin.marginals if hits else np.zeros(0)
    binding = np.flatnonzero(duals > TOLERANCE)
    search = Enumeration(
        masks=masks[candidates],
        values=values[candidates],
        cost=np.maximum(-reduced[candidates], 0.0),
        cuts=[relaxation.cuts[c] for c in binding],
        cut_duals=duals[binding],
        n=n,
        k=inst.k,
        sizes=(min(inst.sizes), max(inst.sizes)),
        lp_value=lp_value,
        best=incumbent_value,
        deadline=deadline,
    )
    chosen = search.run()
    group = incumbent.copy()
    if chosen is not None:
        for g, c in enumerate(candidates[chosen]):
            group[members[c][members[c] >= 0]] = g
    best = max(incumbent_value, search.best)
    bound = best if search.finished else lp_value
    return ExactResult(group, bound, lp_value, search.finished, len(values))


def _without_incumbent(
    inst: Instance,
    members: np.ndarray,
    values: np.ndarray,
    lp_value: float,
    rhs: np.ndarray,
    time_limit: float,
) -> ExactResult:
    """No assignment keeps every pair apart yet: the integer program over every column finds one
    (and its optimum) or proves there is none, within the ``time_limit`` seconds left."""
    n = len(inst.keys)
    candidates = np.arange(len(values))
    constraints = [LinearConstraint(lp.matrix(members, n, candidates), rhs, rhs)]
    res = milp(
        -values,
        integrality=np.ones(len(values)),
        bounds=Bounds(0, 1),
        constraints=constraints,
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    if res.x is None and res.status == 1:
        raise CohortProblemError(
            "The solver ran out of time before finding an assignment that honours every pin and"
            " keep-apart pair: try again, or remove some pins or keep-apart pairs."
        )
    if res.x is None:
        raise CohortProblemError("The pins and keep-apart pairs cannot all be honoured.")
    group = np.full(n, -1)
    for g, c in enumerate(np.flatnonzero(res.x > 0.5)):
        group[members[c][members[c] >= 0]] = g
    optimal = res.status == 0
    bound = -res.fun if optimal else lp_value
    return ExactResult(group, bound, lp_value, optimal, len(values))

"""The exact method's linear algebra: every admissible cohort as a column of a set-partitioning
program, the restricted master LP (HiGHS through ``scipy.optimize.linprog``), reduced costs and
the subset-row cuts that tighten it (Jepsen, Petersen, Spoorendonk & Pisinger, "Subset-row
inequalities applied to the vehicle-routing problem with time windows", Oper. Res. 56 (2008)
497–511). Column generation itself: Desrosiers & Lübbecke, "A primer in column generation", in
*Column Generation*, Springer 2005, 1–32.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_array, csr_array

from pursuing_equity.teams.cohort_solver.problem import TOLERANCE, CohortProblemError, Instance


def columns(inst: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every admissible cohort: member indices (padded with −1), sizes and scores."""
    n = len(inst.keys)
    blocks, values = [], []
    width = max(inst.sizes)
    pinned_at = np.full(n, -1)
    for i, g in inst.pinned.items():
        pinned_at[i] = g
    for size in sorted(set(inst.sizes)):
        count = math.comb(n, size)
        members = np.fromiter(
            itertools.chain.from_iterable(itertools.combinations(range(n), size)),
            dtype=np.int32,
            count=count * size,
        ).reshape(count, size)
        keep = np.ones(count, dtype=bool)
        score = np.zeros(count)
        for a, b in itertools.combinations(range(size), 2):
            score += inst.scores[members[:, a], members[:, b]]
            keep &= inst.apart[members[:, a], members[:, b]] == 0
        if inst.pinned:
            # A cohort holds teams pinned to at most one cohort, and all of them.
            pins = pinned_at[members]
            labels = np.where(pins >= 0, pins, -1)
            first = labels.max(axis=1)
            mixed = ((labels >= 0) & (labels != first[:, None])).any(axis=1)
            keep &= ~mixed
            pinned_count = np.bincount(pinned_at[pinned_at >= 0], minlength=inst.k)
            holds = (labels >= 0).sum(axis=1)
            keep &= (first < 0) | (holds == pinned_count[np.maximum(first, 0)])
        padded = np.full((int(keep.sum()), width), -1, dtype=np.int32)
        padded[:, :size] = members[keep]
        blocks.append(padded)
        values.append(score[keep])
    members = np.concatenate(blocks)
    sizes = (members >= 0).sum(axis=1)
    return members, sizes, np.concatenate(values)


def matrix(members: np.ndarray, n: int, rows: np.ndarray) -> csc_array:
    """Constraint matrix: one row per team (covered once), one row for the number of cohorts."""
    chosen = members[rows]
    cols = np.repeat(np.arange(len(rows)), chosen.shape[1])
    flat = chosen.ravel()
    ok = flat >= 0
    data = np.ones(int(ok.sum()) + len(rows))
    r = np.concatenate([flat[ok], np.full(len(rows), n)])
    c = np.concatenate([cols[ok], np.arange(len(rows))])
    return csc_array((data, (r, c)), shape=(n + 1, len(rows)))


def codes(members: np.ndarray, n: int) -> np.ndarray:
    """One integer per cohort (its sorted members in base n + 1), to find cohorts by content."""
    powers = (n + 1) ** np.arange(members.shape[1], dtype=np.int64)
    return ((members.astype(np.int64) + 1) * powers).sum(axis=1)


def cut_rows(hits: list[np.ndarray], columns: np.ndarray, total: int) -> csc_array:
    """The subset-row cuts as rows over ``columns`` (each cut lists the columns it covers)."""
    position = np.full(total, -1)
    position[columns] = np.arange(len(columns))
    rows, cols = [], []
    for r, covered in enumerate(hits):
        where = position[covered]
        where = where[where >= 0]
        rows.append(np.full(where.size, r))
        cols.append(where)
    return csc_array(
        (np.ones(sum(c.size for c in cols)), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(hits), len(columns)),
    )


def master(members, values, active, hits, rhs, n):
    """The restricted master LP, with the subset-row cuts found so far."""
    a_ub = cut_rows(hits, active, len(values)) if hits else None
    res = linprog(
        -values[active],
        A_eq=matrix(members, n, active),
        b_eq=rhs,
        A_ub=a_ub,
        b_ub=np.ones(len(hits)) if hits else None,
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise CohortProblemError("No assignment satisfies the pins and keep-apart pairs.")
    res.active = active
    return res


def masks(members: np.ndarray) -> np.ndarray:
    """Each cohort's members as bits of one integer (the exact method has fewer than 64 teams)."""
    bits = np.where(members >= 0, np.left_shift(np.uint64(1), members.astype(np.uint64)), 0)
    return np.bitwise_or.reduce(bits.astype(np.uint64), axis=1)


def hits(masks: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """Which cohorts hold a majority of the teams of ``cut`` (two of three, three of five)."""
    wanted = np.uint64(sum(1 << int(t) for t in cut))
    return np.bitwise_count(masks & wanted) >= len(cut) // 2 + 1


def reduced(incidence, values, res, hits, n) -> np.ndarray:
    """Reduced cost of every column (for the maximisation): ≤ 0 for all at LP optimality."""
    duals = -res.eqlin.marginals
    reduced = values - dual_sum(incidence, duals, n)
    if hits:
        for covered, dual in zip(hits, res.ineqlin.marginals, strict=True):
            if dual < -TOLERANCE:
                reduced[covered] += dual
    return reduced


def violated_triples(members, x, triples, n, most: int = 60) -> np.ndarray:
    """Subset-row cuts (Jepsen, Petersen, Spoorendonk & Pisinger, "Subset-row inequalities
    applied to the vehicle-routing problem with time windows", Oper. Res. 56 (2008) 497–511): for
    three teams, the cohorts holding two of them sum to at most one."""
    used = np.flatnonzero(x > TOLERANCE)
    incidence = np.zeros((used.size, n + 1))
    incidence[np.arange(used.size)[:, None], members[used]] = 1.0
    incidence = incidence[:, :n]
    count = incidence[:, triples[:, 0]] + incidence[:, triples[:, 1]] + incidence[:, triples[:, 2]]
    violation = ((count >= 2) * x[used][:, None]).sum(axis=0)
    order = np.argsort(-violation)[:most]
    return triples[order[violation[order] > 1 + 1e-6]]


def violated_fives(masks, x, n, most: int = 60) -> np.ndarray:
    """The same cuts on five teams: at most one cohort holds three of them (two would need six).
    Only fractional cohorts can take part in a violation, so only their teams are combined."""
    fractional = np.flatnonzero((x > TOLERANCE) & (x < 1 - TOLERANCE))
    if fractional.size < 2:
        return np.zeros((0, 5), dtype=np.int32)
    union = int(np.bitwise_or.reduce(masks[fractional]))
    teams = [t for t in range(n) if union >> t & 1]
    if len(teams) < 5:
        return np.zeros((0, 5), dtype=np.int32)
    fives = np.array(list(itertools.combinations(teams, 5)), dtype=np.int32)
    five_masks = np.bitwise_or.reduce(np.left_shift(np.uint64(1), fives.astype(np.uint64)), axis=1)
    violation = np.zeros(len(fives))
    for c in fractional:
        violation += (np.bitwise_count(five_masks & masks[c]) >= 3) * x[c]
    order = np.argsort(-violation)[:most]
    return fives[order[violation[order] > 1 + 1e-6]]


def incidence(members: np.ndarray, n: int) -> csr_array:
    """Cohorts × teams, 1 where the team is in the cohort."""
    valid = members >= 0
    indptr = np.concatenate([[0], np.cumsum(valid.sum(axis=1))])
    return csr_array(
        (np.ones(int(valid.sum())), members[valid], indptr), shape=(members.shape[0], n)
    )


def dual_sum(incidence: csr_array, duals: np.ndarray, n: int) -> np.ndarray:
    return incidence @ duals[:n] + duals[n]

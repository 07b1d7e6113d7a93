"""Step 3 of the exact method: every assignment of the columns left that could beat the incumbent.

The reduced-cost column enumeration of Baldacci, Christofides & Mingozzi, "An exact algorithm for
the vehicle routing problem based on the set partitioning formulation with additional cuts",
Math. Program. 115 (2008) 351–385.
"""

from __future__ import annotations

import time

import numpy as np

from pursuing_equity.teams.cohort_solver.problem import TOLERANCE


class Enumeration:
    """Every assignment that can beat the incumbent, pruned by the LP's dual bound.

    With the final duals, an assignment of columns ``S`` is worth exactly
    ``z_LP − Σ cost(S) − Σ μ_c`` over the cuts ``c`` it leaves slack (``cost`` is the negated
    reduced cost, ≥ 0; ``μ_c`` ≥ 0 the cut's dual; every cut is met at most once). A partial
    assignment therefore caps every completion: its costs so far, the duals of cuts no later
    cohort can meet any more, and, for every team not yet placed, the cheapest column that could
    still hold it. Depth-first over the team with the fewest columns left, cheapest first; the
    search narrows as better assignments are found. This is the reduced-cost enumeration of
    Baldacci, Christofides & Mingozzi (2008), with the bound of their route enumeration.
    """

    def __init__(
        self,
        *,
        masks: np.ndarray,
        values: np.ndarray,
        cost: np.ndarray,
        cuts: list[np.ndarray],
        cut_duals: np.ndarray,
        n: int,
        k: int,
        sizes: tuple[int, int],
        lp_value: float,
        best: float,
        deadline: float,
    ):
        self.masks, self.values, self.cost = masks, values, cost
        self.n, self.k, self.sizes = n, k, sizes
        self.lp_value, self.best, self.deadline = lp_value, best, deadline
        self.cut_masks = np.array(
            [sum(1 << int(t) for t in cut) for cut in cuts], dtype=np.uint64
        ).reshape(-1)
        # A cut holds at most one cohort with a majority of its teams.
        self.cut_need = np.array([len(cut) // 2 + 1 for cut in cuts], dtype=np.int64)
        self.cut_duals = cut_duals
        self.holds = (masks[None, :] >> np.arange(n, dtype=np.uint64)[:, None]) & np.uint64(1)
        self.holds = self.holds.astype(bool)  # teams × columns
        self.bits = np.arange(n, dtype=np.uint64)
        self.full = np.uint64((1 << n) - 1)
        self.chosen: np.ndarray | None = None
        self.finished = True

    def run(self) -> np.ndarray | None:
        self._visit(
            np.uint64(0),
            0.0,
            np.ones(len(self.cost), dtype=bool),
            np.zeros(len(self.cut_duals), dtype=bool),
            [],
        )
        return self.chosen

    def _visit(self, covered, spent: float, alive, met, path: list[int]) -> None:
        if not self.finished:
            return
        if time.monotonic() > self.deadline:
            self.finished = False
            return
        if covered == self.full:
            if len(path) == self.k:
                value = float(self.values[path].sum())
                if value > self.best + TOLERANCE:
                    self.best, self.chosen = value, np.array(path)
            return
        left = self.k - len(path)
        placed = int(np.bitwise_count(covered))
        if not left * self.sizes[0] <= self.n - placed <= left * self.sizes[1]:
            return
        lost = np.bitwise_count(covered & self.cut_masks) >= self.cut_need
        penalty = float(self.cut_duals[lost & ~met].sum())
        budget = self.lp_value - self.best - spent - penalty + 1e-9
        ok = alive & ((self.masks & covered) == 0) & (self.cost <= budget)
        open_ = ~((covered >> self.bits) & np.uint64(1)).astype(bool)
        holds = self.holds[open_][:, ok]
        count = holds.sum(axis=1)
        if not count.all():
            return
        cost = self.cost[ok]
        cheapest = np.where(holds, cost[None, :], np.inf).min(axis=1)
        if max(cheapest.max(), cheapest.sum() / self.sizes[1]) > budget:
            return
        columns = np.flatnonzero(ok)[holds[int(np.argmin(count))]]
        for c in columns[np.argsort(self.cost[columns], kind="stable")]:
            now = met | (np.bitwise_count(self.masks[c] & self.cut_masks) >= self.cut_need)
            self._visit(covered | self.masks[c], spent + self.cost[c], ok, now, [*path, c])

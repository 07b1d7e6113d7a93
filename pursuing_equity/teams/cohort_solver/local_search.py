"""The large method: iterated local search, and the star bound on what any assignment can score.

Iterated local search in the spirit of Lai & Hao, "Iterated maxima search for the maximally
diverse grouping problem", Eur. J. Oper. Res. 254 (2016) 780–800: a greedy start, then best swap
and best move between cohorts (vectorised gains from the team × cohort sums ``G[i, g] = Σ_{j∈g}
p(i, j)``), then random perturbations, keeping the best. The exact method starts from its result.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

import numpy as np

from pursuing_equity.teams.cohort_solver.problem import TOLERANCE, Instance


class LocalSearch:
    """Best-improvement swaps and moves between cohorts, with perturbations (seeded, repeatable)."""

    def __init__(self, inst: Instance, seed: int):
        self.inst = inst
        self.rng = np.random.default_rng(seed)
        n = len(inst.keys)
        # Conflicts cost more than any assignment can score, so the search removes them first.
        self.penalty = float(inst.scores.max(initial=0.0)) * 2 * max(inst.sizes) + 1.0
        self.weights = inst.scores - self.penalty * inst.apart
        self.movable = np.array([i not in inst.pinned for i in range(n)])
        self.group = self._greedy_start()
        self._refresh()

    def _greedy_start(self) -> np.ndarray:
        inst = self.inst
        n, k = len(inst.keys), inst.k
        group = np.full(n, -1)
        counts = Counter(inst.pinned.values())
        # Cohorts holding more pinned teams take the larger sizes.
        order = sorted(range(k), key=lambda g: (-counts.get(g, 0), g))
        capacity = np.zeros(k, dtype=int)
        for g, size in zip(order, sorted(inst.sizes, reverse=True), strict=True):
            capacity[g] = size
        for i, g in inst.pinned.items():
            group[i] = g
        sums = np.zeros((n, k))
        for i, g in inst.pinned.items():
            sums[:, g] += self.weights[:, i]
        free = list(self.rng.permutation([i for i in range(n) if group[i] < 0]))
        for g in range(k):
            while (group == g).sum() < capacity[g] and free:
                candidates = np.array(free)
                pick = int(candidates[np.argmax(sums[candidates, g])])
                if (group == g).sum() == 0:
                    pick = int(free[0])
                free.remove(pick)
                group[pick] = g
                sums[:, g] += self.weights[:, pick]
        return group

    def _refresh(self) -> None:
        k = self.inst.k
        onehot = np.zeros((len(self.group), k))
        onehot[np.arange(len(self.group)), self.group] = 1.0
        self.sums = self.weights @ onehot
        self.size = onehot.sum(axis=0).astype(int)

    def value(self, matrix: np.ndarray | None = None) -> float:
        m = self.weights if matrix is None else matrix
        same = self.group[:, None] == self.group[None, :]
        return float((m * same).sum() / 2)

    def _move(self, a: int, to: int) -> None:
        frm = self.group[a]
        self.sums[:, frm] -= self.weights[:, a]
        self.sums[:, to] += self.weights[:, a]
        self.size[frm] -= 1
        self.size[to] += 1
        self.group[a] = to

    def improve(self) -> None:
        """Best improvement for each team in turn, until a full pass improves nothing."""
        improved = True
        while improved:
            improved = False
            for a in self.rng.permutation(len(self.group)):
                if not self.movable[a]:
                    continue
                gain, kind, b = self._best_step(a)
                if gain > TOLERANCE:
                    if kind == "swap":
                        ga, gb = self.group[a], self.group[b]
                        self._move(a, gb)
                        self._move(b, ga)
                    else:
                        self._move(a, b)
                    improved = True

    def _best_step(self, a: int) -> tuple[float, str, int]:
        """The best swap of team ``a`` with another team (``b`` the team) or, from a cohort of
        the larger size, the best move to a cohort of the smaller size (``b`` the cohort)."""
        n = len(self.group)
        ga = self.group[a]
        g = self.group
        # swap a with b: G[b, ga] − G[a, ga] + G[a, gb] − G[b, gb] − 2 p(a, b)
        gain = (
            self.sums[:, ga]
            - self.sums[a, ga]
            + self.sums[a, g]
            - self.sums[np.arange(n), g]
            - 2 * self.weights[a]
        )
        gain[~self.movable | (g == ga)] = -np.inf
        b = int(np.argmax(gain))
        best, kind = float(gain[b]), "swap"
        big, small = max(self.inst.sizes), min(self.inst.sizes)
        if big != small and self.size[ga] == big:
            targets = np.flatnonzero(self.size == small)
            if targets.size:
                move_gain = self.sums[a, targets] - self.sums[a, ga]
                t = int(np.argmax(move_gain))
                if move_gain[t] > best:
                    best, kind, b = float(move_gain[t]), "move", int(targets[t])
        return best, kind, b

    def perturb(self, strength: int) -> None:
        movable = np.flatnonzero(self.movable)
        for _ in range(strength):
            a, b = self.rng.choice(movable, size=2, replace=False)
            ga, gb = self.group[a], self.group[b]
            if ga != gb:
                self._move(a, gb)
                self._move(b, ga)

    def run(self, *, seconds: float, rounds: int) -> np.ndarray:
        self.improve()
        best, best_value = self.group.copy(), self.value()
        if self.movable.sum() < 2:
            return best
        deadline = time.monotonic() + seconds
        strength = max(2, len(self.group) // 50)
        for _ in range(rounds):
            if time.monotonic() > deadline:
                break
            self.perturb(strength)
            self.improve()
            value = self.value()
            if value > best_value + TOLERANCE:
                best, best_value = self.group.copy(), value
            else:
                self.group = best.copy()
                self._refresh()
        return best


def star_bound(scores: np.ndarray, sizes: Sequence[int]) -> float:
    """An upper bound on the total of any assignment into cohorts of ``sizes``.

    Twice the total is the sum over teams of the scores with their partners; a team in a cohort of
    ``s`` has ``s − 1`` partners, which score at most its ``s − 1`` best pair scores. Which teams
    sit in the larger cohorts is chosen in the bound's favour: those that gain most from one more
    partner.
    """
    n = scores.shape[0]
    small, big = min(sizes), max(sizes)
    ordered = -np.sort(-scores, axis=1)
    cumulative = np.concatenate([np.zeros((n, 1)), np.cumsum(ordered, axis=1)], axis=1)
    base = cumulative[:, small - 1]
    if big == small:
        return float(base.sum() / 2)
    in_big = sum(s for s in sizes if s == big)
    extra = cumulative[:, big - 1] - base
    return float((base.sum() + np.sort(extra)[::-1][:in_big].sum()) / 2)

"""Small cohorts of 4–5 teams: an optimal grouping by what staff say matters (no Django).

The problem
-----------
Each team has features (region, size, organization type, populations served …). For every factor
staff give a weight ``w ≥ 0`` and say whether teams in a cohort should be *alike* or *diverse* in
it. Two teams ``i, j`` score

    p(i, j) = Σ_f  w_f · (s_f(i, j) if alike else 1 − s_f(i, j))

where ``s_f`` is 1 for the same category (``category``), ``1 − |rank difference| / (levels − 1)``
for an ordered scale (``ordinal``) and the Jaccard index of two sets (``set``). A cohort scores the
sum of ``p`` over its pairs, and the assignment maximises the total over cohorts, with every cohort
of ``min_size``–``max_size`` teams, a chosen number of cohorts ``K`` (by default the fewest), pinned
teams in their cohort and keep-apart pairs in different cohorts. With ``K`` fixed, the numbers of
cohorts of each size are fixed too, so every assignment has the same number of pairs and scores
compare fairly. This is the maximally diverse grouping problem (MDGP) with a general pair weight
(Gallego, Laguna, Martí & Duarte, "Tabu search with strategic oscillation for the maximally
diverse grouping problem", J. Oper. Res. Soc. 64 (2013) 724–734).

Exact method (up to :data:`EXACT_MAX_TEAMS` teams)
----------------------------------------------------
A set-partitioning integer program over every admissible cohort ``S`` (a column, value
``score(S)``): ``max Σ score(S) x_S`` with every team covered once and ``Σ x_S = K``.

1. An incumbent of value ``z_H`` from the local search below.
2. Column generation on the LP relaxation (HiGHS through ``scipy.optimize.linprog``); pricing
   is exact because every admissible column is enumerated and priced in one vectorised pass
   (Desrosiers & Lübbecke, "A primer in column generation", in *Column Generation*, Springer
   2005, 1–32). The relaxation is tightened with subset-row cuts on triples of teams (Jepsen,
   Petersen, Spoorendonk & Pisinger, Oper. Res. 56 (2008) 497–511) and, once no triple is
   violated, the same cuts on five teams (at most one cohort holds three of them), re-pricing after
   each round and dropping from the master the columns that can no longer matter. The LP value
   ``z_LP`` bounds every integer solution. Cutting stops as soon as few columns
   (:data:`ENUMERATE_COLUMNS`) remain candidates (step 3), since enumerating them is then cheaper.
3. With the final duals, any integer solution is worth at most ``z_LP + Σ rc(S) x_S`` with every
   reduced cost ``rc(S) ≤ 0``, so a solution better than ``z_H`` uses only columns with
   ``rc(S) ≥ z_H − z_LP`` — the reduced-cost column enumeration of Baldacci, Christofides &
   Mingozzi, "An exact algorithm for the vehicle routing problem based on the set partitioning
   formulation with additional cuts", Math. Program. 115 (2008) 351–385. Every assignment of
   those columns that could beat the incumbent is enumerated depth first (:class:`_Enumeration`),
   pruned by the same dual bound tightened by the cuts it leaves slack; the best one found is a
   proven optimum. (Columns are sets of teams, so interchangeable cohorts need no symmetry
   breaking: each partition is met once.) If the time limit stops the search first, ``z_LP`` is
   reported as the bound with the gap. The integer program over every column (HiGHS through
   ``scipy.optimize.milp``) is used only when the local search found no assignment that keeps
   every pair apart.

Large method (more teams)
-------------------------
Iterated local search in the spirit of Lai & Hao, "Iterated maxima search for the maximally
diverse grouping problem", Eur. J. Oper. Res. 254 (2016) 780–800: a greedy start, then best swap
and best move between cohorts (vectorised gains from the team × cohort sums ``G[i, g] = Σ_{j∈g}
p(i, j)``), then random perturbations, keeping the best. Its bound is the *star bound*: a team in a
cohort of ``s`` teams has ``s − 1`` partners, so twice the total is at most the sum over teams of
their ``s − 1`` best pair scores, with the team-to-size split chosen as favourably as possible.

Everything returned is a frozen dataclass; inputs are never mutated.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, linprog, milp
from scipy.sparse import csc_array, csr_array

EXACT_MAX_TEAMS = 45
PRICED_PER_ROUND = 400  # columns added to the master per pricing round
# Cuts tighten the LP until this few columns could be part of a better assignment: the
# enumeration of those is then quicker than more cuts.
ENUMERATE_COLUMNS = 6000
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


# --------------------------------------------------------------------------------- pair scores


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


# --------------------------------------------------------------------------------- the problem


@dataclass
class _Instance:
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


def _instance(problem: CohortProblem) -> _Instance:
    keys = [t.key for t in problem.teams]
    n = len(keys)
    if len(set(keys)) != n:
        raise CohortProblemError("A team is listed twice.")
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
    position = {key: i for i, key in enumerate(keys)}
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
    if sum(1 for count in per_cohort.values() if count > base) > extra:
        raise CohortProblemError(
            f"Too many cohorts have {base + 1} pinned teams: with {k} cohorts only {extra} "
            f"can have {base + 1} teams."
        )
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
    scores = pair_scores(problem.teams, problem.factors, problem.preferences)
    return _Instance(keys, scores, k, sizes, pinned, apart)


# --------------------------------------------------------------------------------- local search


class _Search:
    """Best-improvement swaps and moves between cohorts, with perturbations (seeded, repeatable)."""

    def __init__(self, inst: _Instance, seed: int):
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
        sizes = set(self.inst.sizes)
        big, small = max(sizes), min(sizes)
        n = len(self.group)
        improved = True
        while improved:
            improved = False
            for a in self.rng.permutation(n):
                if not self.movable[a]:
                    continue
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
                best, kind = gain[b], "swap"
                if big != small and self.size[ga] == big:
                    targets = np.flatnonzero(self.size == small)
                    if targets.size:
                        move_gain = self.sums[a, targets] - self.sums[a, ga]
                        t = int(np.argmax(move_gain))
                        if move_gain[t] > best:
                            best, kind, b = move_gain[t], "move", int(targets[t])
                if best > TOLERANCE:
                    if kind == "swap":
                        gb = self.group[b]
                        self._move(a, gb)
                        self._move(b, ga)
                    else:
                        self._move(a, b)
                    improved = True

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


# --------------------------------------------------------------------------------- bounds


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


# --------------------------------------------------------------------------------- exact method


def _columns(inst: _Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _matrix(members: np.ndarray, n: int, rows: np.ndarray) -> csc_array:
    """Constraint matrix: one row per team (covered once), one row for the number of cohorts."""
    chosen = members[rows]
    cols = np.repeat(np.arange(len(rows)), chosen.shape[1])
    flat = chosen.ravel()
    ok = flat >= 0
    data = np.ones(int(ok.sum()) + len(rows))
    r = np.concatenate([flat[ok], np.full(len(rows), n)])
    c = np.concatenate([cols[ok], np.arange(len(rows))])
    return csc_array((data, (r, c)), shape=(n + 1, len(rows)))


def _exact(inst: _Instance, incumbent: np.ndarray, time_limit: float) -> tuple:
    n, k = len(inst.keys), inst.k
    members, _, values = _columns(inst)
    if len(values) == 0:
        raise CohortProblemError("No cohort satisfies the pins and keep-apart pairs.")
    rhs = np.concatenate([np.ones(n), [k]])
    code = _codes(members, n)
    wanted = np.array([_codes(np.flatnonzero(incumbent == g)[None, :], n)[0] for g in range(k)])
    start = np.flatnonzero(np.isin(code, wanted))
    if start.size == k:
        incumbent_value = _value(inst.scores, incumbent)
        active = np.unique(np.concatenate([start, np.argsort(-values)[: 20 * n]]).astype(int))
    else:
        # The local search could not keep every pair apart: start from every column, with no
        # incumbent, and let the integer program find an assignment or prove there is none.
        incumbent_value = -np.inf
        active = np.arange(len(values))
    triples = np.array(list(itertools.combinations(range(n), 3)), dtype=np.int32).reshape(-1, 3)
    cuts: list[np.ndarray] = []
    hits: list[np.ndarray] = []  # per cut, the columns it covers (computed once)
    masks = _masks(members)
    incidence = _incidence(members, n)
    started = time.monotonic()
    deadline = started + time_limit / 2
    while True:
        res = _master(members, values, active, hits, rhs, n)
        lp_value = -res.fun
        reduced = _reduced(incidence, values, res, hits, n)
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
        violated = _violated_triples(members[active], res.x, triples, n)
        if not len(violated):
            violated = _violated_fives(masks[active], res.x, n)
        if not len(violated):
            break
        cuts += list(violated)
        hits += [np.flatnonzero(_hits(masks, cut)) for cut in violated]
        # Keep the master small: columns that cannot be part of a better assignment leave it
        # (pricing brings back any that the new cuts make attractive again).
        active = active[(priced >= threshold) | (res.x > TOLERANCE)]
    if incumbent_value == -np.inf:
        remaining = max(1.0, started + time_limit - time.monotonic())
        return _exact_without_incumbent(inst, members, values, lp_value, rhs, remaining)
    reduced = _reduced(incidence, values, res, hits, n)
    # Every assignment better than the incumbent uses only columns whose reduced cost is at least
    # z_H − z_LP (module docstring, step 3); enumerate those assignments.
    candidates = np.flatnonzero(reduced >= incumbent_value - lp_value - 1e-6)
    duals = -res.ineqlin.marginals if hits else np.zeros(0)
    binding = np.flatnonzero(duals > TOLERANCE)
    search = _Enumeration(
        masks=masks[candidates],
        values=values[candidates],
        cost=np.maximum(-reduced[candidates], 0.0),
        cuts=[cuts[c] for c in binding],
        cut_duals=duals[binding],
        n=n,
        k=k,
        sizes=(min(inst.sizes), max(inst.sizes)),
        lp_value=lp_value,
        best=incumbent_value,
        deadline=started + time_limit,
    )
    chosen = search.run()
    group = incumbent.copy()
    if chosen is not None:
        for g, c in enumerate(candidates[chosen]):
            group[members[c][members[c] >= 0]] = g
    best = max(incumbent_value, search.best)
    bound = best if search.finished else lp_value
    return group, bound, lp_value, search.finished, len(values)


class _Enumeration:
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


def _exact_without_incumbent(inst, members, values, lp_value, rhs, time_limit: float) -> tuple:
    """No assignment keeps every pair apart yet: the integer program over every column finds one
    (and its optimum) or proves there is none, within the ``time_limit`` seconds left."""
    n = len(inst.keys)
    candidates = np.arange(len(values))
    constraints = [LinearConstraint(_matrix(members, n, candidates), rhs, rhs)]
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
    return group, bound, lp_value, optimal, len(values)


def _codes(members: np.ndarray, n: int) -> np.ndarray:
    """One integer per cohort (its sorted members in base n + 1), to find cohorts by content."""
    powers = (n + 1) ** np.arange(members.shape[1], dtype=np.int64)
    return ((members.astype(np.int64) + 1) * powers).sum(axis=1)


def _cut_rows(hits: list[np.ndarray], columns: np.ndarray, total: int) -> csc_array:
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


def _master(members, values, active, hits, rhs, n):
    """The restricted master LP, with the subset-row cuts found so far."""
    a_ub = _cut_rows(hits, active, len(values)) if hits else None
    res = linprog(
        -values[active],
        A_eq=_matrix(members, n, active),
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


def _masks(members: np.ndarray) -> np.ndarray:
    """Each cohort's members as bits of one integer (the exact method has fewer than 64 teams)."""
    bits = np.where(members >= 0, np.left_shift(np.uint64(1), members.astype(np.uint64)), 0)
    return np.bitwise_or.reduce(bits.astype(np.uint64), axis=1)


def _hits(masks: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """Which cohorts hold a majority of the teams of ``cut`` (two of three, three of five)."""
    wanted = np.uint64(sum(1 << int(t) for t in cut))
    return np.bitwise_count(masks & wanted) >= len(cut) // 2 + 1


def _reduced(incidence, values, res, hits, n) -> np.ndarray:
    """Reduced cost of every column (for the maximisation): ≤ 0 for all at LP optimality."""
    duals = -res.eqlin.marginals
    reduced = values - _dual_sum(incidence, duals, n)
    if hits:
        for covered, dual in zip(hits, res.ineqlin.marginals, strict=True):
            if dual < -TOLERANCE:
                reduced[covered] += dual
    return reduced


def _violated_triples(members, x, triples, n, most: int = 60) -> np.ndarray:
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


def _violated_fives(masks, x, n, most: int = 60) -> np.ndarray:
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


def _incidence(members: np.ndarray, n: int) -> csr_array:
    """Cohorts × teams, 1 where the team is in the cohort."""
    valid = members >= 0
    indptr = np.concatenate([[0], np.cumsum(valid.sum(axis=1))])
    return csr_array(
        (np.ones(int(valid.sum())), members[valid], indptr), shape=(members.shape[0], n)
    )


def _dual_sum(incidence: csr_array, duals: np.ndarray, n: int) -> np.ndarray:
    return incidence @ duals[:n] + duals[n]


def _value(scores: np.ndarray, group: np.ndarray) -> float:
    same = group[:, None] == group[None, :]
    return float((scores * same).sum() / 2)


# --------------------------------------------------------------------------------- labels, words


def _label(inst: _Instance, group: np.ndarray, previous: Mapping[str, int]) -> np.ndarray:
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


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _count(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _forms(factor: Factor, value: str) -> tuple[str, str]:
    return factor.labels.get(value, (value, value))


def explain(
    members: Sequence[TeamFeatures],
    factors: Sequence[Factor],
    preferences: Mapping[str, Preference],
) -> str:
    """One plain sentence on why these teams are together, led by the factors that weigh most.

    "All four are in the South and medium-sized; they span an FQHC, a safety-net hospital and two
    community hospitals."
    """
    size = len(members)
    ranked = sorted(
        (f for f in factors if preferences.get(f.key) and preferences[f.key].weight > 0),
        key=lambda f: -preferences[f.key].weight,
    )
    shared: list[str] = []
    clauses: list[str] = []
    for factor in ranked:
        values = [m.values[factor.key] for m in members]
        if factor.kind == "set":
            common = frozenset.intersection(*map(frozenset, values)) if values else frozenset()
            if common:
                names = [factor.labels.get(v, (v, v))[0] for v in sorted(common)]
                clauses.append(f"all {factor.verb} {_join(names)}")
                continue
            popular = Counter(m for v in values for m in v).most_common(1)
            if popular and popular[0][1] >= 2:
                value, count = popular[0]
                clauses.append(
                    f"{_count(count)} of the {_count(size)} {factor.verb} "
                    f"{factor.labels.get(value, (value, value))[0]}"
                )
            else:
                distinct = len(frozenset().union(*values))
                clauses.append(f"between them they {factor.verb} {_count(distinct)} {factor.noun}")
            continue
        counts = Counter(values)
        if len(counts) == 1:
            shared.append(_forms(factor, values[0])[1])
            continue
        items = []
        for value, count in sorted(counts.items(), key=lambda vc: (-vc[1], str(vc[0]))):
            one, many = _forms(factor, value)
            items.append(one if count == 1 else f"{_count(count)} {many}")
        clauses.append(f"{factor.mixed} {_join(items)}")
    if shared:
        clauses.insert(0, f"all {_count(size)} are {_join(shared)}")
    if not clauses:
        return f"These {_count(size)} teams were grouped without preferences."
    sentence = "; ".join(clauses)
    return sentence[0].upper() + sentence[1:] + "."


# --------------------------------------------------------------------------------- entry point


def solve(
    problem: CohortProblem,
    *,
    time_limit: float = 30.0,
    search_seconds: float | None = None,
    seed: int = 2023,
) -> CohortSolution:
    """The best assignment the method can prove (exact) or find (large), with its bound."""
    started = time.monotonic()
    inst = _instance(problem)
    n = len(inst.keys)
    exact = n <= EXACT_MAX_TEAMS
    seconds = search_seconds if search_seconds is not None else (1.0 if exact else 20.0)
    search = _Search(inst, seed)
    group = search.run(seconds=seconds, rounds=30 if exact else 10_000)
    conflicts = _value(inst.apart.astype(float), group) > 0
    if conflicts and not exact:
        raise CohortProblemError("The keep-apart pairs cannot all be honoured.")
    lp_bound, columns = None, 0
    if exact:
        group, bound, lp_bound, optimal, columns = _exact(
            inst, group, max(1.0, time_limit - (time.monotonic() - started))
        )
    else:
        bound, optimal = star_bound(inst.scores, inst.sizes), False
    group = _label(inst, group, problem.previous)
    total = _value(inst.scores, group)
    cohorts = []
    best_pair = float(inst.scores.max(initial=0.0))
    by_key = {t.key: t for t in problem.teams}
    for g in range(inst.k):
        idx = np.flatnonzero(group == g)
        score = float(inst.scores[np.ix_(idx, idx)].sum() / 2)
        keys = tuple(inst.keys[i] for i in idx)
        cohorts.append(
            SolvedCohort(
                index=g,
                teams=keys,
                score=score,
                best_possible=best_pair * math.comb(len(idx), 2),
                sentence=explain(
                    [by_key[key] for key in keys], problem.factors, problem.preferences
                ),
            )
        )
    return CohortSolution(
        cohorts=tuple(cohorts),
        assignment={inst.keys[i]: int(group[i]) for i in range(n)},
        total_score=total,
        bound=max(bound, total),
        method="exact" if exact else "local_search",
        optimal=optimal,
        seconds=time.monotonic() - started,
        lp_bound=lp_bound,
        columns=columns,
    )


def check(problem: CohortProblem) -> None:
    """Raise :class:`CohortProblemError` if the problem cannot be solved as asked (fast)."""
    _instance(problem)


def score_of(problem: CohortProblem, assignment: Mapping[str, int]) -> float:
    """The total score of a given assignment (hand-adjusted cohorts are scored the same way)."""
    scores = pair_scores(problem.teams, problem.factors, problem.preferences)
    group = np.array([assignment[t.key] for t in problem.teams])
    return _value(scores, group)

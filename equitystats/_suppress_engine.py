"""The suppression engine of :mod:`equitystats.suppress`: entries with values, additive
relations ("lines") and order pairs; Cox's complementary suppression heuristic and the LP audit
of every suppressed entry's feasible range (HiGHS). Shared by the tables (``suppress``) and the
releases (``_suppress_release``); the method and its sources are in ``suppress``' module
docstring (Cox 1980; Fischetti & Salazar-González 2001; CMS cell size suppression policy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np

from equitystats.errors import InputError

#: CMS cell size suppression policy: no cell of 1 to 10 may be published.
DEFAULT_THRESHOLD = 10

#: Numerical tolerance for the LP audit (HiGHS works to about 1e-7).
_TOL = 1e-6

_UNBOUNDED = (
    highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
)


def label(
    threshold: int = DEFAULT_THRESHOLD, *, complementary: bool = False, total: bool = False
) -> str:
    """What a reader sees instead of a suppressed value.

    ``"suppressed (fewer than 11)"`` for a primary cell with the default threshold (built
    from ``threshold``); complementary cells are not small, so they say why they are hidden;
    a suppressed total says only ``"suppressed"`` (see the module docstring: a range on a
    total would help an attacker).

    >>> label()
    'suppressed (fewer than 11)'
    >>> label(complementary=True)
    'suppressed (to protect a small cell)'
    >>> label(total=True)
    'suppressed'
    """
    if total:
        return "suppressed"
    if complementary:
        return "suppressed (to protect a small cell)"
    return f"suppressed (fewer than {int(threshold) + 1})"


# --------------------------------------------------------------------------------------
# the engine: entries with values, additive relations ("lines") and order pairs


@dataclass
class _System:
    """A flat vector of entries and the relations an attacker knows.

    ``lines`` are index arrays; the last index of each is the line's total, and the relation
    is Σ parts − total = 0. ``pairs`` are (a, b) with x_a ≤ x_b (numerator ≤ denominator).
    ``eligible`` entries can be published or suppressed; others are never published and take
    part in no relation. ``lo``/``hi`` are what the attacker knows of an entry once it is
    suppressed, from its label (see :func:`_label_bounds`). The flat index is the canonical
    tie-break.

    ``need`` is the protection criterion. ``None``: a suppressed entry is protected when the
    attacker's range reaches a value at least 1 away from the true value (tables, see the
    module docstring). An array: entry e is protected when its range is at least ``need[e]``
    wide (releases, see :func:`suppress_release`); :func:`_protect` may lower it to what
    hiding every eligible entry would give (:meth:`attainable`).
    """

    values: np.ndarray
    primary: np.ndarray
    eligible: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    lines: list[np.ndarray]
    pairs: np.ndarray  # shape (k, 2)
    need: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = self.values.size
        self.lines_of: list[list[int]] = [[] for _ in range(n)]
        for li, line in enumerate(self.lines):
            for e in line:
                self.lines_of[int(e)].append(li)
        self.partners: list[list[int]] = [[] for _ in range(n)]
        self.below: list[list[int]] = [[] for _ in range(n)]  # e ≤ each of these
        self.above: list[list[int]] = [[] for _ in range(n)]  # e ≥ each of these
        for a, b in self.pairs:
            a, b = int(a), int(b)
            self.partners[a].append(b)
            self.partners[b].append(a)
            self.below[a].append(b)
            self.above[b].append(a)
        # may be suppressed as a complement: published, and true to the label it would get
        # (a complementary cell is said to be above the threshold, so it cannot be a 0)
        self.can_complement = (
            self.eligible & ~self.primary & (self.lo <= self.values) & (self.values <= self.hi)
        )
        self._widest: _Attack | None = None
        self._capped: set[int] = set()

    def protected(self, e: int, low: float, high: float) -> bool:
        """Is entry e protected when the attacker's range is [low, high] (see ``need``)?"""
        if self.need is None:
            v = self.values[e]
            return high >= v + 1 - _TOL or low <= v - 1 + _TOL
        return high - low >= self.need[e] - _TOL

    def attainable(self, e: int) -> None:
        """Lower ``need[e]`` to the width of e's range when every eligible entry is hidden.

        Hiding more only relaxes the attacker's programme, so no mask can do better: when the
        labels and relations alone narrow a small cell (a group that is its stratifier's only
        non-zero group, in a period of 1 to threshold people), that narrower range is the most
        any release can give, and asking for more would never end.
        """
        if self.need is None or e in self._capped:
            return
        if self._widest is None:
            self._widest = _Attack(self, self.eligible & (self.primary | self.can_complement))
        k = int(np.searchsorted(self._widest.var, e))
        low = self._widest.optimise(k, 1.0)[0]
        high = self._widest.optimise(k, -1.0)[0]
        self.need[e] = min(self.need[e], high - low)
        self._capped.add(e)

    def own_bounds(self, e: int, mask: np.ndarray) -> tuple[float, float]:
        """Bounds of entry e if suppressed, from its label and its published partners."""
        lo, hi = float(self.lo[e]), float(self.hi[e])
        for b in self.below[e]:
            if not mask[b]:
                hi = min(hi, self.values[b])
        for a in self.above[e]:
            if not mask[a]:
                lo = max(lo, self.values[a])
        return lo, hi

    def pinned(self, e: int, mask: np.ndarray) -> bool:
        """Would entry e be revealed by its own bounds alone (e.g. 11 events out of 11)?"""
        lo, hi = self.own_bounds(e, mask)
        return hi - lo < 1 - _TOL

    def cramped(self, e: int, mask: np.ndarray) -> bool:
        """Would entry e, as a complement, lack the room a release asks for: ``need`` either
        way from its value within its own bounds (a complement of 12 can only go down to 11,
        so a small cell beside it could only go up by 1)? Never for tables (``need`` None)."""
        if self.need is None:
            return False
        lo, hi = self.own_bounds(e, mask)
        v = self.values[e]
        return min(v - lo, hi - v) < self.need[e] - _TOL


def _pick(system: _System, mask: np.ndarray, candidates: np.ndarray, total: int, skip: int) -> int:
    """Smallest non-zero candidate; cells before the line's total and before entries their
    own bounds would reveal; for a release, roomy ones before cramped ones (see
    :meth:`_System.cramped`); prefer one that also closes another line with a single
    suppressed entry; then canonical position."""

    def helps(e: int) -> bool:
        return any(
            li != skip and int(mask[system.lines[li]].sum()) == 1 for li in system.lines_of[e]
        )

    return min(
        (int(e) for e in candidates),
        key=lambda e: (
            e == total,
            system.pinned(e, mask),
            system.values[e] == 0,
            system.cramped(e, mask),
            system.values[e],
            not helps(e),
            e,
        ),
    )


def _complement(system: _System, mask: np.ndarray) -> None:
    """Cox's heuristic to a fixed point: no relation may hold exactly one suppressed entry."""
    changed = True
    while changed:
        changed = False
        for li, line in enumerate(system.lines):
            hidden = mask[line]
            if int(hidden.sum()) != 1:
                continue
            cand = line[~hidden & system.can_complement[line]]
            if cand.size == 0:
                continue  # nothing left to hide here; the audit deals with it
            mask[_pick(system, mask, cand, int(line[-1]), li)] = True
            changed = True


class _Attack:
    """The attacker's linear programme over the suppressed entries (see module docstring).

    One HiGHS model per mask (Huangfu Q., Hall J.A.J. 2018, "Parallelizing the dual revised
    simplex method", Mathematical Programming Computation 10:119-142); each bound is found by
    changing one objective coefficient and re-solving from the previous basis, which is far
    cheaper than building a new programme per bound.
    """

    def __init__(self, system: _System, mask: np.ndarray) -> None:
        var = np.flatnonzero(mask)
        col = np.full(system.values.size, -1)
        col[var] = np.arange(var.size)
        v = system.values
        starts, index, value, row_lo, row_hi = [0], [], [], [], []

        def add_row(cols: np.ndarray, coef: np.ndarray, low: float, high: float) -> None:
            index.extend(cols.tolist())
            value.extend(coef.tolist())
            starts.append(len(index))
            row_lo.append(low)
            row_hi.append(high)

        for line in system.lines:
            sign = np.ones(line.size)
            sign[-1] = -1.0
            hid = mask[line]
            if not hid.any():
                continue
            rhs = -float(np.dot(sign[~hid], v[line[~hid]]))
            add_row(col[line[hid]], sign[hid], rhs, rhs)
        lower = system.lo[var].astype(float)
        upper = system.hi[var].astype(float)
        for a, b in system.pairs:
            ha, hb = mask[a], mask[b]
            if ha and hb:
                add_row(np.array([col[a], col[b]]), np.array([1.0, -1.0]), -highspy.kHighsInf, 0.0)
            elif ha:
                upper[col[a]] = min(upper[col[a]], v[b])
            elif hb:
                lower[col[b]] = max(lower[col[b]], v[a])
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = var.size, len(row_lo)
        lp.col_cost_ = np.zeros(var.size)
        lp.col_lower_ = lower
        lp.col_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper)
        lp.row_lower_, lp.row_upper_ = np.array(row_lo), np.array(row_hi)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=float)
        # The base class: highspy.Highs() prints a banner on stdout before any option is set.
        self._highs = highspy._Highs()
        self._highs.setOptionValue("output_flag", False)
        # Thousands of tiny programmes: one thread and no presolve make each solve about four
        # times faster than HiGHS's defaults, which suit large models.
        self._highs.setOptionValue("threads", 1)
        self._highs.setOptionValue("presolve", "off")
        self._highs.setOptionValue("solver", "simplex")
        self._highs.passModel(lp)
        self._objective = np.zeros(0, dtype=np.int32)
        self.var = var

    def optimise(self, k: int, sense: float) -> tuple[float, np.ndarray | None]:
        """Minimise (sense=1) or maximise (sense=-1) variable k; returns (optimum, solution)."""
        x = self.push(np.array([k]), sense)
        return (float(x[k]) if x is not None else (math.inf if sense < 0 else -math.inf)), x

    def push(self, ks: np.ndarray, sense: float) -> np.ndarray | None:
        """A solution minimising (sense=1) or maximising (sense=-1) the sum of variables
        ``ks``; None when unbounded (only possible upwards: the true table is feasible)."""
        highs = self._highs
        if self._objective.size:
            highs.changeColsCost(
                self._objective.size, self._objective, np.zeros(self._objective.size)
            )
        highs.changeColsCost(ks.size, ks.astype(np.int32), np.full(ks.size, float(sense)))
        self._objective = ks.astype(np.int32)
        highs.run()
        status = highs.getModelStatus()
        if status not in _UNBOUNDED and status != highspy.HighsModelStatus.kOptimal:
            # The simplex started from the previous programme's basis can stop without a
            # verdict ("Unknown") on a degenerate programme: solve it again from scratch.
            highs.clearSolver()
            highs.run()
            status = highs.getModelStatus()
        if status in _UNBOUNDED:
            return None
        if status != highspy.HighsModelStatus.kOptimal:  # pragma: no cover - always feasible
            raise RuntimeError(f"suppression audit LP failed: {highs.modelStatusToString(status)}")
        return np.asarray(highs.getSolution().col_value)


def _push_lines(
    system: _System, attack: _Attack, seen_lo: np.ndarray, seen_hi: np.ndarray, seen
) -> None:
    """Reach both ends of many ranges with few programmes (releases ask for both ends).

    Entries on different relations hardly compete, so each programme pushes one open entry of
    every relation at once — down, then up (only entries bounded by their labels, so that the
    programme stays bounded) — and rounds repeat while they settle something. What is left is
    solved entry by entry."""
    var = attack.var.tolist()
    for sense in (1.0, -1.0):
        while True:
            used: set[int] = set()
            chosen = []
            for k, e in enumerate(var):
                if system.protected(e, seen_lo[e], seen_hi[e]):
                    continue
                if sense < 0 and not math.isfinite(system.hi[e]):
                    continue
                if (seen_lo[e] if sense > 0 else seen_hi[e]) == (
                    system.lo[e] if sense > 0 else system.hi[e]
                ):
                    continue  # this end is reached already
                lines = set(system.lines_of[e])
                if lines & used:
                    continue
                used |= lines
                chosen.append(k)
            if not chosen:
                break
            before = (seen_lo.copy(), seen_hi.copy())
            seen(attack.push(np.array(chosen), sense))
            if (seen_lo == before[0]).all() and (seen_hi == before[1]).all():
                break


def _unprotected(
    system: _System, mask: np.ndarray, seen_lo: np.ndarray, seen_hi: np.ndarray
) -> list[int]:
    """Suppressed entries that are not protected (see :attr:`_System.need`).

    ``seen_lo``/``seen_hi`` hold, per entry, the smallest and largest value found in any LP
    solution so far (the true value to start with) and are updated here. The true table is
    feasible and the feasible set is convex, so every value between them is attainable: one LP
    solution usually widens many entries at once. Suppressing more only relaxes the programme,
    so what was seen stays attainable as the mask grows.
    """
    attack = _Attack(system, mask)
    var = attack.var

    def seen(x: np.ndarray | None) -> None:
        if x is not None:
            seen_lo[var] = np.minimum(seen_lo[var], x)
            seen_hi[var] = np.maximum(seen_hi[var], x)

    if system.need is not None:
        _push_lines(system, attack, seen_lo, seen_hi, seen)
    bad = []
    for k, e in enumerate(var.tolist()):
        if system.protected(e, seen_lo[e], seen_hi[e]):
            continue
        for sense in (-1.0, 1.0):
            _, x = attack.optimise(k, sense)
            if x is None:
                seen_hi[e] = math.inf
            seen(x)
            if system.protected(e, seen_lo[e], seen_hi[e]):
                break
        else:
            bad.append(e)
    return bad


def _extension_key(system: _System, e: int, mask: np.ndarray):
    """Order of preference for the next entry to hide for unprotected entry e: cells of its
    lines, then what bounds it (its denominator), then totals — or, when e's own bounds give
    it away (11 events out of 11), what bounds it first; smallest non-zero first (for a
    release, roomy before cramped: :meth:`_System.cramped`)."""
    totals = {int(system.lines[li][-1]) for li in system.lines_of[e]}
    partners = set(system.partners[e])
    pinned = system.pinned(e, mask)
    v = system.values

    def key(c: int) -> tuple:
        first = (c not in partners, c in totals) if pinned else (c in totals, c in partners)
        return (*first, v[c] == 0, system.cramped(c, mask), v[c], c)

    return key


def _protect(system: _System, mask: np.ndarray) -> np.ndarray:
    """Primary mask in, fully protected mask out (heuristic, then audit-and-extend)."""
    mask = mask.copy()
    seen_lo = system.values.astype(float)
    seen_hi = seen_lo.copy()
    _complement(system, mask)
    while True:
        bad = _unprotected(system, mask, seen_lo, seen_hi)
        for e in bad:  # both bounds of a bad entry were just solved: seen is its exact range
            system.attainable(e)
        bad = [e for e in bad if not system.protected(e, seen_lo[e], seen_hi[e])]
        if not bad:
            return mask
        # in a release, what bounds an entry from above (its denominator) first: a numerator
        # cannot range wider than its denominator, so widening the denominator comes first
        above_bad = {int(b) for i in bad for b in system.below[i]} & set(bad)
        release = system.need is not None
        e = min(bad, key=lambda i: (release and i not in above_bad, system.values[i], i))
        near = {int(x) for li in system.lines_of[e] for x in system.lines[li]}
        near |= set(system.partners[e])
        near_arr = np.array(sorted(near), dtype=int)
        cand = near_arr[~mask[near_arr] & system.can_complement[near_arr]]
        if cand.size == 0:
            cand = np.flatnonzero(~mask & system.can_complement)
        if cand.size == 0:  # pragma: no cover - everything publishable is already hidden
            raise RuntimeError("cannot protect the table: every entry is already suppressed")
        mask[min((int(c) for c in cand), key=_extension_key(system, e, mask))] = True
        _complement(system, mask)


def _check_threshold(threshold: int, suppress_zero: bool) -> None:
    if threshold != int(threshold) or threshold < 1:
        raise InputError(f"threshold must be a whole number ≥ 1, got {threshold!r}")
    if threshold == 1 and not suppress_zero:
        raise InputError(
            "a threshold of 1 with zeros published reveals every suppressed cell (it can only "
            "be 1); use a threshold of 2 or more, or also suppress zeros"
        )


def _lines(m: int, n: int, offset: int, *, rows: bool, columns: bool) -> list[np.ndarray]:
    """Relations of an (m+1)×(n+1) augmented table flattened at ``offset``; total last."""
    w = n + 1
    out = []
    if rows:
        out += [offset + i * w + np.arange(n + 1) for i in range(m)]
    if columns:
        out += [offset + np.append(np.arange(m) * w + j, m * w + j) for j in range(n)]
    if rows and columns:
        out.append(offset + m * w + np.arange(n + 1))
        out.append(offset + np.append(np.arange(m) * w + n, m * w + n))
    return out


def _eligible(m: int, n: int, *, rows: bool, columns: bool) -> np.ndarray:
    el = np.ones((m + 1, n + 1), dtype=bool)
    el[:m, n] = rows
    el[m, :n] = columns
    el[m, n] = rows and columns
    return el


def _label_bounds(
    primary: np.ndarray, *, threshold: int, suppress_zero: bool, counts: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """What the label of a suppressed entry of an augmented table tells an attacker.

    Cells: primary "fewer than threshold + 1" → [1, threshold] ([0, threshold] when zeros
    are suppressed); complementary "to protect a small cell" → at least threshold + 1, since
    only non-zero counts that are not small are used as complements. Totals are labelled
    just "suppressed": at least 1 (0 when zeros are suppressed), nothing more — a range on a
    total would let a line of small cells pin itself (ten 1s under a total "fewer than 11").
    Denominators published by policy (``counts=False``) and hidden only to protect a
    numerator say nothing: at least 0.
    """
    low = 0.0 if suppress_zero else 1.0
    lo = np.where(primary, low, threshold + 1.0)
    hi = np.where(primary, float(threshold), np.inf)
    lo[:-1, -1], hi[:-1, -1] = low, np.inf
    lo[-1, :], hi[-1, :] = low, np.inf
    if not counts:
        lo[:], hi[:] = 0.0, np.inf
    return lo.ravel(), hi.ravel()

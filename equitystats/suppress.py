"""Small-cell suppression of published count tables, with complementary suppression.

Policy
------
*Primary suppression* follows the CMS cell size suppression policy: "no cell (e.g.
admittances, discharges, patients, services) containing a value of 1 to 10 can be reported
directly", and no value from which such a cell can be derived (percentages, rates, other
cells and totals) may be shown either (Centers for Medicare & Medicaid Services, *CMS Cell
Size Suppression Policy*, CMS Data Use Agreement, as distributed by ResDAC). Counts from 1 to
``threshold`` (10 by default) are therefore suppressed; 0 is published unless
``suppress_zero`` (a zero count reveals an absence, which some policies also protect).
Totals are counts too: a published total is the real total of the unsuppressed data (never
the sum of the published cells), and a total that is itself 1..``threshold`` is suppressed
like any other cell.

*Complementary suppression* stops a suppressed value from being recovered from the
published margins. Every row, column and the margins of a two-way table with totals form
additive relations (Σ cells of a line = the line's total). The classical heuristic
(Cox L.H. 1980, "Suppression methodology and statistical disclosure control", JASA
75:377-385, section 2; Willenborg L., de Waal T. 2001, *Elements of Statistical Disclosure
Control*, Springer, ch. 6): for every line with exactly one suppressed entry, also suppress
the smallest non-zero published entry of that line (cells before the line's total),
repeated to a fixed point. Suppressing the total is how the case "a total reveals its only
suppressed cell" is handled when the line has nothing else to give (a one-column table, a
group whose other cells are all 0).

The heuristic alone is not enough: a suppressed cell can still be recovered by solving the
linear system of all published relations (a "bridge" between two suppression cycles, or a
cycle blocked by zeros). So every result is *audited* with linear programming, the classical
attack of Fellegi I.P. 1972 ("On the question of statistical confidentiality", JASA 67:7-18)
and the protection intervals of Cox 1980 / Willenborg & de Waal 2001 (section 6.2): for each
suppressed entry e, minimise and maximise x_e subject to

* every published entry fixed at its value, every additive relation of the table,
* x ≥ 0, and what the labels tell: a primary cell lies in [1, threshold] (or [0, threshold]
  with ``suppress_zero``); a complementary cell is a non-zero count that is not small, so
  x ≥ threshold + 1; and, for rates, numerator ≤ denominator.

**Protection criterion.** An entry is protected when the attacker's LP range reaches a value
at least 1 away from the true value (max ≥ v + 1 or min ≤ v − 1; so max − min ≥ 1). The
relations of a two-way table with margins have a totally unimodular constraint matrix (each
entry sits in exactly one row relation and one column relation: after sign changes, the
incidence matrix of a bipartite graph), so with integer data every vertex of the LP is
integral (Hoffman & Kruskal 1956; Schrijver A. 1986, *Theory of Linear and Integer
Programming*, Wiley, ch. 19) and every integer between min and max is attained by an
integer table consistent with everything published. The criterion is then exactly "an
integer table exists, consistent with all that is published, in which this entry has a
different value": no one can tell the true value. (For rate tables the numerator ≤
denominator inequalities couple two tables and the matrix need not stay totally unimodular;
the same LP criterion is applied.) Entries failing the audit get more complementary
suppression (smallest published entry on their lines first, then anywhere) until all pass.

Rates (:func:`suppress_counts`): CDC WONDER suppresses sub-national counts below 10 and the
rates computed from them, while population denominators stay published (CDC WONDER, *Data Use
Restrictions* and *Assurance of Confidentiality*). Here a rate is hidden whenever its
numerator or its denominator is; denominators stay published by default (population sizes,
as in WONDER). Because the attacker then knows numerator ≤ denominator, that inequality is
part of the audit, and a published denominator can itself give a numerator away (1 event
out of 1; a complement of 11 events out of 11): such a denominator is then hidden too, with
complementary suppression along its own margin. With ``suppress_denominators=True``
(denominators that are themselves counts of patients, which the CMS policy covers)
denominators of 1..threshold are suppressed like numerators. Both tables are protected and
audited together.

Releases (:func:`suppress_release`): protecting each table on its own is not enough when
several tables are published together and share cells. Two stratifiers of the same people
(race and ethnicity, and a custom "ethnicity" that splits them Hispanic / not Hispanic) share
the period's total: one table may hide it as a complement while the other shows it, and the
hidden cell falls out by subtraction. Two measures over the same denominator population share
every denominator. A *release* is everything one viewer can download together, as one vector
of cells with every additive relation between them (each stratifier's groups add up to the
period's total, the same total in every stratifier, a denominator common to several measures
as one cell, totals over periods where they are published) and the numerator ≤ denominator
pairs; primary and complementary suppression and the LP audit run over all of it at once —
the joint problem of Cox 1980 (section 4, "several tables with common cells") and the attacker
problem of Fischetti M., Salazar-González J.J. 2001, "Solving the cell suppression problem on
tabular data with linear constraints", *Management Science* 47:1008-1027 (section 2: the
attacker's LP over every published linear relation, and the protection levels it must
respect). The release criterion is stronger than the tables': a suppressed cell's feasible
range must be at least ``threshold − 1`` wide, so it holds at least ``threshold`` whole
numbers — as many as a primary label itself allows (1..10 for "fewer than 11") — and the
release tells nothing more precise of a small cell than its label does. The only exception is
a range the labels and relations already narrow with every eligible cell hidden (a group that
is its stratifier's only non-zero group, in a period of 1 to ``threshold`` people): no release
can do better, and that range is then required. With ``zero_beside`` a numerator of 0 whose
denominator is a small count is suppressed too: published, it says that everyone in a group
of 1 to ``threshold`` people failed the measure; its label is then the primary one, so a
primary numerator with a primary denominator is known only to lie in [0, threshold].

Everything here is deterministic and does not depend on the order of the rows: the rows are
put in a canonical order (by content) before any choice is made (a release's cells are in the
caller's order, which is its tie-break).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from equitystats._validate import counts, within_denominators
from equitystats.errors import InputError

__all__ = [
    "DEFAULT_THRESHOLD",
    "SuppressedRates",
    "SuppressedRelease",
    "SuppressedTable",
    "feasible_ranges",
    "label",
    "suppress_counts",
    "suppress_release",
    "suppress_table",
]

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
    """
    if total:
        return "suppressed"
    if complementary:
        return "suppressed (to protect a small cell)"
    return f"suppressed (fewer than {int(threshold) + 1})"


@dataclass(frozen=True)
class SuppressedTable:
    """A two-way table ready for publication.

    ``values`` is the table as floats with NaN where suppressed; ``mask`` marks suppressed
    cells, ``primary`` those suppressed because they are small (``mask & ~primary`` are the
    complementary ones, see :attr:`complementary`). The totals are the real totals of the
    input (not sums of published cells), NaN where suppressed; they are ``None`` when not
    published (``margins=False``; for :func:`suppress_counts` only the per-line totals are
    published). ``*_mask`` / ``*_primary`` describe the totals the same way.
    """

    values: np.ndarray
    mask: np.ndarray
    primary: np.ndarray
    row_totals: np.ndarray | None
    column_totals: np.ndarray | None
    grand_total: float | None
    row_totals_mask: np.ndarray | None
    column_totals_mask: np.ndarray | None
    grand_total_mask: bool | None
    row_totals_primary: np.ndarray | None
    column_totals_primary: np.ndarray | None
    grand_total_primary: bool | None
    threshold: int
    suppress_zero: bool

    @property
    def complementary(self) -> np.ndarray:
        """Cells suppressed only to protect others."""
        return self.mask & ~self.primary

    def labels(self, fmt: str = "{:g}") -> np.ndarray:
        """The cells as display strings: the value, or the suppression :func:`label`."""
        out = np.empty(self.values.shape, dtype=object)
        flat_v, flat_m, flat_p = self.values.ravel(), self.mask.ravel(), self.primary.ravel()
        text = [
            (label(self.threshold, complementary=not p) if m else fmt.format(v))
            for v, m, p in zip(flat_v, flat_m, flat_p, strict=True)
        ]
        out.ravel()[:] = text
        return out


@dataclass(frozen=True)
class SuppressedRates:
    """A stratified rate table (rows = periods, columns = groups) ready for publication.

    ``numerators`` and ``denominators`` are :class:`SuppressedTable` whose ``row_totals``
    are the per-period overall counts (the published margin). ``rates`` =
    numerator / denominator × ``multiplier``, NaN where the numerator or the denominator is
    suppressed (or the denominator is 0); ``rate_mask`` marks the hidden ones.
    ``overall_rates`` are the per-period rates of all groups together, NaN if hidden.
    """

    numerators: SuppressedTable
    denominators: SuppressedTable
    rates: np.ndarray
    rate_mask: np.ndarray
    overall_rates: np.ndarray
    overall_rate_mask: np.ndarray
    multiplier: float
    suppress_denominators: bool


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


# --------------------------------------------------------------------------------------
# tables


def _counts(values: object, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise InputError(f"{what} must be a non-empty two-dimensional table (rows × columns)")
    return counts(arr)


def _check_threshold(threshold: int, suppress_zero: bool) -> None:
    if threshold != int(threshold) or threshold < 1:
        raise InputError(f"threshold must be a whole number ≥ 1, got {threshold!r}")
    if threshold == 1 and not suppress_zero:
        raise InputError(
            "a threshold of 1 with zeros published reveals every suppressed cell (it can only "
            "be 1); use a threshold of 2 or more, or also suppress zeros"
        )


def _canonical_rows(*tables: np.ndarray) -> np.ndarray:
    """Row order by content (lexicographic over all tables' columns), stable."""
    keys = np.hstack(tables)
    return np.lexsort(keys.T[::-1]) if keys.shape[1] else np.arange(keys.shape[0])


def _augment(a: np.ndarray) -> np.ndarray:
    m, n = a.shape
    out = np.zeros((m + 1, n + 1))
    out[:m, :n] = a
    out[:m, n] = a.sum(axis=1)
    out[m, :n] = a.sum(axis=0)
    out[m, n] = a.sum()
    return out


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


def _primary(aug: np.ndarray, threshold: int, suppress_zero: bool) -> np.ndarray:
    small = (aug >= 1) & (aug <= threshold)
    return small | (aug == 0) if suppress_zero else small


def _table_result(
    aug: np.ndarray,
    mask: np.ndarray,
    primary: np.ndarray,
    order: np.ndarray,
    *,
    rows: bool,
    columns: bool,
    threshold: int,
    suppress_zero: bool,
) -> SuppressedTable:
    """Undo the canonical row order and split the augmented table into cells and totals."""
    m = aug.shape[0] - 1
    back = np.empty(m, dtype=int)
    back[order] = np.arange(m)
    idx = np.append(back, m)
    aug, mask, primary = aug[idx], mask[idx], primary[idx]
    shown = np.where(mask, np.nan, aug)
    return SuppressedTable(
        values=shown[:m, :-1],
        mask=mask[:m, :-1],
        primary=primary[:m, :-1],
        row_totals=shown[:m, -1] if rows else None,
        column_totals=shown[m, :-1] if columns else None,
        grand_total=float(shown[m, -1]) if rows and columns else None,
        row_totals_mask=mask[:m, -1] if rows else None,
        column_totals_mask=mask[m, :-1] if columns else None,
        grand_total_mask=bool(mask[m, -1]) if rows and columns else None,
        row_totals_primary=primary[:m, -1] if rows else None,
        column_totals_primary=primary[m, :-1] if columns else None,
        grand_total_primary=bool(primary[m, -1]) if rows and columns else None,
        threshold=int(threshold),
        suppress_zero=bool(suppress_zero),
    )


def suppress_table(
    values: Sequence[Sequence[float]] | np.ndarray,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zero: bool = False,
    margins: bool = True,
) -> SuppressedTable:
    """Suppress a two-way count table (rows × columns, e.g. groups × periods).

    Primary suppression of counts 1..``threshold`` (and 0 with ``suppress_zero``) per the
    CMS cell size suppression policy; with ``margins`` (row totals, column totals and the
    grand total published) complementary suppression so that no suppressed entry can be
    recovered from the published table — Cox's line heuristic followed by the LP audit and
    protection criterion described in the module docstring. Without margins nothing links
    the cells, so only primary suppression applies and the totals are ``None``.

    The input is not modified; the result does not depend on the order of the rows.
    """
    _check_threshold(threshold, suppress_zero)
    arr = _counts(values, "values")
    m, n = arr.shape
    order = _canonical_rows(arr)
    aug = _augment(arr[order])
    primary = _primary(aug, threshold, suppress_zero)
    eligible = _eligible(m, n, rows=margins, columns=margins)
    primary &= eligible
    lo, hi = _label_bounds(primary, threshold=threshold, suppress_zero=suppress_zero)
    system = _System(
        values=aug.ravel(),
        primary=primary.ravel(),
        eligible=eligible.ravel(),
        lines=_lines(m, n, 0, rows=margins, columns=margins),
        pairs=np.zeros((0, 2), dtype=int),
        lo=lo,
        hi=hi,
    )
    mask = _protect(system, primary.ravel()).reshape(aug.shape)
    return _table_result(
        aug,
        mask,
        primary,
        order,
        rows=margins,
        columns=margins,
        threshold=threshold,
        suppress_zero=suppress_zero,
    )


def suppress_counts(
    numerators: Sequence[Sequence[float]] | np.ndarray,
    denominators: Sequence[Sequence[float]] | np.ndarray,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zero: bool = False,
    suppress_denominators: bool = False,
    multiplier: float = 1.0,
) -> SuppressedRates:
    """Suppress a stratified rate table: rows = periods, columns = groups.

    Each period's line of groups is published with its overall count (all groups together,
    the row total), which is the margin an attacker can subtract from. Numerators of
    1..``threshold`` are suppressed, with complementary suppression along each period's line
    and the LP audit (including numerator ≤ denominator); a rate is hidden whenever its
    numerator or denominator is. Denominators stay published by default (population sizes,
    as in CDC WONDER); ``suppress_denominators=True`` treats them as counts under the same
    rule, and both tables are protected and audited together.
    """
    _check_threshold(threshold, suppress_zero)
    num = _counts(numerators, "numerators")
    den = _counts(denominators, "denominators")
    if num.shape != den.shape:
        raise InputError(
            f"numerators {num.shape} and denominators {den.shape} must have the same shape"
        )
    within_denominators(num, den)
    m, n = num.shape
    order = _canonical_rows(num, den)
    a_num, a_den = _augment(num[order]), _augment(den[order])
    size = a_num.size
    eligible = _eligible(m, n, rows=True, columns=False)
    p_num = _primary(a_num, threshold, suppress_zero) & eligible
    # Denominators are always part of the system: published-by-policy ones (the default) are
    # never primary but can still be hidden if a numerator cannot be protected otherwise
    # (e.g. 1 event out of 1), and then nothing is known of them but their relations.
    p_den = _primary(a_den, threshold, suppress_zero) & eligible
    if not suppress_denominators:
        p_den[:] = False
    cells = np.flatnonzero(eligible.ravel())
    lo_num, hi_num = _label_bounds(p_num, threshold=threshold, suppress_zero=suppress_zero)
    lo_den, hi_den = _label_bounds(
        p_den, threshold=threshold, suppress_zero=suppress_zero, counts=suppress_denominators
    )
    system = _System(
        values=np.concatenate([a_num.ravel(), a_den.ravel()]),
        primary=np.concatenate([p_num.ravel(), p_den.ravel()]),
        eligible=np.concatenate([eligible.ravel(), eligible.ravel()]),
        lines=_lines(m, n, 0, rows=True, columns=False)
        + _lines(m, n, size, rows=True, columns=False),
        pairs=np.column_stack([cells, cells + size]),
        lo=np.concatenate([lo_num.ravel(), lo_den.ravel()]),
        hi=np.concatenate([hi_num.ravel(), hi_den.ravel()]),
    )
    mask = _protect(system, system.primary)
    m_num, m_den = mask[:size].reshape(a_num.shape), mask[size:].reshape(a_den.shape)
    kw = {"rows": True, "columns": False, "threshold": threshold, "suppress_zero": suppress_zero}
    t_num = _table_result(a_num, m_num, p_num, order, **kw)
    t_den = _table_result(a_den, m_den, p_den, order, **kw)
    hidden = t_num.mask | t_den.mask
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(hidden | (den == 0), np.nan, num / den * multiplier)
        tot_n, tot_d = num.sum(axis=1), den.sum(axis=1)
        overall_hidden = t_num.row_totals_mask | t_den.row_totals_mask
        overall = np.where(overall_hidden | (tot_d == 0), np.nan, tot_n / tot_d * multiplier)
    return SuppressedRates(
        numerators=t_num,
        denominators=t_den,
        rates=rates,
        rate_mask=hidden,
        overall_rates=overall,
        overall_rate_mask=overall_hidden,
        multiplier=float(multiplier),
        suppress_denominators=bool(suppress_denominators),
    )


# --------------------------------------------------------------------------------------
# releases: several tables published together


@dataclass(frozen=True)
class SuppressedRelease:
    """A release (see the module docstring) ready for publication, cell by cell.

    ``values`` are the cells in the caller's order, NaN where suppressed; ``mask`` marks the
    suppressed cells and ``primary`` those hidden because they are small (or a 0 beside a small
    denominator, with ``zero_beside``). ``totals``, ``relations`` and ``pairs`` are the
    release's structure as given: what an attacker knows besides the values, and what
    :func:`feasible_ranges` solves over.
    """

    values: np.ndarray
    mask: np.ndarray
    primary: np.ndarray
    totals: np.ndarray
    relations: tuple[np.ndarray, ...]
    pairs: np.ndarray
    threshold: int
    suppress_zero: bool
    zero_beside: bool

    @property
    def complementary(self) -> np.ndarray:
        """Cells suppressed only to protect others."""
        return self.mask & ~self.primary

    def labels(self, fmt: str = "{:g}") -> list[str]:
        """The cells as display strings: the value, or the suppression :func:`label`."""
        return [
            label(self.threshold, complementary=not p, total=t) if m else fmt.format(v)
            for v, m, p, t in zip(self.values, self.mask, self.primary, self.totals, strict=True)
        ]


def _release_bounds(
    primary: np.ndarray,
    totals: np.ndarray,
    pairs: np.ndarray,
    *,
    threshold: int,
    suppress_zero: bool,
    zero_beside: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """What the label of each suppressed cell of a release tells (see :func:`_label_bounds`):
    primary cells [1, threshold] — from 0 with ``suppress_zero``, or for a numerator beside a
    primary denominator with ``zero_beside`` —, complementary cells at least threshold + 1,
    totals at least 1 (0 with ``suppress_zero``, or beside a primary total with
    ``zero_beside``)."""
    low = 0.0 if suppress_zero else 1.0
    lo = np.where(primary, low, threshold + 1.0)
    hi = np.where(primary, float(threshold), np.inf)
    lo[totals], hi[totals] = low, np.inf
    if zero_beside and pairs.size:
        beside = pairs[primary[pairs[:, 0]] & primary[pairs[:, 1]], 0]
        lo[beside] = 0.0
    return lo, hi


def _release_structure(
    size: int, relations: Sequence[Sequence[int]], pairs: object
) -> tuple[list[np.ndarray], np.ndarray]:
    lines = []
    for k, rel in enumerate(relations):
        line = np.asarray(rel, dtype=int)
        if line.ndim != 1 or line.size < 2 or line.min() < 0 or line.max() >= size:
            raise InputError(
                f"relation {k + 1} must list at least two cells (its parts, then its total) "
                f"among the {size} cells"
            )
        lines.append(line)
    pair_arr = np.asarray(pairs, dtype=int).reshape(-1, 2)
    if pair_arr.size and (pair_arr.min() < 0 or pair_arr.max() >= size):
        raise InputError(f"every pair must name two of the {size} cells")
    return lines, pair_arr


def _components(size: int, lines: list[np.ndarray], pairs: np.ndarray) -> np.ndarray:
    """The group of each cell, cells being grouped when relations or pairs link them
    (union-find): what one group hides never changes what an attacker learns of another, so
    each is solved alone. Groups are numbered by their first cell."""
    parent = np.arange(size)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for group in [*lines, *pairs]:
        first = root(int(group[0]))
        for other in group[1:]:
            r = root(int(other))
            if r != first:
                parent[max(r, first)] = min(r, first)
                first = min(r, first)
    return np.array([root(i) for i in range(size)], dtype=int)


def suppress_release(
    values: Sequence[float] | np.ndarray,
    *,
    relations: Sequence[Sequence[int]],
    totals: Sequence[bool] | np.ndarray | None = None,
    pairs: Sequence[tuple[int, int]] | np.ndarray = (),
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zero: bool = False,
    zero_beside: bool = True,
) -> SuppressedRelease:
    """Suppress a release: several tables published together, as one vector of cells.

    ``values`` are every count of the release (group cells and totals, each shared cell once);
    ``relations`` lists the additive relations an attacker knows, each as cell indices whose
    last is the total of the others (a stratifier's groups and the period's total; the periods
    and a total over them); ``totals`` marks the cells labelled as totals (default: the last
    cell of every relation); ``pairs`` are (numerator, denominator) cells, x_numerator ≤
    x_denominator. Primary suppression of counts 1..``threshold`` (0 too with
    ``suppress_zero``; a 0 numerator beside a small denominator with ``zero_beside``), then
    Cox's heuristic and the LP audit over all relations at once, until every suppressed cell's
    range is as wide as the release criterion of the module docstring requires (Cox 1980;
    Fischetti & Salazar-González 2001). Cells linked by no relation or pair are solved apart.

    The input is not modified. Bad counts and a numerator above its denominator raise
    :class:`InputError` whose ``row`` is the cell's 1-based position (the numerator's, for a
    pair).
    """
    _check_threshold(threshold, suppress_zero)
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise InputError("values must be a one-dimensional list of cells")
    counts(arr)
    lines, pair_arr = _release_structure(arr.size, relations, pairs)
    for k, line in enumerate(lines):
        if arr[line[:-1]].sum() != arr[line[-1]]:
            raise InputError(
                f"relation {k + 1}: the parts add up to {arr[line[:-1]].sum():g}, but the "
                f"total (cell {int(line[-1]) + 1}) is {arr[line[-1]]:g}"
            )
    if pair_arr.size:
        within_denominators(arr[pair_arr[:, 0]], arr[pair_arr[:, 1]], rows=pair_arr[:, 0] + 1)
    if totals is None:
        is_total = np.zeros(arr.size, dtype=bool)
        is_total[[int(line[-1]) for line in lines]] = True
    else:
        is_total = np.asarray(totals, dtype=bool)
        if is_total.shape != arr.shape:
            raise InputError(f"totals must mark each of the {arr.size} cells")
    primary = (arr >= 1) & (arr <= threshold)
    if suppress_zero:
        primary |= arr == 0
    if zero_beside and pair_arr.size:
        primary[pair_arr[(arr[pair_arr[:, 0]] == 0) & primary[pair_arr[:, 1]], 0]] = True
    lo, hi = _release_bounds(
        primary, is_total, pair_arr, threshold=threshold, suppress_zero=suppress_zero,
        zero_beside=zero_beside,
    )  # fmt: skip
    mask = primary.copy()
    need = max(threshold - 1.0, 1.0)
    group = _components(arr.size, lines, pair_arr)
    lines_of: dict[int, list[np.ndarray]] = {}
    for line in lines:
        lines_of.setdefault(int(group[line[0]]), []).append(line)
    pairs_of: dict[int, list[np.ndarray]] = {}
    for pair in pair_arr:
        pairs_of.setdefault(int(group[pair[0]]), []).append(pair)
    for g in np.unique(group[primary]).tolist():
        cells = np.flatnonzero(group == g)
        local = np.full(arr.size, -1)
        local[cells] = np.arange(cells.size)
        sub_lines = [local[line] for line in lines_of.get(g, [])]
        sub_pairs = local[np.array(pairs_of.get(g, []), dtype=int).reshape(-1, 2)]
        system = _System(
            values=arr[cells],
            primary=primary[cells],
            eligible=np.ones(cells.size, dtype=bool),
            lo=lo[cells],
            hi=hi[cells],
            lines=sub_lines,
            pairs=sub_pairs,
            need=np.full(cells.size, need),
        )
        mask[cells] = _protect(system, primary[cells])
    return SuppressedRelease(
        values=np.where(mask, np.nan, arr),
        mask=mask,
        primary=primary,
        totals=is_total,
        relations=tuple(lines),
        pairs=pair_arr,
        threshold=int(threshold),
        suppress_zero=bool(suppress_zero),
        zero_beside=bool(zero_beside),
    )


def feasible_ranges(
    table: SuppressedTable | SuppressedRelease,
) -> tuple[np.ndarray, np.ndarray]:
    """What an attacker can learn: the (min, max) of every cell given the published table.

    Solves the LP of the module docstring from the *published* result alone (cells, totals,
    and which suppressed entries are primary), two programmes per suppressed cell. Returns
    two arrays shaped like ``table.values``; published cells have min = max = their value.
    Totals are not reported, only cells. For a release, every cell (totals too) over every
    relation and pair of the release at once.
    """
    if isinstance(table, SuppressedRelease):
        return _release_ranges(table)
    m, n = table.values.shape
    rows = table.row_totals is not None
    columns = table.column_totals is not None
    aug_v = np.zeros((m + 1, n + 1))
    aug_m = np.zeros((m + 1, n + 1), dtype=bool)
    aug_p = np.zeros((m + 1, n + 1), dtype=bool)
    aug_v[:m, :n], aug_m[:m, :n], aug_p[:m, :n] = table.values, table.mask, table.primary
    if rows:
        aug_v[:m, n], aug_m[:m, n], aug_p[:m, n] = (
            table.row_totals,
            table.row_totals_mask,
            table.row_totals_primary,
        )
    if columns:
        aug_v[m, :n], aug_m[m, :n], aug_p[m, :n] = (
            table.column_totals,
            table.column_totals_mask,
            table.column_totals_primary,
        )
    if rows and columns:
        aug_v[m, n], aug_m[m, n], aug_p[m, n] = (
            table.grand_total,
            table.grand_total_mask,
            table.grand_total_primary,
        )
    aug_v = np.where(aug_m, 0.0, aug_v)  # suppressed values are unknown; never read below
    lo, hi = _label_bounds(aug_p, threshold=table.threshold, suppress_zero=table.suppress_zero)
    system = _System(
        values=aug_v.ravel(),
        primary=aug_p.ravel(),
        eligible=_eligible(m, n, rows=rows, columns=columns).ravel(),
        lines=_lines(m, n, 0, rows=rows, columns=columns),
        pairs=np.zeros((0, 2), dtype=int),
        lo=lo,
        hi=hi,
    )
    mask = aug_m.ravel()
    attack = _Attack(system, mask)
    low = aug_v.ravel().copy()
    high = low.copy()
    for k, e in enumerate(attack.var):
        low[e] = attack.optimise(k, 1.0)[0]
        high[e] = attack.optimise(k, -1.0)[0]
    return low.reshape(aug_v.shape)[:m, :n], high.reshape(aug_v.shape)[:m, :n]


def _release_ranges(release: SuppressedRelease) -> tuple[np.ndarray, np.ndarray]:
    known = np.where(release.mask, 0.0, release.values)  # suppressed values are never read
    lo, hi = _release_bounds(
        release.primary, release.totals, release.pairs, threshold=release.threshold,
        suppress_zero=release.suppress_zero, zero_beside=release.zero_beside,
    )  # fmt: skip
    system = _System(
        values=known,
        primary=release.primary,
        eligible=np.ones(known.size, dtype=bool),
        lo=lo,
        hi=hi,
        lines=list(release.relations),
        pairs=release.pairs,
    )
    attack = _Attack(system, release.mask)
    low, high = known.copy(), known.copy()
    for k, e in enumerate(attack.var):
        low[e] = attack.optimise(k, 1.0)[0]
        high[e] = attack.optimise(k, -1.0)[0]
    return low, high

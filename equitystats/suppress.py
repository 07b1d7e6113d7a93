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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from equitystats._suppress_engine import (
    DEFAULT_THRESHOLD,
    _Attack,
    _check_threshold,
    _eligible,
    _label_bounds,
    _lines,
    _protect,
    _System,
    label,
)
from equitystats._suppress_release import SuppressedRelease, release_ranges, suppress_release
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


@dataclass(frozen=True)
class SuppressedTable:
    """A two-way table ready for publication.

    ``values`` is the table as floats with NaN where suppressed; ``mask`` marks suppressed
    cells, ``primary`` those suppressed because they are small (``mask & ~primary`` are the
    complementary ones, see :attr:`complementary`). The totals are the real totals of the
    input (not sums of published cells), NaN where suppressed; they are ``None`` when not
    published (``margins=False``; for :func:`suppress_counts` only the per-line totals are
    published). ``*_mask`` / ``*_primary`` describe the totals the same way.

    >>> t = suppress_table([[3, 40, 50], [30, 40, 50]])
    >>> t.labels()[0].tolist()
    ['suppressed (fewer than 11)', 'suppressed (to protect a small cell)', '50']
    >>> t.complementary.astype(int).tolist()
    [[0, 1, 0], [1, 1, 0]]
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

    >>> r = suppress_counts([[3, 40], [30, 45]], [[100, 120], [110, 130]], multiplier=100)
    >>> r.rates.round(1).tolist()
    [[nan, nan], [27.3, 34.6]]
    >>> r.rate_mask.astype(int).tolist()
    [[1, 1], [0, 0]]
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
# tables


def _counts(values: object, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise InputError(f"{what} must be a non-empty two-dimensional table (rows × columns)")
    return counts(arr)


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

    >>> t = suppress_table([[3, 40, 50], [30, 40, 50]])
    >>> t.mask.astype(int).tolist()
    [[1, 1, 0], [1, 1, 0]]
    >>> t.row_totals.tolist(), t.grand_total
    ([93.0, 120.0], 213.0)
    >>> suppress_table([[1.5, 2]])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 1, column "1": 1.5 is not a whole number
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

    >>> r = suppress_counts([[3, 40], [30, 45]], [[100, 120], [110, 130]])
    >>> r.numerators.mask.astype(int).tolist()
    [[1, 1], [0, 0]]
    >>> r.overall_rates.round(4).tolist()
    [0.1955, 0.3125]
    >>> suppress_counts([[5, 30]], [[4, 40]])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 1, column "1": numerator 5 is above its denominator 4
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


def feasible_ranges(
    table: SuppressedTable | SuppressedRelease,
) -> tuple[np.ndarray, np.ndarray]:
    """What an attacker can learn: the (min, max) of every cell given the published table.

    Solves the LP of the module docstring from the *published* result alone (cells, totals,
    and which suppressed entries are primary), two programmes per suppressed cell. Returns
    two arrays shaped like ``table.values``; published cells have min = max = their value.
    Totals are not reported, only cells. For a release, every cell (totals too) over every
    relation and pair of the release at once.

    >>> t = suppress_table([[3, 40, 50], [30, 40, 50]])
    >>> low, high = feasible_ranges(t)
    >>> low.tolist(), high.tolist()
    ([[1.0, 33.0, 50.0], [23.0, 38.0, 50.0]], [[10.0, 42.0, 50.0], [32.0, 47.0, 50.0]])
    """
    if isinstance(table, SuppressedRelease):
        return release_ranges(table)
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

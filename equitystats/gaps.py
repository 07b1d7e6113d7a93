"""Equity gaps over time: each group against a reference, with intervals and an SPC verdict.

For a measure that is a proportion (numerator / denominator per period and group), the gap
of group g in period t against a reference r is the absolute gap d = (p_g − p_r) ×
``multiplier`` (percentage points with 100) and the relative gap R = p_g / p_r (unscaled), each
with the interval of :mod:`equitystats.compare`: Newcombe's hybrid score interval for the
difference (Newcombe R.G. 1998, Stat Med 17:873-890, method 10) and MOVER-R with Wilson limits
for the ratio (Donner A., Zou G.Y. 2012, Stat Methods Med Res 21:347-359), so that a group of
one or two patients never gets an interval narrower than its own Wilson interval allows.

References (``reference=``): a group's name (keywords take precedence over a group with
the same name); ``"best"`` — the group with the best pooled rate Σx/Σn over the whole series
(highest with ``improvement="increase"``, lowest with ``"decrease"``); ``"largest"`` — the
group with the largest total denominator; ``"overall"`` — the rate of all groups together
in that period. Against a group the two samples are independent and the intervals apply as
written; against the overall rate, which the group is part of, they are the group-versus-rest
intervals carried through the exact transformations of
:func:`equitystats.compare.versus_overall`.

SPC on the gap: the absolute gap series of each group is charted with
:func:`equitystats.spc.chart` — an individuals (XmR) chart when it has 12 or more periods with
data, a run chart with Anhøj's rules (Anhøj J., Olesen A.V. 2014, PLoS ONE 9:e113825) when
fewer: limits from a moving-range sigma of a handful of points are too unstable to judge
against, while the run chart's rules need no sigma (the summary says which was used; 12 is
this package's convention). ``signal`` is the chart's signal (:attr:`ChartResult.signal`:
an Anhøj runs signal or a point outside the limits). The direction compares the size of the gap
|d| at the start and at the end — each the mean of the first (last) k periods with data, with
k = min(3, n // 2), so that one unusual period cannot decide the direction — to one decimal, as the
summary prints it: narrowed, widened or unchanged. The gap **is closing** when it narrowed and the
chart shows a signal.

The trend test on the gap (:func:`gap_trend`) asks the same question with more power: an
inverse-variance weighted least-squares regression of the per-period differences d_t on time t
(fixed-effect meta-regression with known variances: Thompson S.G., Higgins J.P.T. 2002, "How
should meta-regression analyses be undertaken and interpreted?", Stat Med 21:1559-1573, §2),
each variance recovered from the score interval as v_t = ((U_t − L_t) / (2z))², as the Cochrane
Handbook recovers a standard error from a 95 % interval (Higgins J.P.T. et al., eds., 2023,
version 6.4, §6.5.2.3: SE = (upper − lower) / 3.92). With weights w_t = 1/v_t, t̄ = Σw_t t / Σw_t
and S = Σ w_t (t − t̄)²: slope b = Σ w_t (t − t̄) d_t / S, SE(b) = 1/√S, interval b ± z·SE(b).
The gap is *narrowing* when the interval lies wholly on the side of 0 that shrinks |gap| (the
sign of the weighted mean gap), *widening* when on the other side.

Small denominators (``min_denominator=``, off by default): a period where the group, or a
reference group, has fewer patients than the minimum is still charted and still enters the
trend test (whose inverse-variance weights already give it little say), but it is *untested* on
the gap's chart (:func:`equitystats.spc.chart`, ``untested``): it takes no part in the runs
rules and is never flagged outside the limits, because the runs rules assume each point falls
on either side of the centre line with probability ½ (Anhøj & Olesen 2014), which a rate from a
handful of patients does not; they are left out of its centre line and limits too, so that they
cannot make the other periods look unusual either: the chart's signals are recomputed as if those
periods were missing. ``signal`` is then the chart's signal without those periods; a signal that
only the small periods carry is not announced, and :attr:`GroupGap.small_note` says so in a
sentence.

Minimum detectable narrowing (:func:`detectable_narrowing`): the steady narrowing over the next
h periods that the trend test, run on those h periods alone with the current variance v (the
mean of the last min(3, n) periods'), detects with probability 1 − β: the slope
(z₁₋α/₂ + z₁₋β)·SE with SE = √(12 v / (h (h² − 1))), the SE of an equally weighted slope over
t = 1..h (Σ (t − t̄)² = h (h² − 1)/12), times the h − 1 steps between the first and the last
period — the usual power equation of a two-sided z-test (Chow S.-C., Shao J., Wang H., *Sample
Size Calculations in Clinical Research*, 2nd ed., 2008, §3.1.1: δ = (z₁₋α/₂ + z₁₋β)·SE).
When that amount is larger than the whole current gap |g| (``current_gap``: the mean of the
last k periods, as the summary gives it), no narrowing the gap has room for can be told from
chance within that horizon, and the summary says so plainly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from equitystats import compare, spc
from equitystats._arrays import first_appearance, readonly
from equitystats._gap_trend import (
    MIN_POINTS_TREND,
    POWER,
    GapTrend,
    detectable_narrowing,
    gap_trend,
    small_signal_note,
)
from equitystats._validate import counts, within_denominators
from equitystats.errors import InputError

__all__ = [
    "GapAnalysis",
    "GapTrend",
    "GroupGap",
    "KEYWORDS",
    "MIN_POINTS_I_CHART",
    "MIN_POINTS_TREND",
    "POWER",
    "detectable_narrowing",
    "gap_series",
    "gap_trend",
    "small_signal_note",
]

#: Reference keywords.
KEYWORDS = ("overall", "best", "largest")
#: Fewest periods with data for an individuals chart; fewer get a run chart.
MIN_POINTS_I_CHART = 12


# --------------------------------------------------------------------------------------
# results


@dataclass(frozen=True, eq=False)
class GroupGap:
    """One group's gap against the reference, per period (arrays aligned with
    :attr:`GapAnalysis.periods`; NaN where the period has no data).

    ``difference`` and its interval are × ``multiplier``; ``ratio`` is unscaled.
    ``chart`` is the :class:`~equitystats.spc.ChartResult` of the difference series
    (``None`` when fewer than 2 periods have a gap), ``chart_type`` ``"i"`` or ``"run"``.
    ``direction`` is ``"narrowed"``, ``"widened"``, ``"unchanged"`` or ``"unknown"``;
    ``first_gap``/``last_gap`` are the mean differences over the first and last k periods with
    data, k = min(3, n // 2). ``numerator``/``denominator`` are the group's counts per period
    (NaN without a row); ``small`` marks the periods below ``min_denominator`` (all false
    without one), which are untested on the chart; ``small_note`` is the sentence saying which
    signal those periods alone carried (empty when none).

    >>> a = gap_series([1, 1, 2, 2, 3, 3], ["a", "b"] * 3, [30, 20, 31, 22, 29, 25], [100] * 6, reference="b")
    >>> g = a.group("a")
    >>> g.difference.round(1).tolist(), g.chart_type, g.direction
    ([10.0, 9.0, 4.0], 'run', 'narrowed')
    """

    group: str
    label: str
    rate: np.ndarray
    reference_rate: np.ndarray
    difference: np.ndarray
    diff_ci_low: np.ndarray
    diff_ci_high: np.ndarray
    ratio: np.ndarray
    ratio_ci_low: np.ndarray
    ratio_ci_high: np.ndarray
    chart: spc.ChartResult | None
    chart_type: str | None
    signal: bool
    closing: bool
    direction: str
    first_gap: float
    last_gap: float
    summary: str
    trend: GapTrend | None = None
    numerator: np.ndarray | None = None
    denominator: np.ndarray | None = None
    small: np.ndarray | None = None
    small_note: str = ""


@dataclass(frozen=True, eq=False)
class GapAnalysis:
    """Output of :func:`gap_series`: one :class:`GroupGap` per compared group.

    ``reference`` is ``"overall"`` or the reference group's name (resolved for ``best`` and
    ``largest``); ``reference_rate`` its rate per period (a proportion, unscaled).
    ``groups`` are in order of first appearance, without the reference group.
    ``reference_numerator``/``reference_denominator``: the reference's counts per period (the
    sum of every group's for ``"overall"``).

    >>> a = gap_series([1, 1, 2, 2, 3, 3], ["a", "b"] * 3, [30, 20, 31, 22, 29, 25], [100] * 6)
    >>> a.reference, a.periods.tolist(), [g.group for g in a.groups]
    ('overall', [1, 2, 3], ['a', 'b'])
    >>> a.reference_rate.round(3).tolist()
    [0.25, 0.265, 0.27]
    """

    periods: np.ndarray
    reference: str
    reference_label: str
    reference_rate: np.ndarray
    improvement: str
    multiplier: float
    groups: tuple[GroupGap, ...]
    reference_numerator: np.ndarray | None = None
    reference_denominator: np.ndarray | None = None
    min_denominator: float | None = None

    def group(self, name: str) -> GroupGap:
        """The gap of the group called ``name``."""
        for g in self.groups:
            if g.group == name:
                return g
        raise KeyError(name)

    @property
    def summaries(self) -> tuple[str, ...]:
        """The plain-language sentence of every group, in order."""
        return tuple(g.summary for g in self.groups)


# --------------------------------------------------------------------------------------
# input


def _numbers(values: Sequence[float] | np.ndarray, what: str, size: int) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size != size:
        raise InputError(f"{what} must be a sequence of {size} numbers (one per row)")
    return counts(arr, whole=False, column=what)


def _unit(multiplier: float) -> str:
    if multiplier == 100:
        return " points"
    if multiplier == 1:
        return ""
    return f" per {multiplier:,g}"


def _summary(
    name: str,
    ref: str,
    overall: bool,
    first: float,
    last: float,
    direction: str,
    signal: bool,
    chart_type: str | None,
    unit: str,
) -> str:
    who = (
        f"The gap between {name} patients and all patients"
        if overall
        else f"The gap between {name} and {ref} patients"
    )
    if chart_type is None:
        return f"{who} cannot be judged: fewer than 2 periods have the data to measure it."
    a, b = abs(first), abs(last)
    reversed_ = round(first, 1) * round(last, 1) < 0
    flip = " and reversed direction" if reversed_ else ""
    if not signal:
        text = (
            f"{who} ({a:.1f}{unit} at the start, {b:.1f}{unit} at the end) has not changed "
            "beyond what chance explains (no signal)."
        )
    elif direction == "unchanged":
        text = (
            f"{who} was {a:.1f}{unit} at the start and at the end{flip}; the chart shows a "
            "signal (non-random variation) but no net narrowing or widening."
        )
    else:
        text = f"{who} {direction} from {a:.1f} to {b:.1f}{unit}{flip}; the change is a signal, not noise."
    if chart_type == "run":
        text += (
            f" Judged with run chart rules because fewer than {MIN_POINTS_I_CHART} periods "
            "have data."
        )
    return text


# --------------------------------------------------------------------------------------
# the analysis


def gap_series(
    periods: Sequence[object] | np.ndarray,
    groups: Sequence[str] | np.ndarray,
    numerators: Sequence[float] | np.ndarray,
    denominators: Sequence[float] | np.ndarray,
    *,
    reference: str = "overall",
    improvement: str = "increase",
    multiplier: float = 100,
    labels: Mapping[str, str] | None = None,
    horizons: Sequence[int] = (6, 12),
    period_name: str = "period",
    min_denominator: float | None = None,
) -> GapAnalysis:
    """Gap of every group against a reference, per period, with intervals and an SPC verdict.

    Input is long form, one row per (period, group): ``numerators`` events out of
    ``denominators``. Periods are sorted (numbers numerically, text such as ``2024-03``
    lexically); a (period, group) without a row has no gap that period. ``labels`` maps
    group names to display names for the summaries. ``horizons`` (periods ahead) and
    ``period_name`` (e.g. "month") shape the trend test's minimum detectable narrowing and its
    sentence. ``min_denominator``: periods where the group or a reference group has fewer
    patients are untested on the gap's chart (module docstring); ``None``, the default, tests
    every period. See the module docstring for the formulas, the references, the chart rules
    and the trend test.

    Raises :class:`InputError` (``row`` = 1-based input row) for a negative or non-finite
    count, a numerator above its denominator, a repeated (period, group), an unknown
    reference group, or fewer than two groups.

    >>> periods = [1, 1, 2, 2, 3, 3, 4, 4]
    >>> a = gap_series(periods, ["a", "b"] * 4, [30, 20, 28, 21, 26, 22, 24, 23], [100] * 8, reference="b")
    >>> g = a.group("a")
    >>> g.difference.round(1).tolist(), g.direction, g.first_gap, g.last_gap
    ([10.0, 7.0, 4.0, 1.0], 'narrowed', 8.5, 2.5)
    >>> print(g.summary)
    The gap between a and b patients (8.5 points at the start, 2.5 points at the end) has not
    changed beyond what chance explains (no signal). Judged with run chart rules because fewer
    than 12 periods have data.
    >>> gap_series([1, 1], ["a", "a"], [1, 2], [10, 10])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 2, column "group": period 1 and group 'a' appear more
    than once
    """
    if improvement not in ("increase", "decrease"):
        raise InputError(f"improvement must be 'increase' or 'decrease', not {improvement!r}")
    grid = _grid(periods, groups, numerators, denominators)
    show = dict(labels or {})
    ref = _reference(grid, reference, improvement, show)
    m = float(multiplier)
    unit = _unit(m)
    out = tuple(
        _group_gap(grid, ref, j, str(name), show, m, unit, horizons, period_name, min_denominator)
        for j, name in enumerate(grid.names.tolist())
        if j != ref.index
    )
    return GapAnalysis(
        periods=readonly(grid.periods.copy()),
        reference=ref.name,
        reference_label=ref.label,
        reference_rate=readonly(np.array(ref.rate, dtype=float)),
        improvement=improvement,
        multiplier=m,
        groups=out,
        reference_numerator=readonly(np.array(ref.x, dtype=float)),
        reference_denominator=readonly(np.array(ref.n, dtype=float)),
        min_denominator=min_denominator,
    )


@dataclass(frozen=True, eq=False)
class _Grid:
    """The long-form input as (period × group) tables: sorted periods, group names in order of
    first appearance, numerators ``xs`` and denominators ``ns`` (NaN where no row)."""

    periods: np.ndarray
    names: np.ndarray
    xs: np.ndarray
    ns: np.ndarray


def _grid(
    periods: Sequence[object] | np.ndarray,
    groups: Sequence[str] | np.ndarray,
    numerators: Sequence[float] | np.ndarray,
    denominators: Sequence[float] | np.ndarray,
) -> _Grid:
    """Step 1 of :func:`gap_series`: checked counts, one row per (period, group), 2+ groups."""
    per = np.asarray(periods)
    grp = np.asarray([str(g) for g in groups], dtype=str)
    size = per.size
    if per.ndim != 1 or grp.size != size:
        raise InputError("periods, groups, numerators and denominators must have one value per row")
    x = _numbers(numerators, "numerator", size)
    n = _numbers(denominators, "denominator", size)
    within_denominators(x, n)
    names, g_idx, _ = first_appearance(grp)
    period_values, p_idx = np.unique(per, return_inverse=True)
    n_p, n_g = period_values.size, names.size
    cell = p_idx * n_g + g_idx
    uniq, repeats = np.unique(cell, return_counts=True)
    if (repeats > 1).any():
        dup = uniq[repeats > 1][0]
        row = int(np.flatnonzero(cell == dup)[1]) + 1
        raise InputError(
            f"period {per[row - 1]!s} and group {str(grp[row - 1])!r} appear more than once",
            row=row,
            column="group",
        )
    if names.size < 2:
        raise InputError(
            f"needs at least 2 groups to measure a gap, found {names.size}", column="group"
        )
    xs = np.full((n_p, n_g), np.nan)
    ns = np.full((n_p, n_g), np.nan)
    xs[p_idx, g_idx] = x
    ns[p_idx, g_idx] = n
    return _Grid(period_values, names, xs, ns)


@dataclass(frozen=True, eq=False)
class _Ref:
    """The reference of every gap: its column (-1 for all patients), name, label, rate, counts,
    and every group's difference from it and ratio to it with their intervals."""

    index: int
    name: str
    label: str
    overall: bool
    rate: np.ndarray
    x: np.ndarray
    n: np.ndarray
    rates: np.ndarray
    diff: tuple[np.ndarray, np.ndarray, np.ndarray]
    ratio: tuple[np.ndarray, np.ndarray, np.ndarray]


def _reference(grid: _Grid, reference: str, improvement: str, show: Mapping[str, str]) -> _Ref:
    """Step 2: the reference (all patients, the best or largest group, or a named one) and the
    comparisons against it (:func:`equitystats.compare.versus_overall` for all patients, whose
    count includes the group's own; :func:`~equitystats.compare.difference` and
    :func:`~equitystats.compare.ratio` against a group)."""
    xs, ns, names = grid.xs, grid.ns, grid.names
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = xs / ns
        if reference == "overall":
            tot_x, tot_n = np.nansum(xs, axis=1), np.nansum(ns, axis=1)
            ref_rate = np.where(tot_n > 0, tot_x / np.where(tot_n > 0, tot_n, 1), np.nan)
            diff, diff_lo, diff_hi, ratio, ratio_lo, ratio_hi = compare.versus_overall(
                xs, ns, tot_x[:, None], tot_n[:, None]
            )
            ref_n = np.where(tot_n > 0, tot_n, np.nan)
            return _Ref(
                -1, "overall", "all patients", True, ref_rate, tot_x, ref_n, rates,
                (diff, diff_lo, diff_hi), (ratio, ratio_lo, ratio_hi),
            )  # fmt: skip
        index = _reference_index(grid, reference, improvement)
        name = str(names[index])
        rx, rn = xs[:, [index]], ns[:, [index]]
        return _Ref(
            index, name, show.get(name, name), False, rates[:, index], xs[:, index],
            ns[:, index], rates, compare.difference(xs, ns, rx, rn), compare.ratio(xs, ns, rx, rn),
        )  # fmt: skip


def _reference_index(grid: _Grid, reference: str, improvement: str) -> int:
    """The column of a reference group: the largest (most patients over all periods), the best
    (best pooled rate in the direction of ``improvement``) or the one named."""
    xs, ns, names = grid.xs, grid.ns, grid.names
    pooled_x, pooled_n = np.nansum(xs, axis=0), np.nansum(ns, axis=0)
    if reference == "largest":
        return int(np.argmax(pooled_n))
    if reference == "best":
        pooled = np.where(pooled_n > 0, pooled_x / np.where(pooled_n > 0, pooled_n, 1), np.nan)
        if np.isnan(pooled).all():
            raise InputError("no group has a denominator above 0", column="denominator")
        return int(np.nanargmax(pooled) if improvement == "increase" else np.nanargmin(pooled))
    hits = np.flatnonzero(names == str(reference))
    if hits.size == 0:
        shown = ", ".join(map(str, names[:10])) + (", …" if names.size > 10 else "")
        raise InputError(
            f"reference group {reference!r} is not in the data (groups: {shown}; "
            f"or use {', '.join(KEYWORDS)})",
            column="group",
        )
    return int(hits[0])


@dataclass(frozen=True, eq=False)
class _Verdict:
    """What the chart of one gap series says: the chart (``None`` with fewer than 2 periods),
    whether it signals, the small-denominator note, the first and last gap and the direction."""

    chart: spc.ChartResult | None = None
    chart_type: str | None = None
    signal: bool = False
    note: str = ""
    first: float = math.nan
    last: float = math.nan
    direction: str = "unknown"


def _verdict(
    d: np.ndarray, periods: np.ndarray, small: np.ndarray, minimum: float | None
) -> _Verdict:
    """Step 3 (per group): the gap's chart (an individuals chart from
    :data:`MIN_POINTS_I_CHART` periods, a run chart below, Anhøj rules, improvement toward a
    gap of 0), with the ``small`` periods untested, and the first and last gap (mean of up to
    3 periods at each end)."""
    have = np.flatnonzero(np.isfinite(d))
    if have.size < 2:
        return _Verdict()
    k = min(3, have.size // 2)
    first, last = float(d[have[:k]].mean()), float(d[have[-k:]].mean())
    chart_type = "i" if have.size >= MIN_POINTS_I_CHART else "run"
    toward_zero = "decrease" if np.nanmean(d) > 0 else "increase"
    options = {"chart": chart_type, "x": periods, "rules": "anhoej"}
    series = np.where(np.isfinite(d), d, np.nan)
    chart = spc.chart(series, improvement=toward_zero, **options)
    note = ""
    if small.any():
        full = chart
        chart = spc.chart(
            series, improvement=toward_zero, untested=np.flatnonzero(small) + 1, **options
        )
        note = small_signal_note(full, chart, small, minimum)
    a, b = round(abs(first), 1), round(abs(last), 1)
    direction = "narrowed" if b < a else "widened" if b > a else "unchanged"
    return _Verdict(chart, chart_type, bool(chart.signal), note, first, last, direction)


def _group_gap(
    grid: _Grid,
    ref: _Ref,
    j: int,
    name: str,
    show: Mapping[str, str],
    m: float,
    unit: str,
    horizons: Sequence[int],
    period_name: str,
    min_denominator: float | None,
) -> GroupGap:
    """Step 4: one group's :class:`GroupGap` (gap series on the ``multiplier`` scale, its chart
    verdict, summary and trend test)."""
    ns = grid.ns
    diff, diff_lo, diff_hi = ref.diff
    ratio, ratio_lo, ratio_hi = ref.ratio
    d = diff[:, j] * m
    small = np.zeros(grid.periods.size, dtype=bool)
    if min_denominator is not None:
        with np.errstate(invalid="ignore"):
            small = np.isfinite(d) & ((ns[:, j] < min_denominator) | (ref.n < min_denominator))
    v = _verdict(d, grid.periods, small, min_denominator)
    label = show.get(name, name)
    said = _summary(
        label, ref.label, ref.overall, v.first, v.last, v.direction, v.signal, v.chart_type, unit
    )
    return GroupGap(
        group=name,
        label=label,
        rate=readonly(ref.rates[:, j].copy()),
        reference_rate=readonly(np.array(ref.rate, dtype=float)),
        difference=readonly(d),
        diff_ci_low=readonly(diff_lo[:, j] * m),
        diff_ci_high=readonly(diff_hi[:, j] * m),
        ratio=readonly(ratio[:, j].copy()),
        ratio_ci_low=readonly(ratio_lo[:, j].copy()),
        ratio_ci_high=readonly(ratio_hi[:, j].copy()),
        chart=v.chart,
        chart_type=v.chart_type,
        signal=v.signal,
        closing=v.signal and v.direction == "narrowed",
        direction=v.direction,
        first_gap=v.first,
        last_gap=v.last,
        summary=" ".join(filter(None, (said, v.note))),
        trend=gap_trend(
            d,
            diff_lo[:, j] * m,
            diff_hi[:, j] * m,
            horizons=horizons,
            unit=unit,
            period_name=period_name,
            current_gap=v.last,
        ),
        numerator=readonly(grid.xs[:, j].copy()),
        denominator=readonly(ns[:, j].copy()),
        small=readonly(small),
        small_note=v.note,
    )

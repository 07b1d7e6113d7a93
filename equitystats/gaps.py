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
from scipy.stats import norm

from equitystats import compare, spc
from equitystats._arrays import first_appearance, readonly
from equitystats._validate import counts, within_denominators
from equitystats.errors import InputError
from equitystats.intervals import Z95

__all__ = [
    "GapAnalysis",
    "GapTrend",
    "GroupGap",
    "KEYWORDS",
    "MIN_POINTS_I_CHART",
    "detectable_narrowing",
    "gap_series",
    "gap_trend",
    "small_signal_note",
]

#: Reference keywords.
KEYWORDS = ("overall", "best", "largest")
#: Fewest periods with data for an individuals chart; fewer get a run chart.
MIN_POINTS_I_CHART = 12
#: Fewest periods with data for the trend test (a slope and its error need three points).
MIN_POINTS_TREND = 3
#: Power of the minimum detectable narrowing.
POWER = 0.8


# --------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class GapTrend:
    """The trend test of one gap series (module docstring), on the gap's scale.

    ``slope`` is the change of the gap per period with its interval (``ci_low``, ``ci_high``,
    at the confidence of the score intervals); ``verdict`` is ``"narrowing"``, ``"widening"``
    or ``"no clear trend"``; ``periods`` the periods with data; ``detectable`` pairs each
    horizon h (periods ahead) with the minimum detectable narrowing over it (NaN when h < 2);
    ``summary`` says all of it in two plain sentences.
    """

    slope: float
    ci_low: float
    ci_high: float
    verdict: str
    periods: int
    detectable: tuple[tuple[int, float], ...]
    summary: str


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
# the trend test


def _variances(low: np.ndarray, high: np.ndarray, z: float) -> np.ndarray:
    """v = ((U − L) / (2z))², the variance a score interval implies (module docstring)."""
    return ((np.asarray(high, dtype=float) - np.asarray(low, dtype=float)) / (2 * z)) ** 2


def detectable_narrowing(
    variance: float, horizon: int, *, z: float = Z95, power: float = POWER
) -> float:
    """The steady narrowing over ``horizon`` periods, each measured with ``variance``, that the
    trend test detects with probability ``power`` (module docstring); NaN when horizon < 2."""
    if horizon < 2 or not variance > 0:
        return math.nan
    se = math.sqrt(12 * variance / (horizon * (horizon * horizon - 1)))
    return (z + float(norm.ppf(power))) * se * (horizon - 1)


def gap_trend(
    difference: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    z: float = Z95,
    horizons: Sequence[int] = (6, 12),
    unit: str = "",
    period_name: str = "period",
    current_gap: float | None = None,
) -> GapTrend | None:
    """Inverse-variance weighted regression of a gap series on time, with the minimum
    detectable narrowing over each of ``horizons`` (module docstring). Arrays are per period
    (NaN where a period has no gap); time is the period's position. ``None`` with fewer than
    :data:`MIN_POINTS_TREND` periods with data. ``unit`` (e.g. " points") and ``period_name``
    (e.g. "month") word the summary; with ``current_gap`` the summary says when the detectable
    narrowing is larger than the whole gap."""
    d = np.asarray(difference, dtype=float)
    v = _variances(low, high, z)
    have = np.flatnonzero(np.isfinite(d) & np.isfinite(v) & (v > 0))
    if have.size < MIN_POINTS_TREND:
        return None
    t, y, w = have.astype(float), d[have], 1 / v[have]
    t_bar = float(w @ t / w.sum())
    s_tt = float(w @ (t - t_bar) ** 2)
    slope = float(w @ ((t - t_bar) * y) / s_tt)
    se = 1 / math.sqrt(s_tt)
    lo, hi = slope - z * se, slope + z * se
    gap_sign = 1.0 if float(w @ y) >= 0 else -1.0
    shrink_lo, shrink_hi = sorted((-gap_sign * lo, -gap_sign * hi))
    verdict = "narrowing" if shrink_lo > 0 else "widening" if shrink_hi < 0 else "no clear trend"
    current = float(v[have[-min(3, have.size) :]].mean())
    detectable = tuple((int(h), detectable_narrowing(current, int(h), z=z)) for h in horizons)
    per, over = f"a {period_name}", f"over {have.size} {period_name}s"
    narrowing = -gap_sign * slope
    if verdict == "narrowing":
        change = (
            f"The trend test finds the gap narrowing by {narrowing:.1f}{unit} {per} {over} "
            f"(95 % interval {shrink_lo:.1f} to {shrink_hi:.1f}{unit} {per})."
        )
    elif verdict == "widening":
        change = (
            f"The trend test finds the gap widening by {-narrowing:.1f}{unit} {per} {over} "
            f"(95 % interval {-shrink_hi:.1f} to {-shrink_lo:.1f}{unit} {per})."
        )
    else:
        change = (
            f"The trend test finds no clear trend in the gap {over}: the 95 % interval runs "
            f"from narrowing by {shrink_hi:.1f} to widening by {-shrink_lo:.1f}{unit} {per}."
        )
    ahead = [
        f"{amount:.1f}{unit} over the next {h} {period_name}s"
        for h, amount in detectable
        if math.isfinite(amount)
    ]
    if ahead:
        change += (
            " With about as many patients as now, a steady narrowing of at least "
            + " or ".join(ahead)
            + f" would be told from chance {round(POWER * 100)} % of the time."
        )
        change += _beyond_gap(detectable, current_gap, unit, period_name)
    return GapTrend(slope, lo, hi, verdict, int(have.size), detectable, change)


def _beyond_gap(
    detectable: Sequence[tuple[int, float]], current: float | None, unit: str, period_name: str
) -> str:
    """The plain sentence for a detectable narrowing larger than the whole current gap: the
    longest horizon over which even closing the gap entirely could not be told from chance."""
    if current is None or not math.isfinite(current):
        return ""
    gap = abs(current)
    beyond = [(h, a) for h, a in detectable if math.isfinite(a) and a > gap]
    if not beyond:
        return ""
    h = max(beyond)[0]
    even = "Even the" if h == max(d[0] for d in detectable) and len(detectable) > 1 else "The"
    return (
        f" {even} {h}-{period_name} amount is larger than the whole current gap of "
        f"{gap:.1f}{unit}: with these numbers of patients, the gap cannot be shown closing "
        f"within {h} {period_name}s."
    )


def _of(n: int, m: int, few: str) -> str:
    """ "7 points (all 7 with fewer than 20 patients)", "7 points (3 of them with …)"."""
    return f"{n} points ({f'all {n}' if m == n else f'{m} of them'} with {few})"


def small_signal_note(
    full: spc.ChartResult, honest: spc.ChartResult, small: np.ndarray, minimum: float
) -> str:
    """The sentence for a signal that only small-denominator points carry: which rules of the
    chart with every point tested (``full``) fired in its last part and did not in the chart
    with the ``small`` points untested (``honest``), and how many small points were involved.
    Empty when there is none. Rule words follow qicharts2 and the IHI rules."""
    last = full.part == full.part[-1]
    small = np.asarray(small, dtype=bool) & last
    k = int(small.sum())
    if not k:
        return ""
    few = f"fewer than {minimum:g} patients"
    parts = []

    def gone(name: str) -> bool:
        a, b = getattr(full, name), getattr(honest, name)
        return (
            a is not None
            and bool(np.asarray(a)[last].any())
            and not bool(np.asarray(b)[last].any())
        )

    for name, words in (("shift", "a shift"), ("trend", "a trend")):
        if gone(name):
            hit = np.asarray(getattr(full, name)) & last
            parts.append(f"{words} of {_of(int(hit.sum()), int((hit & small).sum()), few)}")
    if gone("sigma_signal"):
        hit = np.asarray(full.sigma_signal) & last
        n, m = int(hit.sum()), int((hit & small).sum())
        parts.append(
            f"a point outside the limits with {few}"
            if n == 1
            else f"{_of(n, m, few)} outside the limits"
        )
    those = f"the {k} points with {few} are" if k > 1 else f"the point with {few} is"
    counted = f"(found only when {those} counted)"
    if full.rules == "ihi":
        for name, words in (("runs_too_few", "too few runs"), ("runs_too_many", "too many runs")):
            if gone(name):
                parts.append(f"{words} around the centre line {counted}")
    elif gone("runs_signal"):
        run, most = full.longest_run[last][-1], full.longest_run_max[last][-1]
        if math.isfinite(run) and math.isfinite(most) and run > most:
            parts.append(f"a run of {run:.0f} points on one side of the centre line {counted}")
        else:
            parts.append(f"too few crossings of the centre line {counted}")
    if not parts:
        return ""
    why = (
        f"points with {few} swing too much to read a signal from, so the chart rules leave them out"
    )
    if len(parts) == 1:
        return f"{parts[0][0].upper()}{parts[0][1:]} is not counted as a signal: {why}."
    return f"Not counted as a signal: {'; '.join(parts)}. {why[0].upper()}{why[1:]}."


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
    """
    if improvement not in ("increase", "decrease"):
        raise InputError(f"improvement must be 'increase' or 'decrease', not {improvement!r}")
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
    uniq, counts = np.unique(cell, return_counts=True)
    if (counts > 1).any():
        dup = uniq[counts > 1][0]
        row = int(np.flatnonzero(cell == dup)[1]) + 1
        raise InputError(
            f"period {per[row - 1]!s} and group {grp[row - 1]!r} appear more than once",
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
    show = dict(labels or {})

    overall = reference == "overall"
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = xs / ns
        if overall:
            tot_x, tot_n = np.nansum(xs, axis=1), np.nansum(ns, axis=1)
            ref_rate = np.where(tot_n > 0, tot_x / np.where(tot_n > 0, tot_n, 1), np.nan)
            diff, diff_lo, diff_hi, ratio, ratio_lo, ratio_hi = compare.versus_overall(
                xs, ns, tot_x[:, None], tot_n[:, None]
            )
            ref_index = -1
            ref_name, ref_label = "overall", "all patients"
            ref_x, ref_n = tot_x, np.where(tot_n > 0, tot_n, np.nan)
        else:
            pooled_x, pooled_n = np.nansum(xs, axis=0), np.nansum(ns, axis=0)
            if reference == "largest":
                ref_index = int(np.argmax(pooled_n))
            elif reference == "best":
                pooled = np.where(
                    pooled_n > 0, pooled_x / np.where(pooled_n > 0, pooled_n, 1), np.nan
                )
                if np.isnan(pooled).all():
                    raise InputError("no group has a denominator above 0", column="denominator")
                ref_index = int(
                    np.nanargmax(pooled) if improvement == "increase" else np.nanargmin(pooled)
                )
            else:
                hits = np.flatnonzero(names == str(reference))
                if hits.size == 0:
                    shown = ", ".join(map(str, names[:10])) + (", …" if names.size > 10 else "")
                    raise InputError(
                        f"reference group {reference!r} is not in the data (groups: {shown}; "
                        f"or use {', '.join(KEYWORDS)})",
                        column="group",
                    )
                ref_index = int(hits[0])
            ref_name = str(names[ref_index])
            ref_label = show.get(ref_name, ref_name)
            rx, rn = xs[:, [ref_index]], ns[:, [ref_index]]
            ref_x, ref_n = xs[:, ref_index], ns[:, ref_index]
            ref_rate = rates[:, ref_index]
            diff, diff_lo, diff_hi = compare.difference(xs, ns, rx, rn)
            ratio, ratio_lo, ratio_hi = compare.ratio(xs, ns, rx, rn)

    m = float(multiplier)
    unit = _unit(m)
    out = []
    for j, name in enumerate(names.tolist()):
        if j == ref_index:
            continue
        d = diff[:, j] * m
        have = np.flatnonzero(np.isfinite(d))
        small = np.zeros(n_p, dtype=bool)
        if min_denominator is not None:
            with np.errstate(invalid="ignore"):
                small = np.isfinite(d) & ((ns[:, j] < min_denominator) | (ref_n < min_denominator))
        chart = chart_type = None
        signal = False
        note = ""
        first = last = math.nan
        direction = "unknown"
        if have.size >= 2:
            k = min(3, have.size // 2)
            first, last = float(d[have[:k]].mean()), float(d[have[-k:]].mean())
            chart_type = "i" if have.size >= MIN_POINTS_I_CHART else "run"
            toward_zero = "decrease" if np.nanmean(d) > 0 else "increase"
            options = {"chart": chart_type, "x": period_values, "rules": "anhoej"}
            series = np.where(np.isfinite(d), d, np.nan)
            chart = spc.chart(series, improvement=toward_zero, **options)
            if small.any():
                full = chart
                chart = spc.chart(
                    series,
                    improvement=toward_zero,
                    untested=np.flatnonzero(small) + 1,
                    **options,
                )
                note = small_signal_note(full, chart, small, min_denominator)
            signal = bool(chart.signal)
            a, b = round(abs(first), 1), round(abs(last), 1)
            direction = "narrowed" if b < a else "widened" if b > a else "unchanged"
        label = show.get(name, name)
        out.append(
            GroupGap(
                group=name,
                label=label,
                rate=readonly(rates[:, j].copy()),
                reference_rate=readonly(np.array(ref_rate, dtype=float)),
                difference=readonly(d),
                diff_ci_low=readonly(diff_lo[:, j] * m),
                diff_ci_high=readonly(diff_hi[:, j] * m),
                ratio=readonly(ratio[:, j].copy()),
                ratio_ci_low=readonly(ratio_lo[:, j].copy()),
                ratio_ci_high=readonly(ratio_hi[:, j].copy()),
                chart=chart,
                chart_type=chart_type,
                signal=signal,
                closing=signal and direction == "narrowed",
                direction=direction,
                first_gap=first,
                last_gap=last,
                summary=" ".join(
                    filter(
                        None,
                        (
                            _summary(
                                label,
                                ref_label,
                                overall,
                                first,
                                last,
                                direction,
                                signal,
                                chart_type,
                                unit,
                            ),
                            note,
                        ),
                    )
                ),  # fmt: skip
                trend=gap_trend(
                    d,
                    diff_lo[:, j] * m,
                    diff_hi[:, j] * m,
                    horizons=horizons,
                    unit=unit,
                    period_name=period_name,
                    current_gap=last,
                ),
                numerator=readonly(xs[:, j].copy()),
                denominator=readonly(ns[:, j].copy()),
                small=readonly(small),
                small_note=note,
            )
        )
    return GapAnalysis(
        periods=readonly(period_values.copy()),
        reference=ref_name,
        reference_label=ref_label,
        reference_rate=readonly(np.array(ref_rate, dtype=float)),
        improvement=improvement,
        multiplier=m,
        groups=tuple(out),
        reference_numerator=readonly(np.array(ref_x, dtype=float)),
        reference_denominator=readonly(np.array(ref_n, dtype=float)),
        min_denominator=min_denominator,
    )

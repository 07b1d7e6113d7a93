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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from equitystats import compare, spc
from equitystats._arrays import first_appearance, readonly, vector, within_denominators
from equitystats.errors import InputError

__all__ = [
    "GapAnalysis",
    "GroupGap",
    "KEYWORDS",
    "MIN_POINTS_I_CHART",
    "gap_series",
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
    data, k = min(3, n // 2).
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


@dataclass(frozen=True, eq=False)
class GapAnalysis:
    """Output of :func:`gap_series`: one :class:`GroupGap` per compared group.

    ``reference`` is ``"overall"`` or the reference group's name (resolved for ``best`` and
    ``largest``); ``reference_rate`` its rate per period (a proportion, unscaled).
    ``groups`` are in order of first appearance, without the reference group.
    """

    periods: np.ndarray
    reference: str
    reference_label: str
    reference_rate: np.ndarray
    improvement: str
    multiplier: float
    groups: tuple[GroupGap, ...]

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
    return vector(
        values,
        what,
        size=size,
        column=what,
        not_1d="{what} must be a sequence of {size} numbers (one per row)",
        not_finite="{value!r} is not a finite number",
        out_of_range="{value:g} is negative",
    )


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
) -> GapAnalysis:
    """Gap of every group against a reference, per period, with intervals and an SPC verdict.

    Input is long form, one row per (period, group): ``numerators`` events out of
    ``denominators``. Periods are sorted (numbers numerically, text such as ``2024-03``
    lexically); a (period, group) without a row has no gap that period. ``labels`` maps
    group names to display names for the summaries. See the module docstring for the
    formulas, the references and the chart rules.

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
        chart = chart_type = None
        signal = False
        first = last = math.nan
        direction = "unknown"
        if have.size >= 2:
            k = min(3, have.size // 2)
            first, last = float(d[have[:k]].mean()), float(d[have[-k:]].mean())
            chart_type = "i" if have.size >= MIN_POINTS_I_CHART else "run"
            toward_zero = "decrease" if np.nanmean(d) > 0 else "increase"
            chart = spc.chart(
                np.where(np.isfinite(d), d, np.nan),
                chart=chart_type,
                x=period_values,
                rules="anhoej",
                improvement=toward_zero,
            )
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
                summary=_summary(
                    label, ref_label, overall, first, last, direction, signal, chart_type, unit
                ),
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
    )

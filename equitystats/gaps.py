"""Equity gaps over time: each group against a reference, with intervals and an SPC verdict.

For a measure that is a proportion (numerator / denominator per period and group), the gap
of group g in period t against a reference r is

* the absolute gap d = (p_g − p_r) × ``multiplier`` (percentage points with 100), with the
  95 % hybrid score interval of Newcombe R.G. 1998, "Interval estimation for the difference
  between independent proportions: comparison of eleven methods", Stat Med 17:873-890,
  method 10: with Wilson score limits (l_i, u_i) of each proportion (Wilson E.B. 1927,
  JASA 22:209; Newcombe 1998 method 3, no continuity correction),
  δ = p_g − p_r − √((p_g − l_g)² + (u_r − p_r)²), ε = p_g − p_r + √((u_g − p_g)² + (p_r − l_r)²);
* the relative gap R = p_g / p_r, with the 95 % log interval of Katz D., Baptista J., Azen
  S.P., Pike M.C. 1978, "Obtaining confidence intervals for the risk ratio in cohort
  studies", Biometrics 34:469-474: exp(ln R ± z·√(1/x_g − 1/n_g + 1/x_r − 1/n_r)). It is
  undefined (NaN) when either numerator is 0; no continuity correction is added.

References (``reference=``): a group's name (keywords take precedence over a group with
the same name); ``"best"`` — the group with the best pooled rate Σx/Σn over the whole series
(highest with ``improvement="increase"``, lowest with ``"decrease"``); ``"largest"`` — the
group with the largest total denominator; ``"overall"`` — the rate of all groups together
in that period. Against a group the two samples are independent and the formulas apply
as written. Against the overall rate they do not: the group is part of the overall. With
w = n_g / N the group's share, p_all = w·p_g + (1 − w)·p_rest, so exactly

    p_g − p_all = (1 − w)·(p_g − p_rest)   and   p_g / p_all = R / (w·R + 1 − w), R = p_g / p_rest,

both increasing functions of the group-versus-rest-of-population comparison, whose samples
are independent. The reported gap is against the overall rate (what readers expect); its
intervals are the Newcombe and Katz intervals for group versus the rest of the population,
carried through these exact transformations (w is fixed by the denominators).

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

from equitystats import spc
from equitystats._arrays import first_appearance, readonly, vector, within_denominators
from equitystats.errors import InputError
from equitystats.intervals import Z95, wilson_score

__all__ = [
    "GapAnalysis",
    "GroupGap",
    "KEYWORDS",
    "MIN_POINTS_I_CHART",
    "gap_series",
    "katz_ratio",
    "newcombe_difference",
    "wilson",
]

#: Reference keywords.
KEYWORDS = ("overall", "best", "largest")
#: Fewest periods with data for an individuals chart; fewer get a run chart.
MIN_POINTS_I_CHART = 12


# --------------------------------------------------------------------------------------
# intervals (vectorised)


def wilson(x: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for x / n without continuity correction (Wilson 1927;
    Newcombe 1998 method 3): (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²)). NaN for n = 0.
    The limits of :func:`equitystats.intervals.wilson_score`."""
    _, low, high = wilson_score(x, n, z)
    return low, high


def newcombe_difference(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray, z: float = Z95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p1 − p2 with Newcombe's (1998) method 10 hybrid score interval; returns
    (difference, low, high), NaN where a denominator is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = np.asarray(x1, dtype=float) / np.asarray(n1, dtype=float)
        p2 = np.asarray(x2, dtype=float) / np.asarray(n2, dtype=float)
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high


def katz_ratio(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray, z: float = Z95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p1 / p2 with the Katz et al. (1978) log interval; returns (ratio, low, high).

    SE(ln R) = √(1/x1 − 1/n1 + 1/x2 − 1/n2); the interval is NaN when x1 or x2 is 0 (and
    the ratio is NaN when p2 is 0)."""
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
        ratio = np.where(p2 > 0, p1 / p2, np.nan)
        se = np.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        ok = (x1 > 0) & (x2 > 0) & (n1 > 0) & (n2 > 0)
        low = np.where(ok, ratio * np.exp(-z * se), np.nan)
        high = np.where(ok, ratio * np.exp(z * se), np.nan)
    return ratio, low, high


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
            rest_x, rest_n = tot_x[:, None] - xs, tot_n[:, None] - ns
            w = ns / tot_n[:, None]
            _, lo_rest, hi_rest = newcombe_difference(xs, ns, rest_x, rest_n)
            _, rlo_rest, rhi_rest = katz_ratio(xs, ns, rest_x, rest_n)
            diff_lo, diff_hi = (1 - w) * lo_rest, (1 - w) * hi_rest
            # p_g − p_all, identical to (1 − w)·(p_g − p_rest); undefined without a rest
            diff = np.where(rest_n > 0, rates - ref_rate[:, None], np.nan)

            def _to_overall(r: np.ndarray) -> np.ndarray:
                return r / (w * r + 1 - w)

            ratio = np.where(
                (ref_rate[:, None] > 0) & (rest_n > 0), rates / ref_rate[:, None], np.nan
            )
            ratio_lo, ratio_hi = _to_overall(rlo_rest), _to_overall(rhi_rest)
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
            diff, diff_lo, diff_hi = newcombe_difference(xs, ns, rx, rn)
            ratio, ratio_lo, ratio_hi = katz_ratio(xs, ns, rx, rn)

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

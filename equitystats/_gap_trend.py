"""The trend test of a gap series and the note on small-denominator signals, for
:mod:`equitystats.gaps` (which re-exports :func:`gap_trend`, :func:`detectable_narrowing`,
:func:`small_signal_note` and :class:`GapTrend`). The formulas and their sources are in
``gaps``' module docstring: weighted least squares with the variances the score intervals
imply, and the minimum detectable narrowing of a two-sided z-test (Chow, Shao & Wang 2008,
§3.1.1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from equitystats import spc
from equitystats.intervals import Z95

#: Fewest periods with data for the trend test (a slope and its error need three points).
MIN_POINTS_TREND = 3
#: Power of the minimum detectable narrowing.
POWER = 0.8


@dataclass(frozen=True)
class GapTrend:
    """The trend test of one gap series (module docstring), on the gap's scale.

    ``slope`` is the change of the gap per period with its interval (``ci_low``, ``ci_high``,
    at the confidence of the score intervals); ``verdict`` is ``"narrowing"``, ``"widening"``
    or ``"no clear trend"``; ``periods`` the periods with data; ``detectable`` pairs each
    horizon h (periods ahead) with the minimum detectable narrowing over it (NaN when h < 2);
    ``summary`` says all of it in two plain sentences.

    >>> d = np.array([10.0, 9, 8, 7, 6, 5])
    >>> t = gap_trend(d, d - 2, d + 2, unit=" points", period_name="month")
    >>> t.verdict, round(t.slope, 2), t.periods
    ('narrowing', -1.0, 6)
    >>> [(h, round(a, 2)) for h, a in t.detectable]
    [(6, 3.42), (12, 2.63)]
    """

    slope: float
    ci_low: float
    ci_high: float
    verdict: str
    periods: int
    detectable: tuple[tuple[int, float], ...]
    summary: str


def _variances(low: np.ndarray, high: np.ndarray, z: float) -> np.ndarray:
    """v = ((U − L) / (2z))², the variance a score interval implies (module docstring)."""
    return ((np.asarray(high, dtype=float) - np.asarray(low, dtype=float)) / (2 * z)) ** 2


def detectable_narrowing(
    variance: float, horizon: int, *, z: float = Z95, power: float = POWER
) -> float:
    """The steady narrowing over ``horizon`` periods, each measured with ``variance``, that the
    trend test detects with probability ``power`` (module docstring); NaN when horizon < 2.

    >>> round(detectable_narrowing(1.0, 12), 3)
    2.577
    >>> detectable_narrowing(1.0, 1)
    nan
    """
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
    narrowing is larger than the whole gap.

    >>> d = np.array([10.0, 9, 8, 7, 6, 5])
    >>> print(gap_trend(d, d - 2, d + 2, unit=" points", period_name="month").summary)
    The trend test finds the gap narrowing by 1.0 points a month over 6 months (95 % interval
    0.5 to 1.5 points a month). With about as many patients as now, a steady narrowing of at
    least 3.4 points over the next 6 months or 2.6 points over the next 12 months would be told
    from chance 80 % of the time.
    >>> gap_trend(d[:2], d[:2] - 2, d[:2] + 2) is None
    True
    """
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
    Empty when there is none. Rule words follow qicharts2 and the IHI rules.

    >>> y = [5.0, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 30]
    >>> full = spc.chart(y, chart="i")
    >>> honest = spc.chart(y, chart="i", untested=[12])
    >>> small = np.arange(12) == 11
    >>> print(small_signal_note(full, honest, small, 20))
    Not counted as a signal: a point outside the limits with fewer than 20 patients; a run of 11
    points on one side of the centre line (found only when the point with fewer than 20 patients
    is counted). Points with fewer than 20 patients swing too much to read a signal from, so the
    chart rules leave them out.
    """
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

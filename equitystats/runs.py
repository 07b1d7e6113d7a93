"""Rules that find non-random variation in run charts and control charts.

Every function works on a 2-D array, one series per row, so the same code serves one chart
(a 1 × T array) and thousands of series at once (:func:`equitystats.spc.p_chart_many`). The
series given here are *dense*: the caller has already removed excluded and missing points, so
"consecutive" means consecutive in the array. No Python loop runs per series or per point.

Rule sets
---------
``anhoej``
    Anhøj & Olesen (2014), "Run charts revisited: a simulation study of run chart rules for
    detection of non-random variation in health care processes", PLoS ONE 9:e113825, and
    Anhøj (2015), "Diagnostic value of run chart analysis", PLoS ONE 10:e0121349. Only useful
    observations count (points not on the centre line). With ``n`` useful observations a
    series signals when its longest run (points in a row on the same side of the centre line)
    is longer than ``round(log2(n)) + 3`` (Schilling 2012) or its number of crossings of the
    centre line is below the 5th percentile of Binomial(n − 1, 0.5) (Chen 2010), i.e.
    ``qbinom(0.05, n - 1, 0.5)`` in R. These are the qicharts2 0.8.1 definitions.
``ihi``
    Perla, Provost & Murray (2011), "The run chart: a simple analytical tool for learning from
    variation in healthcare processes", BMJ Qual Saf 20:46–51, and Provost & Murray, *The
    Health Care Data Guide* (2011), ch. 3:

    * **shift** — six or more consecutive points all above or all below the centre line;
      points on the centre line neither add to nor break a shift and are not marked;
    * **trend** — five or more consecutive points all going up or all going down; like
      (repeated) values neither add to nor break a trend (a run of like values inside a
      trend is marked as part of it; like values before the first change are not);
    * **too few / too many runs** — the number of runs (crossings + 1) of the useful
      observations is outside the central 95 % of the exact distribution of the number of
      runs (Swed & Eisenhart 1943, Ann Math Stat 14:66–87), 2.5 % in each tail, with
      ``n1 = floor(n / 2)`` and ``n2 = n − n1`` points on the two sides. This is the
      construction of Perla et al.'s Table 1; our values equal the table in
      ``ihi_runs_limits_swed_eisenhart.csv`` exactly for n = 10–60 (printed tables differ by
      ±1 at a few n). The rule is applied from n = 10 useful observations upward (Perla's
      table starts at 10) and, being exact, for any larger n.
    * The fourth IHI rule (an "astronomical" data point) is a judgement call and is not
      implemented; use the Shewhart rule on a control chart instead.
``nhs``
    NHS England / NHS Improvement, *Making Data Count* (2019), "plot the dots" rules, as
    NHSRplotthedots 0.2.2 implements them: a point is special cause if it is outside the
    process limits; part of 7 consecutive points strictly increasing or strictly decreasing
    (ties break a trend); part of 7 consecutive points on the same side of the mean (points
    on the mean break the run); or one of at least 2 out of 3 consecutive points beyond
    2 sigma (between the 2-sigma and 3-sigma lines) with all three on the same side of the
    mean — only the points beyond 2 sigma are marked, and points outside the process limits
    do not count as "close to the limits". The special-cause type takes the first match in
    that order (outside limits, trend, 2 of 3, 7 on one side) and the point type follows the
    improvement direction.
``shewhart``
    Shewhart's 3-sigma rule: a point above the upper or below the lower control limit
    (Montgomery, *Introduction to Statistical Quality Control*, 7th ed., §5.3.6 and ch. 6–7).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb

import numpy as np
from scipy.special import gammaln
from scipy.stats import binom

SPECIAL_CAUSE_TYPES: tuple[str, ...] = (
    "Common Cause",
    "Above UCL",
    "Below LCL",
    "7 Point Trend (Increasing)",
    "7 Point Trend (Decreasing)",
    "2 in 3 Above CL",
    "2 in 3 Below CL",
    "7 Points Above CL",
    "7 Points Below CL",
)
"""Labels of the NHS special-cause types, indexed by the codes in :class:`NhsResult`
(NHSRplotthedots 0.2.2 ``special_cause_type``)."""

POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
"""Labels of the NHS point types, indexed by the codes in :class:`NhsResult`."""

IMPROVEMENT_DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}

#: Shortest runs that signal under each rule set (in points).
IHI_SHIFT = 6
IHI_TREND = 5
IHI_MIN_RUNS_N = 10
NHS_RUN = 7
NHS_TREND = 7
#: Above this many useful observations the runs distribution is evaluated in floating point.
EXACT_RUNS_MAX_N = 1000


# --------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------


def longest_run_max(n_useful: np.ndarray | int) -> np.ndarray:
    """Anhøj's upper limit for the longest run: ``round(log2(n)) + 3`` (NaN for n = 0).

    Anhøj & Olesen (2014), PLoS ONE 9:e113825, after Schilling (2012). ``round`` halves to
    even as R does; log2 of an integer is never exactly k + 0.5, so this never matters.

    >>> longest_run_max(np.array([0, 10, 24])).tolist()
    [nan, 6.0, 8.0]
    """
    n = np.asarray(n_useful, dtype=float)
    with np.errstate(divide="ignore"):
        out = np.round(np.log2(n)) + 3
    return np.where(n > 0, out, np.nan)


def crossings_min(n_useful: np.ndarray | int) -> np.ndarray:
    """Anhøj's lower limit for the number of crossings: the 5th percentile of
    Binomial(n − 1, 0.5), R's ``qbinom(0.05, n - 1, 0.5)`` (Chen 2010; Anhøj & Olesen 2014).

    NaN for n = 0.

    >>> crossings_min(np.array([10, 24])).tolist()
    [2.0, 8.0]
    """
    n = np.asarray(n_useful, dtype=np.int64)
    uniq, inv = np.unique(n, return_inverse=True)
    table = binom.ppf(0.05, np.maximum(uniq - 1, 0), 0.5)
    return np.where(n > 0, table[inv].reshape(n.shape), np.nan)


def runs_distribution(n1: int, n2: int) -> dict[int, int]:
    """Exact distribution of the number of runs R in a random arrangement of ``n1`` and ``n2``
    objects of two kinds, as counts of arrangements (divide by ``comb(n1 + n2, n1)``).

    Swed & Eisenhart (1943), Ann Math Stat 14:66, eq. (1):
    ``P(R = 2k) = 2 C(n1−1, k−1) C(n2−1, k−1) / C(n1+n2, n1)`` and
    ``P(R = 2k+1) = [C(n1−1, k) C(n2−1, k−1) + C(n1−1, k−1) C(n2−1, k)] / C(n1+n2, n1)``.

    >>> runs_distribution(2, 2)
    {2: 2, 3: 2, 4: 2}
    """
    if n1 == 0 or n2 == 0:
        return {1: 1} if n1 + n2 else {}
    out: dict[int, int] = {}
    for r in range(2, n1 + n2 + 1):
        k = r // 2
        if r % 2 == 0:
            c = 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1)
        else:
            c = comb(n1 - 1, k) * comb(n2 - 1, k - 1) + comb(n1 - 1, k - 1) * comb(n2 - 1, k)
        if c:
            out[r] = c
    return out


@lru_cache(maxsize=4096)
def ihi_runs_limit(n: int) -> tuple[int, int]:
    """IHI limits on the number of runs for ``n`` useful observations.

    Returns ``(too_few_if_le, too_many_if_ge)``: too few runs when ``runs <= too_few_if_le``,
    the largest r with P(R ≤ r) ≤ 0.025; too many when ``runs >= too_many_if_ge``, the
    smallest r with P(R ≥ r) ≤ 0.025. R follows the exact runs distribution (Swed &
    Eisenhart 1943) with ``n1 = n // 2``, ``n2 = n - n1``, the construction behind Perla,
    Provost & Murray (2011), BMJ Qual Saf 20:46, Table 1. Exact integer arithmetic, so the
    tail comparisons have no rounding (above :data:`EXACT_RUNS_MAX_N`, log-gamma in double
    precision). For n < 10 the rule does not apply: ``(0, n + 2)``.

    >>> ihi_runs_limit(20)
    (6, 16)
    >>> ihi_runs_limit(8)
    (0, 10)
    """
    if n < IHI_MIN_RUNS_N:
        return 0, n + 2
    n1 = n // 2
    if n > EXACT_RUNS_MAX_N:
        return _runs_limit_float(n1, n - n1)
    dist = runs_distribution(n1, n - n1)
    total = comb(n, n1)
    # 0.025 = 1/40: P <= 0.025  <=>  40 * count <= total.
    low, cum = 0, 0
    for r in sorted(dist):
        cum += dist[r]
        if 40 * cum <= total:
            low = r
        else:
            break
    high, cum = n + 2, 0
    for r in sorted(dist, reverse=True):
        cum += dist[r]
        if 40 * cum <= total:
            high = r
        else:
            break
    return low, high


def _runs_limit_float(n1: int, n2: int) -> tuple[int, int]:
    """:func:`ihi_runs_limit` for large n: the same Swed–Eisenhart probabilities, from
    log-gamma in double precision (exact integers grow too large to be quick)."""
    k = np.arange(1, min(n1, n2) + 2, dtype=float)

    def log_comb(a: float, b: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            out = gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)
        return np.where((b >= 0) & (b <= a), out, -np.inf)

    log_total = float(gammaln(n1 + n2 + 1) - gammaln(n1 + 1) - gammaln(n2 + 1))
    even = np.log(2) + log_comb(n1 - 1, k - 1) + log_comb(n2 - 1, k - 1) - log_total
    odd = (
        np.logaddexp(
            log_comb(n1 - 1, k) + log_comb(n2 - 1, k - 1),
            log_comb(n1 - 1, k - 1) + log_comb(n2 - 1, k),
        )
        - log_total
    )
    r = np.concatenate([2 * k, 2 * k + 1]).astype(np.int64)
    prob = np.exp(np.concatenate([even, odd]))
    order = np.argsort(r)
    r, prob = r[order], prob[order]
    low_ok = np.flatnonzero(np.cumsum(prob) <= 0.025)
    high_ok = np.flatnonzero(np.cumsum(prob[::-1]) <= 0.025)
    low = int(r[low_ok[-1]]) if low_ok.size else 0
    high = int(r[::-1][high_ok[-1]]) if high_ok.size else int(r[-1]) + 1
    return low, high


def ihi_runs_limits(n_useful: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`ihi_runs_limit` (computed once per distinct n).

    >>> few, many = ihi_runs_limits(np.array([10, 20, 20]))
    >>> few.tolist(), many.tolist()
    ([2, 6, 6], [10, 16, 16])
    """
    n = np.asarray(n_useful, dtype=np.int64)
    uniq, inv = np.unique(n, return_inverse=True)
    pairs = np.array([ihi_runs_limit(int(k)) for k in uniq], dtype=np.int64).reshape(-1, 2)
    return pairs[inv, 0].reshape(n.shape), pairs[inv, 1].reshape(n.shape)


# --------------------------------------------------------------------------------------
# Runs of equal signs, vectorised
# --------------------------------------------------------------------------------------


def sign_of(values: np.ndarray) -> np.ndarray:
    """+1 / −1 / 0 as int8 (0 also for NaN), without a float ``np.sign`` round trip.

    >>> sign_of(np.array([2.0, -1.0, 0.0, np.nan])).tolist()
    [1, -1, 0, 0]
    """
    with np.errstate(invalid="ignore"):
        return (values > 0).view(np.int8) - (values < 0).view(np.int8)


def _diff_signs(y: np.ndarray) -> np.ndarray:
    """Sign of each step y[j+1] − y[j] along the rows (0 for ties and missing values)."""
    return sign_of(y[:, 1:] - y[:, :-1])


def _strict_fwd(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of equal non-zero signs where a zero ends a run: per element its position in its
    run (1, 2, …; 0 for zeros) and the run-start flags."""
    cols = s.shape[1]
    nz = s != 0
    start = nz.copy()
    if cols > 1:
        start[:, 1:] &= s[:, 1:] != s[:, :-1]
    dtype = np.int8 if cols < 126 else (np.int16 if cols < 32766 else np.int64)
    j = np.arange(1, cols + 1, dtype=dtype)
    last_start = np.maximum.accumulate(start.view(np.int8).astype(dtype, copy=False) * j, axis=1)
    fwd = (j - last_start + 1) * nz.view(np.int8).astype(dtype, copy=False)
    return fwd, start


def _strict_members(fwd: np.ndarray, length: int) -> np.ndarray:
    """Elements of runs at least ``length`` long, from :func:`_strict_fwd` positions.

    An element at position f < length of its run belongs to a long run exactly when the
    element ``length − f`` further on is at position ``length`` (then it is the same run).
    """
    member = fwd >= length
    cols = fwd.shape[1]
    for d in range(1, min(length, cols)):
        member[:, :-d] |= (fwd[:, :-d] == length - d) & (fwd[:, d:] == length)
    return member


class _Runs:
    """Runs of equal non-zero signs along each row (series × points).

    With ``skip_zeros`` a zero neither starts nor breaks a run (points on the centre line in
    the Anhøj and IHI rules, like values in the IHI trend rule); otherwise a zero ends the
    run (NHS rules). Rows without zeros take the strict computation in both modes; rows with
    zeros are compressed (zeros moved to the end, order kept) when zeros are skipped.
    """

    def __init__(self, signs: np.ndarray, *, skip_zeros: bool) -> None:
        s = np.asarray(signs, dtype=np.int8)
        self.signs = s
        self.counted = s != 0
        self.fwd, start = _strict_fwd(s)
        self.n_runs = start.sum(axis=1)
        self.longest = self.fwd.max(axis=1, initial=0).astype(np.int64)
        self._zero_rows = np.zeros(0, dtype=np.int64)
        if skip_zeros and s.shape[1]:
            self._zero_rows = np.flatnonzero(~self.counted.all(axis=1))
        if self._zero_rows.size:
            sub = s[self._zero_rows]
            order = np.argsort(sub == 0, axis=1, kind="stable")
            compressed = np.take_along_axis(sub, order, axis=1)
            self._cfwd, cstart = _strict_fwd(compressed)
            self.n_runs[self._zero_rows] = cstart.sum(axis=1)
            self.longest[self._zero_rows] = self._cfwd.max(axis=1, initial=0)
            # Position in the compressed row of the last non-zero at or before each element.
            self._last = np.cumsum(sub != 0, axis=1, dtype=np.int64) - 1

    def members(self, length: int, *, zeros: bool = False) -> np.ndarray:
        """Elements of runs of at least ``length`` non-zero signs. With ``zeros`` a skipped
        zero belongs to the run of the last non-zero before it; otherwise it never does."""
        member = _strict_members(self.fwd, length)
        if self._zero_rows.size:
            cm = _strict_members(self._cfwd, length)
            back = np.take_along_axis(cm, np.maximum(self._last, 0), axis=1)
            back &= self._last >= 0
            if not zeros:
                back &= self.counted[self._zero_rows]
            member[self._zero_rows] = back
        return member


def _mark_steps(steps: np.ndarray) -> np.ndarray:
    """Points at either end of a marked step (step j joins points j and j + 1)."""
    rows, cols = steps.shape
    out = np.zeros((rows, cols + 1), dtype=bool)
    out[:, :-1] |= steps
    out[:, 1:] |= steps
    return out


# --------------------------------------------------------------------------------------
# Rule sets
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnhoejResult:
    """Anhøj rules per series (1-D arrays, one value per row of the input).

    >>> r = anhoej(np.array([[1, 1, 1, 1, 1, 1, 1, 1, -1, -1]]))
    >>> r.longest_run.tolist(), r.longest_run_max.tolist(), r.signal.tolist()
    ([8.0], [6.0], [True])
    """

    n_useful: np.ndarray
    longest_run: np.ndarray  # float, NaN when n_useful = 0
    longest_run_max: np.ndarray
    crossings: np.ndarray
    crossings_min: np.ndarray
    signal: np.ndarray  # bool


def anhoej(signs: np.ndarray) -> AnhoejResult:
    """Anhøj rules from the signs of (value − centre line): +1 above, −1 below, 0 on the line.

    Zeros are not useful observations and are dropped (Anhøj & Olesen 2014; qicharts2 0.8.1
    ``runs.analysis``). Signal when ``longest_run > round(log2(n)) + 3`` or
    ``crossings < qbinom(0.05, n - 1, 0.5)``; never for n = 0.

    >>> signs = np.array([[1, -1, 1, -1, 1, -1, 1, -1, 1, -1], [1, 1, 1, 1, 1, 1, 1, 1, -1, -1]])
    >>> r = anhoej(signs)
    >>> r.n_useful.tolist(), r.longest_run.tolist(), r.crossings.tolist(), r.crossings_min.tolist()
    ([10, 10], [1.0, 8.0], [9.0, 1.0], [2.0, 2.0])
    >>> r.signal.tolist()
    [False, True]
    """
    return _anhoej(_Runs(np.atleast_2d(signs), skip_zeros=True))


def _anhoej(side: _Runs) -> AnhoejResult:
    n_useful = side.counted.sum(axis=1)
    has = n_useful > 0
    lr_max = longest_run_max(n_useful)
    cr_min = crossings_min(n_useful)
    longest = np.where(has, side.longest, np.nan)
    crossings = np.where(has, np.maximum(side.n_runs - 1, 0), np.nan)
    signal = has & ((longest > lr_max) | (crossings < cr_min))
    return AnhoejResult(n_useful, longest, lr_max, crossings, cr_min, signal)


@dataclass(frozen=True)
class IhiResult:
    """IHI run chart rules: per point ``shift`` and ``trend``; per series the rest.

    >>> y = np.array([[1.0, 2, 3, 4, 5, 6, 5, 4, 3, 2]])
    >>> r = ihi(y, sign_of(y - 3.5))
    >>> r.n_runs.tolist(), r.runs_too_few.tolist(), r.runs_too_many.tolist()
    ([3], [False], [False])
    """

    shift: np.ndarray
    trend: np.ndarray
    n_useful: np.ndarray
    n_runs: np.ndarray
    runs_too_few: np.ndarray
    runs_too_many: np.ndarray

    @property
    def signal(self) -> np.ndarray:
        return (
            self.shift.any(axis=1) | self.trend.any(axis=1) | self.runs_too_few | self.runs_too_many
        )


def ihi(y: np.ndarray, signs: np.ndarray) -> IhiResult:
    """IHI rules (Perla, Provost & Murray 2011; Provost & Murray 2011, ch. 3).

    ``y`` are the values (for the trend rule), ``signs`` their side of the centre line
    (+1, −1, 0 on the line). Shift: ≥ 6 useful points on one side, points on the line
    skipped. Trend: ≥ 5 points steadily up or down, like values skipped (ties neither add to
    nor break a trend). Runs: see :func:`ihi_runs_limit`.

    >>> y = np.array([[1.0, 2, 3, 4, 5, 6, 5, 4, 3, 2]])
    >>> r = ihi(y, sign_of(y - 3.5))
    >>> r.trend[0].astype(int).tolist()
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    >>> bool(r.shift[0].any())
    False
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    return _ihi(y, _Runs(np.atleast_2d(signs), skip_zeros=True))


def _ihi(y: np.ndarray, side: _Runs) -> IhiResult:
    shift = side.members(IHI_SHIFT)
    if y.shape[1] > 1:
        steps = _Runs(_diff_signs(y), skip_zeros=True)
        # k non-zero steps in a row join k + 1 distinct values.
        trend = _mark_steps(steps.members(IHI_TREND - 1, zeros=True))
    else:
        trend = np.zeros(y.shape, dtype=bool)
    n_useful = side.counted.sum(axis=1)
    too_few_le, too_many_ge = ihi_runs_limits(n_useful)
    applies = n_useful >= IHI_MIN_RUNS_N
    return IhiResult(
        shift,
        trend,
        n_useful,
        side.n_runs,
        applies & (side.n_runs <= too_few_le),
        applies & (side.n_runs >= too_many_ge),
    )


def shewhart(y: np.ndarray, lcl: np.ndarray, ucl: np.ndarray) -> np.ndarray:
    """Points outside the 3-sigma limits (Montgomery 7th ed., §5.3.6); missing → False.

    >>> shewhart(np.array([1.0, 5.0, np.nan]), np.array([0.0, 0, 0]), np.array([4.0, 4, 4])).tolist()
    [False, True, False]
    """
    with np.errstate(invalid="ignore"):
        return (np.asarray(y) > ucl) | (np.asarray(y) < lcl)


@dataclass(frozen=True)
class NhsResult:
    """NHS Making Data Count per point: int8 codes into :data:`SPECIAL_CAUSE_TYPES` and
    :data:`POINT_TYPES`.

    >>> r = nhs(np.array([[1.0, 2, 9]]), 2.0, 0.0, 4.0, 0.7, 3.3, improvement="increase")
    >>> r.special_cause_labels()[0].tolist()
    ['Common Cause', 'Common Cause', 'Above UCL']
    >>> r.point_type_labels()[0].tolist()
    ['common_cause', 'common_cause', 'special_cause_improvement']
    >>> r.special_cause[0].tolist()
    [False, False, True]
    """

    special_cause_type: np.ndarray
    point_type: np.ndarray

    @property
    def special_cause(self) -> np.ndarray:
        return self.special_cause_type != 0

    def special_cause_labels(self) -> np.ndarray:
        return np.asarray(SPECIAL_CAUSE_TYPES, dtype=object)[self.special_cause_type]

    def point_type_labels(self) -> np.ndarray:
        return np.asarray(POINT_TYPES, dtype=object)[self.point_type]


def nhs(
    y: np.ndarray,
    cl: np.ndarray,
    lcl: np.ndarray,
    ucl: np.ndarray,
    lcl2: np.ndarray,
    ucl2: np.ndarray,
    *,
    improvement: str = "neutral",
    patterns: bool = True,
) -> NhsResult:
    """NHS "Making Data Count" (2019) special-cause rules, as NHSRplotthedots 0.2.2.

    ``lcl``/``ucl`` are the process limits and ``lcl2``/``ucl2`` the 2-sigma lines (for an
    XmR chart mean ± 2.66 × MR̄ and mean ± (2/3)·2.66 × MR̄). Arrays broadcast against ``y``
    (series × points). ``patterns=False`` keeps only the outside-limits rule (used for
    moving-range charts, whose points are autocorrelated).

    >>> r = nhs(np.array([[1.0, 2, -5]]), 2.0, 0.0, 4.0, 0.7, 3.3, improvement="increase")
    >>> r.special_cause_labels()[0].tolist()
    ['Common Cause', 'Common Cause', 'Below LCL']
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    with np.errstate(invalid="ignore"):
        rtm = sign_of(y - cl)
    return _nhs(y, rtm, lcl, ucl, lcl2, ucl2, _direction(improvement), patterns, None)


def _nhs(
    y: np.ndarray,
    rtm: np.ndarray,
    lcl: np.ndarray,
    ucl: np.ndarray,
    lcl2: np.ndarray,
    ucl2: np.ndarray,
    direction: int,
    patterns: bool,
    side: _Runs | None,
) -> NhsResult:
    rows, cols = y.shape
    with np.errstate(invalid="ignore"):
        outside = (y > ucl) | (y < lcl)
        close = ~outside & ((y < lcl2) | (y > ucl2))
    below = (rtm <= 0).view(np.int8)
    # Codes (SPECIAL_CAUSE_TYPES) built with int8 arithmetic; the first matching rule wins,
    # in NHSRplotthedots' order: outside limits, trend, 2 of 3, 7 on one side.
    code = outside.view(np.int8) * ((rtm != 1).view(np.int8) + np.int8(1))
    if patterns and cols:
        taken = outside.copy()
        # 7 points strictly increasing or decreasing; a tie ends the trend.
        if cols > 1:
            sdy = _diff_signs(y)
            steps = _Runs(sdy, skip_zeros=False)
            trend = _mark_steps(steps.members(NHS_TREND - 1)) & ~taken
            # Direction: the step to the right when the next point is also in a trend,
            # otherwise the step from the left (NHSRplotthedots ptd_special_cause_type).
            dirn = np.zeros((rows, cols), dtype=np.int8)
            dirn[:, 1:] = sdy
            use_right = trend[:, :-1] & trend[:, 1:]
            np.copyto(dirn[:, :-1], sdy, where=use_right)
            code += trend.view(np.int8) * ((dirn != 1).view(np.int8) + np.int8(3))
            taken |= trend
        # 2 of 3 beyond 2 sigma, all three on the same side of the mean; mark close points.
        if cols >= 3:
            c = close.view(np.int8)
            window = (c[:, :-2] + c[:, 1:-1] + c[:, 2:] >= 2) & (
                np.abs(rtm[:, :-2] + rtm[:, 1:-1] + rtm[:, 2:]) == 3
            )
            hit = np.zeros((rows, cols), dtype=bool)
            for k in range(3):  # the window starting at i − k covers point i
                hit[:, k : k + cols - 2] |= window
            two = close & hit & ~taken
            code += two.view(np.int8) * (below + np.int8(5))
            taken |= two
        # 7 points on one side of the mean; a point on the mean ends the run. Runs that
        # skip zeros are the same runs when there are no zeros, so reuse them then.
        if side is None or side._zero_rows.size:
            side = _Runs(rtm, skip_zeros=False)
        seven = side.members(NHS_RUN) & ~taken
        code += seven.view(np.int8) * (below + np.int8(7))
    # Point types: odd codes are high (above / increasing), even non-zero codes low.
    high = (code & 1).view(bool)
    low = (code != 0) & ~high
    if direction == 0:
        point = high.view(np.int8) * np.int8(3) + low.view(np.int8) * np.int8(4)
    elif direction > 0:
        point = high.view(np.int8) + low.view(np.int8) * np.int8(2)
    else:
        point = high.view(np.int8) * np.int8(2) + low.view(np.int8)
    return NhsResult(code, point)


def _direction(improvement: str) -> int:
    try:
        return IMPROVEMENT_DIRECTIONS[improvement]
    except KeyError:
        raise ValueError(
            f"improvement must be one of {', '.join(IMPROVEMENT_DIRECTIONS)}, not {improvement!r}"
        ) from None

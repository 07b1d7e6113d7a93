"""Run charts and Shewhart control charts, computed as qicharts2 0.8.1 (Anhøj, R) does.

Chart types and formulas (Montgomery, *Introduction to Statistical Quality Control*, 7th ed.,
"Montgomery" below; equation numbers are his):

``run``
    Centre line = median of the calculation points; no limits.
``i``
    Individuals chart. CL = mean; σ̂ = MR̄ / d2 with d2 = 1.128 (Montgomery §6.4, eq. 6.33),
    limits CL ± 3σ̂. MR̄ is the mean moving range of consecutive calculation points; with
    ``screen_mr`` (default) moving ranges ≥ 3.267 × MR̄ (the upper limit of the MR chart,
    D4 = 3.267) are dropped and MR̄ recomputed before estimating σ̂ (Nelson 1982, J Qual
    Technol 14:172; Provost & Murray, *The Health Care Data Guide*, 2011, p. 156).
    With ``rules="nhs"`` the limits are mean ± 2.66 × MR̄, the NHS "Making Data Count"
    (2019) constant (2.66 ≈ 3/1.128), as NHSRplotthedots 0.2.2 computes them.
``mr``
    Moving range chart: points |x_i − x_{i−1}| (first point of each part missing), CL = MR̄,
    LCL = 0, UCL = D4·MR̄ = 3.267·MR̄ (Montgomery §6.4; D4 for n = 2, Appendix Table VI). Runs rules are not applied
    (moving ranges are autocorrelated; as qicharts2).
``xbar``
    Subgroup means. CL = x̿ weighted by subgroup size (Montgomery eq. 6.30). Constant
    subgroup size: s̄ = mean subgroup SD, limits x̿ ± A3·s̄ (eq. 6.29); varying size: s̄ is
    the pooled SD √(Σ(n_i−1)s_i² / Σ(n_i−1)) and limits x̿ ± A3(n_i)·s̄ (eq. 6.31 and §6.3.2).
    A3 = 3 / (c4 √n), with exact c4 = √(2/(n−1)) Γ(n/2) / Γ((n−1)/2) (Montgomery Appendix
    Table VI; qicharts2 ≥ 0.5.1 uses the exact constants).
``s``
    Subgroup standard deviations. CL = s̄ (mean SD, eq. 6.29, or pooled SD when sizes vary,
    eq. 6.31), limits B3·s̄, B4·s̄ with B3 = max(0, 1 − 3c5/c4), B4 = 1 + 3c5/c4,
    c5 = √(1 − c4²) (Montgomery §6.3.1–6.3.2).
``c``
    Counts. CL = c̄, limits c̄ ± 3√c̄, LCL floored at 0 (Montgomery §7.3.1, eq. 7.17).
``u``
    Rates y/n. CL = ū = Σy/Σn, limits ū ± 3√(ū/n_i), LCL floored at 0 (Montgomery §7.3.2,
    eq. 7.19).
``p``
    Proportions y/n. CL = p̄ = Σy/Σn, limits p̄ ± 3√(p̄(1−p̄)/n_i), clipped to [0, 1]
    (Montgomery §7.2.1, and §7.2.2 for varying n).
``up``, ``pp``
    Laney's u′ and p′ charts (Laney 2002, Quality Engineering 14:531): the u or p chart's
    σ_i is multiplied by σ_z = MR̄(z) / 1.128, the screened average moving range of the
    z-scores z_i = (y_i − CL) / σ_i of the calculation points. (Moving-range method always;
    qicharts2's funnel-plot variant for categorical x is not used.)

Options (qicharts2 meanings)
----------------------------
``freeze`` — only the first K points (subgroups) are used for centre line and limits
(ignored when ``part`` is given, as in qicharts2). ``part`` — 1-based positions of the last
point of each part before a break; each part gets its own centre line, limits and runs
analysis. ``exclude`` — 1-based positions left out of the calculations and of the runs
analysis (Anhøj, IHI, NHS patterns) but still plotted and tested against the limits.
``untested`` (not in qicharts2; off unless asked for) — 1-based positions of points that are
plotted but take part in nothing: left out of the centre line, the limits, the runs analysis
and the IHI and NHS pattern rules (as ``exclude`` leaves them out) and, unlike ``exclude``,
never flagged outside the limits. It is meant for points too imprecise to read a signal from,
such as rates from a handful of patients (see :func:`chart`). ``multiply`` scales y, centre line and limits (e.g. 100 for percent, 1000 for rates per
1,000) after all calculations.

Subgroups: rows with the same ``x`` are one subgroup, in order of first appearance. For xbar
and s charts that is the point of the chart; for the others it reproduces qicharts2's
aggregation (run/i/mr: mean of y, or Σy/Σn when ``n`` is given; c: Σy; u/p: Σy/Σn).

Runs analysis (Anhøj & Olesen 2014, PLoS ONE 9:e113825; Anhøj 2015) uses the useful
observations of each part (included, not missing, not on the centre line); its statistics are
repeated on every point of the part. ``runs_signal`` is always the Anhøj result (as the
qicharts2 column ``runs.signal``); the IHI (Perla, Provost & Murray 2011, BMJ Qual Saf
20:46; Swed & Eisenhart 1943) and NHS Making Data Count (2019) rule sets add their own
columns; see :mod:`equitystats.runs`. ``sigma_signal`` marks points outside the limits
(Shewhart's 3-sigma rule).

Minimum data: every part must have at least :data:`MIN_POINTS` = 2 calculation points
(non-missing, included and, with ``freeze``, in the baseline) — the fewest that give a
moving range for i, mr, u′ and p′ charts and a centre line that is not one point; xbar and s
charts also need one calculation subgroup with at least two observations. Fewer raises
:class:`~equitystats.errors.InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from equitystats import runs as _runs
from equitystats._arrays import readonly
from equitystats._limits import (
    D2,
    D4,
    NHS_LIMIT,
    PROPORTION_CHARTS,
    SUBGROUP_CHARTS,
    _part_lines,
    c4,
)
from equitystats._spc_batch import BATCH_RULES, BatchResult, p_chart_many
from equitystats._subgroups import (
    COUNT_CHARTS,
    _float_array,
    _group,
    _Groups,
    _ihi_per_part,
    _nhs_per_part,
    _part_slices,
    _parts,
    _positions,
    _validate_counts,
)
from equitystats.errors import InputError

#: The public names; limits are computed in ``equitystats._limits``, many p charts at once
#: in ``equitystats._spc_batch``.
__all__ = [
    "BASE_COLUMNS",
    "BATCH_RULES",
    "BatchResult",
    "CHARTS",
    "COUNT_CHARTS",
    "ChartResult",
    "D2",
    "D4",
    "IHI_COLUMNS",
    "IMPROVEMENTS",
    "MIN_POINTS",
    "NHS_COLUMNS",
    "NHS_LIMIT",
    "PROPORTION_CHARTS",
    "RATIO_CHARTS",
    "RULES",
    "SUBGROUP_CHARTS",
    "c4",
    "chart",
    "p_chart_many",
]

CHARTS = ("run", "i", "mr", "xbar", "s", "c", "u", "up", "p", "pp")
RULES = ("anhoej", "ihi", "nhs")
IMPROVEMENTS = tuple(_runs.IMPROVEMENT_DIRECTIONS)
RATIO_CHARTS = ("u", "up", "p", "pp")
MIN_POINTS = 2

BASE_COLUMNS = (
    "x",
    "y",
    "cl",
    "lcl",
    "ucl",
    "part",
    "runs_signal",
    "sigma_signal",
    "longest_run",
    "longest_run_max",
    "crossings",
    "crossings_min",
)
IHI_COLUMNS = ("shift", "trend", "runs_too_few", "runs_too_many")
NHS_COLUMNS = ("special_cause", "point_type")


@dataclass(frozen=True, eq=False)
class ChartResult:
    """One run chart or control chart: numpy arrays with one element per plotted point.

    ``longest_run``/``longest_run_max``/``crossings``/``crossings_min`` are floats with NaN
    for "not defined" (a part without useful observations); ``lcl``/``ucl`` are NaN where a
    chart has no limit. Rule-set extras are ``None`` unless that rule set was chosen:
    ``shift``/``trend``/``runs_too_few``/``runs_too_many`` for ``rules="ihi"`` and
    ``special_cause``/``special_cause_type``/``point_type`` for ``rules="nhs"``.
    ``runs_signal`` and its statistics (``longest_run`` … ``crossings_min``, ``n_useful``)
    are always the Anhøj rules for the point's part, repeated on every point of the part
    (qicharts2's ``runs.signal``; always false on mr charts); ``sigma_signal`` marks points
    outside ``lcl``/``ucl``. ``tested`` is false at the ``untested`` positions (none by
    default), which take part in no rule. ``lcl_2sigma``/``ucl_2sigma`` are the 2-sigma lines (used by the
    NHS "2 of 3" rule). ``n`` is the denominator per point (or subgroup size for xbar/s).
    Arrays are read-only.

    >>> r = chart([12, 14, 11, 13, 15, 12, 13, 14, 12, 40], chart="i")
    >>> r.columns
    ('x', 'y', 'cl', 'lcl', 'ucl', 'part', 'runs_signal', 'sigma_signal', 'longest_run',
    'longest_run_max', 'crossings', 'crossings_min')
    >>> r.signal, r.sigma_signal.tolist()
    (True, [False, False, False, False, False, False, False, False, False, True])
    >>> r.to_rows()[9]["sigma_signal"]
    True
    """

    chart: str
    rules: str
    x: np.ndarray
    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    part: np.ndarray
    runs_signal: np.ndarray
    sigma_signal: np.ndarray
    longest_run: np.ndarray
    longest_run_max: np.ndarray
    crossings: np.ndarray
    crossings_min: np.ndarray
    n: np.ndarray | None = None
    baseline: np.ndarray | None = None
    included: np.ndarray | None = None
    n_useful: np.ndarray | None = None
    tested: np.ndarray | None = None
    lcl_2sigma: np.ndarray | None = None
    ucl_2sigma: np.ndarray | None = None
    shift: np.ndarray | None = None
    trend: np.ndarray | None = None
    runs_too_few: np.ndarray | None = None
    runs_too_many: np.ndarray | None = None
    special_cause: np.ndarray | None = None
    special_cause_type: np.ndarray | None = None
    point_type: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                readonly(value)

    def __len__(self) -> int:
        return len(self.y)

    @property
    def columns(self) -> tuple[str, ...]:
        """Output columns of :meth:`to_rows`, in order (the CLI's CSV header)."""
        extra = {"ihi": IHI_COLUMNS, "nhs": NHS_COLUMNS}.get(self.rules, ())
        return BASE_COLUMNS + extra

    @property
    def signal(self) -> bool:
        """Any signal in the last part under the chosen rule set.

        anhoej: Anhøj runs signal or a point outside the limits; ihi: a point outside the
        limits, a shift, a trend, too few or too many runs; nhs: any special-cause point.
        """
        last = self.part == self.part[-1] if len(self.part) else self.part.astype(bool)
        if self.rules == "nhs" and self.special_cause is not None:
            return bool(self.special_cause[last].any())
        hit = self.sigma_signal[last].any()
        if self.rules == "ihi" and self.shift is not None:
            hit = hit or bool(
                self.shift[last].any()
                or self.trend[last].any()
                or self.runs_too_few[last].any()
                or self.runs_too_many[last].any()
            )
        else:
            hit = hit or bool(self.runs_signal[last].any())
        return bool(hit)

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per plotted point with the CLI's columns; missing values are ``None``,
        counts are ``int``, flags ``bool``."""
        cols: dict[str, list[Any]] = {}
        for name in self.columns:
            a = getattr(self, name)
            if name in ("longest_run", "longest_run_max", "crossings", "crossings_min"):
                cols[name] = [None if math.isnan(v) else int(v) for v in a.tolist()]
            elif name in ("y", "cl", "lcl", "ucl"):
                cols[name] = [None if math.isnan(v) else v for v in a.tolist()]
            else:
                cols[name] = a.tolist()
        return [dict(zip(cols, vals, strict=True)) for vals in zip(*cols.values(), strict=True)]


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def chart(
    y: Sequence[float] | np.ndarray,
    *,
    chart: str = "run",
    n: Sequence[float] | np.ndarray | None = None,
    x: Sequence[Any] | np.ndarray | None = None,
    freeze: int | None = None,
    part: Sequence[int] | int | None = None,
    exclude: Sequence[int] | int | None = None,
    multiply: float = 1.0,
    screen_mr: bool = True,
    rules: str = "anhoej",
    improvement: str = "neutral",
    untested: Sequence[int] | int | None = None,
) -> ChartResult:
    """Compute a run chart or control chart as qicharts2 0.8.1 ``qic()`` does.

    Parameters
    ----------
    y
        Values (run, i, mr, xbar, s) or counts (c, u, up, p, pp); NaN = missing.
    chart
        One of ``run, i, mr, xbar, s, c, u, up, p, pp`` (see the module docstring).
    n
        Denominators (required for u, up, p, pp; with run/i/mr charts the plotted value is
        Σy/Σn per subgroup, as in qicharts2).
    x
        Subgroup labels; rows with equal x form one subgroup (order of first appearance).
        Default: 1, 2, …
    freeze
        Number of leading points (subgroups) used for centre line and limits; ignored when
        ``part`` is given (qicharts2).
    part
        1-based positions of the last point of each part before a break.
    exclude
        1-based positions left out of the calculations and runs analysis but still plotted
        and tested against the limits.
    multiply
        Positive factor applied to y, centre line and limits at the end (e.g. 100 for
        percent, 1000 for rates per 1,000).
    screen_mr
        Drop moving ranges ≥ 3.267 × MR̄ before estimating sigma (Nelson 1982); default on.
    rules
        ``anhoej`` (default), ``ihi`` or ``nhs``; Anhøj statistics are always computed.
    improvement
        ``increase``, ``decrease`` or ``neutral``: the direction of improvement for the NHS
        point types.
    untested
        1-based positions of points that are plotted but take part in nothing: they are left
        out of the centre line and limits, the runs analysis and the pattern rules (as
        ``exclude`` leaves them out) and never flagged outside the limits. A part left with
        fewer than :data:`MIN_POINTS` tested points draws its lines from every point and
        flags nothing. Default: none (qicharts2's behaviour). Why a caller would: the runs rules assume that a stable process puts each
        point above or below the centre line with probability ½, independently (Anhøj &
        Olesen 2014, the distributions of longest run and crossings they use), and the limits
        of a p chart rest on the normal approximation to the binomial (Montgomery §7.2.1). A
        rate from a handful of patients breaks both: from 3 patients at p̄ = 0.9 a rate is
        100 % (above the line) with probability 0.9³ = 0.73, so runs of such points form by
        chance, and the few values a small count can take make a point beyond the limits
        common or impossible depending on where they fall. They are left out of the lines
        too, because lines drawn through them would let them make the other points look
        unusual: signals are recomputed as if they were missing, which is qicharts2's
        ``exclude`` without the test against the limits.

    Raises
    ------
    InputError
        For a negative count, a numerator above its denominator (p, p′), a denominator ≤ 0,
        fewer than :data:`MIN_POINTS` calculation points in a part, or positions out of
        range. ``row`` is the 1-based position in ``y`` and ``column`` is ``"y"``, ``"n"``
        or ``"x"``.

    >>> r = chart([5, 6, 4, 7, 5, 6, 8, 5, 6, 7], n=[50] * 10, chart="p", multiply=100)
    >>> round(float(r.cl[0]), 2), round(float(r.ucl[0]), 2), round(float(r.lcl[0]), 2)
    (11.8, 25.49, 0.0)
    >>> bool(r.runs_signal.any()), bool(r.sigma_signal.any())
    (False, False)
    >>> run = chart([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    >>> float(run.cl[0]), float(run.longest_run[0]), float(run.longest_run_max[0]), run.signal
    (6.5, 6.0, 7.0, True)
    >>> chart([1, -2], chart="c")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 2, column "y": -2 is negative
    """
    _check_options(chart, rules, improvement, multiply)
    yv, nv = _inputs(y, n, chart, x)
    groups = _group(yv, nv, x)
    point_y = _points(groups, nv, chart)
    design = _design(groups.x.size, freeze, part, exclude, untested, point_y)
    out, stats = _analyse_parts(chart, groups, point_y, design, screen_mr, rules == "nhs")
    sigma = _scale(out, multiply) & design.tested
    extras: dict[str, Any] = {}
    if rules == "ihi":
        extras = _ihi_per_part(
            chart, out["y"], stats.signs, design.parts, design.included & design.tested
        )
    elif rules == "nhs":
        extras = _nhs_per_part(
            chart, out, design.parts, design.included, improvement, design.tested
        )
    return ChartResult(
        chart=chart,
        rules=rules,
        x=np.array(groups.x),
        y=out["y"],
        cl=out["cl"],
        lcl=out["lcl"],
        ucl=out["ucl"],
        part=design.parts,
        runs_signal=stats.runs_signal,
        sigma_signal=sigma,
        longest_run=stats.longest_run,
        longest_run_max=stats.longest_run_max,
        crossings=stats.crossings,
        crossings_min=stats.crossings_min,
        n=groups.n_sum if nv is not None else (groups.y_len if chart in SUBGROUP_CHARTS else None),
        baseline=design.baseline,
        included=design.included,
        n_useful=stats.n_useful,
        tested=design.tested,
        lcl_2sigma=out["lcl2"],
        ucl_2sigma=out["ucl2"],
        **extras,
    )


def _check_options(chart: str, rules: str, improvement: str, multiply: float) -> None:
    """Step 1 of :func:`chart`: the chart type, rule set, direction and factor are known."""
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {', '.join(CHARTS)}, not {chart!r}")
    if rules not in RULES:
        raise ValueError(f"rules must be one of {', '.join(RULES)}, not {rules!r}")
    _runs._direction(improvement)
    if not (math.isfinite(multiply) and multiply > 0):
        raise ValueError(f"multiply must be a positive number, not {multiply!r}")


def _inputs(
    y: Sequence[float] | np.ndarray,
    n: Sequence[float] | np.ndarray | None,
    chart: str,
    x: Sequence[Any] | np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Step 2: ``y`` and ``n`` as checked float arrays (``n`` dropped where qicharts2 ignores
    it; complete cases only when both are given)."""
    yv = _float_array(y, "y")
    if yv.size == 0:
        raise InputError("there are no data points", column="y")
    nv = None
    if n is not None:
        nv = _float_array(n, "n")
        if nv.size != yv.size:
            raise InputError(f"n has {nv.size} values but y has {yv.size}", column="n")
    elif chart in RATIO_CHARTS:
        raise InputError(f"{chart} charts need denominators (n)", column="n")
    if chart in SUBGROUP_CHARTS and x is None:
        raise InputError(f"{chart} charts need x to define the subgroups", column="x")
    if chart in ("c", "xbar", "s"):
        nv = None  # qicharts2 ignores n for these charts
    if nv is not None:
        # qicharts2: complete cases only.
        missing = np.isnan(yv) | np.isnan(nv)
        yv = np.where(missing, np.nan, yv)
        nv = np.where(missing, np.nan, nv)
    with np.errstate(invalid="ignore"):
        _validate_counts(chart, yv, nv)
    return yv, nv


def _points(groups: _Groups, nv: np.ndarray | None, chart: str) -> np.ndarray:
    """Step 3: the plotted value per subgroup (Σy/Σn with denominators, Σy for c charts,
    else the subgroup mean), as qicharts2 aggregates."""
    if nv is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            return groups.y_sum / groups.n_sum
    if chart == "c":
        return groups.y_sum
    return groups.y_mean


@dataclass
class _Design:
    """Which points do what: part number, baseline (``freeze``), included (not
    ``exclude``d), tested (not ``untested``) and usable for the calculations."""

    parts: np.ndarray
    baseline: np.ndarray
    included: np.ndarray
    tested: np.ndarray
    calc: np.ndarray


def _design(
    count: int,
    freeze: int | None,
    part: Sequence[int] | int | None,
    exclude: Sequence[int] | int | None,
    untested: Sequence[int] | int | None,
    point_y: np.ndarray,
) -> _Design:
    """Step 4: the parts and the point masks from the 1-based positions the caller gave."""
    part_arr = _positions(part, "part")
    excl = _in_range(_positions(exclude, "exclude"), count, "exclude")
    if freeze is not None and not part_arr.size:
        if int(freeze) != freeze or not 1 <= freeze <= count:
            raise InputError(f"freeze must be a whole number between 1 and {count}, not {freeze}")
        baseline = np.arange(count) < int(freeze)
    else:
        baseline = np.ones(count, dtype=bool)
    parts = _parts(count, part_arr) if count else np.zeros(0, dtype=np.int64)
    included = np.ones(count, dtype=bool)
    included[excl - 1] = False
    quiet = _in_range(_positions(untested, "untested"), count, "untested")
    tested = np.ones(count, dtype=bool)
    tested[quiet - 1] = False
    calc = baseline & included & ~np.isnan(point_y)
    return _Design(parts, baseline, included, tested, calc)


def _in_range(positions: np.ndarray, count: int, name: str) -> np.ndarray:
    """``positions`` if every one is between 1 and ``count``, else :class:`InputError`."""
    outside = (positions < 1) | (positions > count)
    if positions.size and outside.any():
        bad = int(positions[outside][0])
        raise InputError(f"{name} position {bad} is not between 1 and {count}")
    return positions


@dataclass
class _RunStats:
    """Anhøj runs statistics per point (repeated over each part) and the signs of the
    points relative to the centre line."""

    longest_run: np.ndarray
    longest_run_max: np.ndarray
    crossings: np.ndarray
    crossings_min: np.ndarray
    runs_signal: np.ndarray
    n_useful: np.ndarray
    signs: np.ndarray


def _analyse_parts(
    chart: str,
    groups: _Groups,
    point_y: np.ndarray,
    design: _Design,
    screen_mr: bool,
    nhs: bool,
) -> tuple[dict[str, np.ndarray], _RunStats]:
    """Step 5: per part, the centre line and limits (:func:`equitystats._limits._part_lines`)
    and the Anhøj runs analysis (qicharts2 ``runs.analysis``); may mark a part untested."""
    count = groups.x.size
    out = {k: np.full(count, np.nan) for k in ("y", "cl", "lcl", "ucl", "lcl2", "ucl2")}
    stats = _RunStats(
        *(np.full(count, np.nan) for _ in range(4)),
        runs_signal=np.zeros(count, dtype=bool),
        n_useful=np.zeros(count, dtype=np.int64),
        signs=np.zeros(count, dtype=np.int8),
    )
    parts, calc, tested = design.parts, design.calc, design.tested
    for sl in _part_slices(parts):
        lo = sl.start
        k = int(parts[lo]) if count else 1
        if (calc[sl] & tested[sl]).sum() < MIN_POINTS <= calc[sl].sum():
            # Too few tested points to draw the lines from: every point draws them, and no
            # point of the part can signal.
            tested[sl] = False
        _check_part(chart, groups, calc[sl], k, sl)
        base = design.baseline[sl] & design.included[sl] & (tested[sl] | ~tested[sl].any())
        lines = _part_lines(
            chart,
            point_y[sl],
            groups.y_sum[sl],
            groups.y_len[sl],
            groups.y_sd[sl],
            None if groups.n_sum is None else groups.n_sum[sl],
            base,
            screen_mr,
            nhs and chart == "i",
        )
        out["y"][sl] = lines.y
        out["cl"][sl] = lines.cl
        out["lcl"][sl], out["ucl"][sl] = lines.lcl, lines.ucl
        out["lcl2"][sl], out["ucl2"][sl] = lines.lcl2, lines.ucl2
        # Anhøj runs analysis on included, non-missing points (qicharts2 runs.analysis).
        with np.errstate(invalid="ignore"):
            sign = _runs.sign_of(lines.y - lines.cl)
        sign[~(design.included[sl] & tested[sl])] = 0
        stats.signs[sl] = sign
        a = _runs.anhoej(sign[None, :])
        stats.longest_run[sl], stats.longest_run_max[sl] = a.longest_run[0], a.longest_run_max[0]
        stats.crossings[sl], stats.crossings_min[sl] = a.crossings[0], a.crossings_min[0]
        stats.runs_signal[sl] = bool(a.signal[0]) and chart != "mr"
        stats.n_useful[sl] = a.n_useful[0]
    return out, stats


def _check_part(chart: str, groups: _Groups, calc: np.ndarray, k: int, sl: slice) -> None:
    """A part has enough calculation points (and, for xbar and s, a subgroup of 2 or more)."""
    if calc.sum() < MIN_POINTS:
        raise InputError(
            f"part {k} has {int(calc.sum())} point(s) usable for the centre line and "
            f"limits; {chart} charts need at least {MIN_POINTS}",
            row=int(groups.first_row[sl.start]),
            column="y",
        )
    if chart in SUBGROUP_CHARTS and not (groups.y_len[sl][calc] > 1).any():
        raise InputError(
            f"part {k} has no subgroup with 2 or more observations; {chart} charts "
            "need one to estimate the standard deviation",
            row=int(groups.first_row[sl.start]),
            column="y",
        )


def _scale(out: dict[str, np.ndarray], multiply: float) -> np.ndarray:
    """Step 6: ``multiply`` applied to the values and lines (non-finite limits become NaN);
    returns the points outside the limits (Shewhart's rule, before ``untested``)."""
    m = float(multiply)
    for key in ("y", "cl", "lcl", "ucl", "lcl2", "ucl2"):
        out[key] = out[key] * m
    for key in ("lcl", "ucl", "lcl2", "ucl2"):
        out[key][~np.isfinite(out[key])] = np.nan
    return _runs.shewhart(out["y"], out["lcl"], out["ucl"])

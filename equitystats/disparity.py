"""Summary measures of health disparity between groups, with Taylor-linearised standard errors.

The measures and their definitions follow the US National Cancer Institute's HD*Calc and
Harper S, Lynch J. *Methods for Measuring Cancer Disparities: Using Data Relevant to Healthy
People 2010 Cancer-Related Objectives.* NCI Cancer Surveillance Monograph Series, Number 6
(NIH Pub. No. 05-5777), Bethesda MD, 2005 ("Harper & Lynch 2005" below). The standard errors
are first-order Taylor linearisations (the delta method) as derived for these measures by
Ahn J, Harper S, Yu M, Feuer EJ, Liu B, Luta G. *Variance estimation and confidence intervals
for 11 commonly used health disparity measures.* JCO Clin Cancer Inform 2018;2:1-19
("Ahn et al. 2018").

Inputs are, for each group j = 1..J, a rate y_j, its standard error se_j and its population
p_j. Throughout, w_j = p_j / Σ p is the population share and μ = Σ w_j y_j the
population-weighted mean rate. The group rates are treated as independent with variances
se_j²; the populations are treated as fixed. For a measure M(y) the variance is then
Var M ≈ Σ_j (∂M/∂y_j)² se_j² (Ahn et al. 2018, "Methods", delta method), and the interval
is the 95 % normal interval M ± z₀.₉₇₅·SE. Ratios between two rates (the range ratio and
the pairwise rate ratios) are the exception: their interval is computed on the log scale,
exp(ln R ± z₀.₉₇₅·SE(ln R)), and their reported ``se`` is the delta-method SE of R itself,
R·SE(ln R).

These delta-method intervals are HD*Calc's, for rates given with their standard errors; they
collapse at rates of 0 or 1 and are far too narrow for small groups. Where the counts are known,
compare each group with a reference by :mod:`equitystats.compare` (score intervals), and keep
groups too small for these measures out of them, as the dashboard does.

Everything is vectorised over groups with numpy; nothing loops over rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.special import xlogy

from equitystats._arrays import vector
from equitystats.errors import InputError
from equitystats.intervals import Z95

__all__ = [
    "ABSOLUTE_MEASURES",
    "ORDERED_MEASURES",
    "RELATIVE_MEASURES",
    "UNORDERED_MEASURES",
    "DisparityResult",
    "Estimate",
    "PairEstimate",
    "Reference",
    "measures",
    "pairwise",
    "rate_difference",
    "rate_ratio",
]

UNORDERED_MEASURES = (
    "range_difference",
    "range_ratio",
    "index_of_disparity",
    "between_group_variance",
    "theil_index",
    "mean_log_deviation",
    "index_of_dissimilarity",
    "population_attributable_fraction",
)
ORDERED_MEASURES = (
    "slope_index_of_inequality",
    "relative_index_of_inequality",
    "absolute_concentration_index",
    "relative_concentration_index",
)
#: Measures on the scale of the rates (they scale with the rates).
ABSOLUTE_MEASURES = (
    "range_difference",
    "between_group_variance",
    "slope_index_of_inequality",
    "absolute_concentration_index",
)
#: Measures that do not change when every rate is multiplied by the same constant.
RELATIVE_MEASURES = (
    "range_ratio",
    "index_of_disparity",
    "theil_index",
    "mean_log_deviation",
    "index_of_dissimilarity",
    "population_attributable_fraction",
    "relative_index_of_inequality",
    "relative_concentration_index",
)


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and 95 % interval.

    Fields are floats, or numpy arrays of equal shape when returned by the vectorised
    :func:`rate_difference` / :func:`rate_ratio`. Undefined values (for example a ratio
    against a zero rate) are NaN or infinite, never an exception.

    >>> e = rate_difference(0.30, 0.02, 0.20, 0.02)
    >>> round(e.value, 4), round(e.se, 4)
    (0.1, 0.0283)
    >>> {k: round(v, 4) for k, v in e.as_dict().items()}
    {'value': 0.1, 'se': 0.0283, 'ci_low': 0.0446, 'ci_high': 0.1554}
    """

    value: float | np.ndarray
    se: float | np.ndarray
    ci_low: float | np.ndarray
    ci_high: float | np.ndarray

    def as_dict(self) -> dict[str, float | None]:
        """Plain floats for JSON; non-finite numbers become ``None``."""
        return {
            "value": _json_float(self.value),
            "se": _json_float(self.se),
            "ci_low": _json_float(self.ci_low),
            "ci_high": _json_float(self.ci_high),
        }


@dataclass(frozen=True)
class PairEstimate:
    """One group compared with the reference: ``difference`` = y_j − y_ref, ``ratio`` = y_j / y_ref.

    >>> r = measures(["a", "b"], [0.3, 0.2], [0.02, 0.02], [100, 300], reference="b")
    >>> pair = r.pairs[0]
    >>> pair.group, round(pair.difference.value, 4), round(pair.ratio.value, 4)
    ('a', 0.1, 1.5)
    """

    group: str
    difference: Estimate
    ratio: Estimate


@dataclass(frozen=True)
class Reference:
    """The reference the pairs, the index of disparity and the PAF are measured against.

    ``name`` is the group's name, or ``"mean"`` for the population-weighted mean μ;
    ``se`` is the group's standard error (for μ, its delta-method SE √Σ w_j² se_j²).

    >>> r = measures(["a", "b"], [0.3, 0.2], [0.02, 0.02], [100, 300])
    >>> r.reference.name, round(r.reference.rate, 4), round(r.reference.se, 4)
    ('mean', 0.225, 0.0158)
    """

    name: str
    rate: float
    se: float


@dataclass(frozen=True)
class DisparityResult:
    """Output of :func:`measures`.

    ``mean`` is μ = Σ w_j y_j; ``measures`` maps each name in :data:`UNORDERED_MEASURES`
    (and :data:`ORDERED_MEASURES` when an order was given) to its :class:`Estimate`;
    ``pairs`` holds one :class:`PairEstimate` per group, in input order.

    >>> r = measures(["a", "b"], [0.3, 0.2], [0.02, 0.02], [100, 300])
    >>> round(r.mean, 4), sorted(r.measures)[:3], len(r.pairs)
    (0.225, ['between_group_variance', 'index_of_disparity', 'index_of_dissimilarity'], 2)
    """

    mean: float
    reference: Reference
    measures: Mapping[str, Estimate]
    pairs: tuple[PairEstimate, ...]


# --------------------------------------------------------------------------------------
# helpers


def _json_float(x: float | np.ndarray) -> float | None:
    value = float(x)
    return value if math.isfinite(value) else None


def _normal(value: float, gradient: np.ndarray, se: np.ndarray) -> Estimate:
    """Delta method: SE = √Σ (∂M/∂y_j)² se_j², interval value ± z·SE (Ahn et al. 2018)."""
    with np.errstate(invalid="ignore", over="ignore"):
        s = float(np.sqrt(np.sum((gradient * se) ** 2)))
    value = float(value)
    return Estimate(value, s, value - Z95 * s, value + Z95 * s)


def _log_ratio(ratio: float, log_gradient: np.ndarray, se: np.ndarray) -> Estimate:
    """Ratio with the interval on the log scale: exp(ln R ± z·SE(ln R)); se = R·SE(ln R)."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        s_log = float(np.sqrt(np.sum((log_gradient * se) ** 2)))
        ratio = float(ratio)
        if ratio > 0 and math.isfinite(ratio):
            log_r = math.log(ratio)
            return Estimate(
                ratio, ratio * s_log, math.exp(log_r - Z95 * s_log), math.exp(log_r + Z95 * s_log)
            )
    return Estimate(ratio, math.nan, math.nan, math.nan)


def _as_float_array(
    values: Sequence[float] | np.ndarray, what: str, *, positive_sum: bool = False
) -> np.ndarray:
    arr = vector(
        values,
        what,
        not_1d="{what} must be a one-dimensional sequence",
        not_finite="{what} must be finite numbers, got {value!r}",
        out_of_range="{what} must not be negative, got {value!r}",
    )
    if positive_sum and not arr.sum() > 0:
        raise InputError(f"{what} must add up to more than zero")
    return arr


def _sign(dev: np.ndarray, y: np.ndarray) -> np.ndarray:
    """sign(dev), with deviations within rounding error of zero counted as zero.

    |x| is not differentiable at 0; its subgradient 0 is used there, and a rate that
    equals the reference up to rounding must not flip the SE with the order of summation.
    """
    tiny = 64 * np.finfo(float).eps * float(np.max(np.abs(y), initial=0.0))
    return np.where(np.abs(dev) <= tiny, 0.0, np.sign(dev))


def _first_by(keys: np.ndarray, names: np.ndarray) -> int:
    """Index of the smallest key, ties broken by the group name (so input order never matters)."""
    return int(np.lexsort((names, keys))[0])


# --------------------------------------------------------------------------------------
# two-group comparisons (vectorised)


def rate_difference(
    y1: float | np.ndarray, se1: float | np.ndarray, y0: float | np.ndarray, se0: float | np.ndarray
) -> Estimate:
    """Rate difference y₁ − y₀ of two independent rates, vectorised over numpy arrays.

    SE = √(se₁² + se₀²), 95 % normal interval (Harper & Lynch 2005, "pair difference";
    Ahn et al. 2018, rate difference).

    >>> e = rate_difference(0.30, 0.02, 0.20, 0.02)
    >>> round(e.value, 4), round(e.ci_low, 4), round(e.ci_high, 4)
    (0.1, 0.0446, 0.1554)
    """
    y1, se1, y0, se0 = (np.asarray(a, dtype=float) for a in (y1, se1, y0, se0))
    value = y1 - y0
    se = np.hypot(se1, se0)
    out = Estimate(value, se, value - Z95 * se, value + Z95 * se)
    return _maybe_scalar(out)


def rate_ratio(
    y1: float | np.ndarray, se1: float | np.ndarray, y0: float | np.ndarray, se0: float | np.ndarray
) -> Estimate:
    """Rate ratio y₁ / y₀ of two independent rates, vectorised over numpy arrays.

    SE(ln R) = √((se₁/y₁)² + (se₀/y₀)²) (delta method); interval exp(ln R ± z·SE(ln R));
    the reported ``se`` is R·SE(ln R) (Harper & Lynch 2005, "pair ratio"; Ahn et al. 2018,
    rate ratio). A zero rate gives a ratio of 0 or ∞ with NaN SE and interval.

    >>> e = rate_ratio(0.30, 0.02, 0.20, 0.02)
    >>> round(e.value, 4), round(e.ci_low, 4), round(e.ci_high, 4)
    (1.5, 1.1852, 1.8984)
    """
    y1, se1, y0, se0 = (np.asarray(a, dtype=float) for a in (y1, se1, y0, se0))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value = y1 / y0
        se_log = np.hypot(se1 / y1, se0 / y0)
        ok = (y1 > 0) & (y0 > 0)
        log_r = np.log(np.where(ok, value, 1.0))
        se = np.where(ok, value * se_log, np.nan)
        low = np.where(ok, np.exp(log_r - Z95 * se_log), np.nan)
        high = np.where(ok, np.exp(log_r + Z95 * se_log), np.nan)
    return _maybe_scalar(Estimate(value, se, low, high))


def pairwise(
    y1: float | np.ndarray, se1: float | np.ndarray, y0: float | np.ndarray, se0: float | np.ndarray
) -> tuple[Estimate, Estimate]:
    """``(rate_difference(...), rate_ratio(...))`` of group 1 against group 0.

    >>> diff, ratio = pairwise(0.30, 0.02, 0.20, 0.02)
    >>> round(diff.value, 4), round(ratio.value, 4)
    (0.1, 1.5)
    """
    return rate_difference(y1, se1, y0, se0), rate_ratio(y1, se1, y0, se0)


def _maybe_scalar(e: Estimate) -> Estimate:
    if np.ndim(e.value) == 0:
        return Estimate(float(e.value), float(e.se), float(e.ci_low), float(e.ci_high))
    return e


# --------------------------------------------------------------------------------------
# the summary measures


def measures(
    groups: Sequence[str],
    rates: Sequence[float] | np.ndarray,
    ses: Sequence[float] | np.ndarray,
    populations: Sequence[float] | np.ndarray,
    *,
    reference: str = "mean",
    order: Sequence[float] | np.ndarray | None = None,
    higher_is_better: bool = False,
) -> DisparityResult:
    """Disparity measures across J ≥ 2 groups, each with a delta-method SE and 95 % interval.

    ``reference`` is a group name, or ``"best"`` (the lowest rate, or the highest when
    ``higher_is_better``), ``"largest"`` (largest population) or ``"mean"`` (μ, the
    population-weighted mean). Ties are broken by group name. A group literally named
    ``best``, ``largest`` or ``mean`` is selected by name.

    Measures (w_j population shares, μ = Σ w_j y_j, y_ref the reference rate):

    - ``range_difference`` = y_max − y_min; ``range_ratio`` = y_max / y_min (interval on
      the log scale). Harper & Lynch 2005, "Range difference" and "Range ratio".
    - ``index_of_disparity`` = 100 · mean_j |y_j − y_ref| / y_ref, the mean taken over the
      J − 1 non-reference groups when the reference is a group (Pearcy JN, Keppel KG.
      Public Health Rep 2002;117:273-280) and over all J groups when the reference is μ
      (the "unweighted IDisp against the mean"). Percent.
    - ``between_group_variance`` = Σ w_j (y_j − μ)²; ∂/∂y_k = 2 w_k (y_k − μ)
      (Harper & Lynch 2005, "Between-group variance"; Ahn et al. 2018, BGV, Taylor SE).
    - ``theil_index`` T = Σ w_j r_j ln r_j with r_j = y_j / μ; ∂T/∂y_k = w_k (ln r_k − T)/μ.
      Unscaled (not × 1000). Harper & Lynch 2005, "Theil index".
    - ``mean_log_deviation`` = Σ w_j ln(μ / y_j); ∂/∂y_k = w_k (1/μ − 1/y_k). Unscaled.
      Harper & Lynch 2005, "Mean log deviation". Infinite if any group with population
      has a zero rate.
    - ``index_of_dissimilarity`` D = ½ Σ |s_j − w_j| with s_j = w_j y_j / μ the group's
      share of the events (Duncan & Duncan 1955; Harper & Lynch 2005, "Index of
      dissimilarity"); a proportion in [0, 1].
    - ``population_attributable_fraction`` = (μ − y_ref) / μ (Harper & Lynch 2005,
      "Population attributable risk"); 0 by construction when the reference is μ.

    With ``order`` (a number per group; groups are ranked by it ascending, equal numbers
    share a rank), each group gets the ridit midpoint R_j = (cumulative share of the
    population in lower ranks) + ½ (share in its own rank), and:

    - ``slope_index_of_inequality`` β: slope of the population-weighted least-squares
      regression of y_j on R_j, i.e. the modelled rate at the top of the order (R = 1)
      minus that at the bottom (R = 0); β = Σ c_j y_j with
      c_j = w_j (R_j − R̄) / Σ w_i (R_i − R̄)² (Harper & Lynch 2005, "Slope index of inequality").
    - ``relative_index_of_inequality`` = β / μ (Harper & Lynch 2005, "Relative index of
      inequality", the HD*Calc definition).
    - ``relative_concentration_index`` C = (2/μ) Σ w_j y_j R_j − 1 (Kakwani N, Wagstaff A,
      van Doorslaer E. J Econometrics 1997;77:87-103, grouped-data formula; Harper & Lynch
      2005, "Concentration index"); ``absolute_concentration_index`` = μ·C.

    Pairs: for every group, y_j − y_ref and y_j / y_ref, with the delta-method SE taking
    into account that μ depends on y_j when the reference is the mean.

    Raises :class:`~equitystats.errors.InputError` (``row`` = 1-based position) for fewer
    than two groups, unequal lengths, duplicate group names, negative or non-finite values,
    a zero total population, an unknown reference or an order with a single value.

    >>> r = measures(["low", "mid", "high"], [0.30, 0.20, 0.10], [0.02, 0.02, 0.01], [100, 200, 100], order=[1, 2, 3])
    >>> round(r.mean, 4)
    0.2
    >>> for name in ("range_difference", "index_of_disparity", "slope_index_of_inequality"):
    ...     print(name, round(r.measures[name].value, 4))
    range_difference 0.2
    index_of_disparity 33.3333
    slope_index_of_inequality -0.2667
    >>> measures(["a", "a"], [0.1, 0.2], [0.01, 0.01], [10, 10])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 2: group 'a' appears more than once
    """
    names, y, se, pop = _inputs(groups, rates, ses, populations)
    w = pop / pop.sum()
    mu = float(w @ y)
    ref_index = _reference_index(reference, names, y, pop, higher_is_better)
    ref_is_mean = ref_index < 0
    # the reference rate and its gradient with respect to y
    ref_grad = w if ref_is_mean else _unit(names.size, ref_index)
    y_ref = mu if ref_is_mean else float(y[ref_index])
    ref = Reference(
        "mean" if ref_is_mean else str(names[ref_index]),
        y_ref,
        float(np.sqrt(np.sum((ref_grad * se) ** 2))),
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = {
            **_range_measures(names, y, se),
            **_reference_measures(y, se, w, mu, y_ref, ref_grad, ref_is_mean),
            **_mean_measures(y, se, w, mu),
        }
        out = {name: out[name] for name in UNORDERED_MEASURES}
        if order is not None:
            out.update(_ordered(order, y, w, mu, se))
        pairs = _pairs(names, y, se, ref_grad, y_ref, ref_index)
    return DisparityResult(
        mean=mu,
        reference=ref,
        measures=MappingProxyType(out),
        pairs=tuple(pairs),
    )


def _inputs(
    groups: Sequence[str],
    rates: Sequence[float] | np.ndarray,
    ses: Sequence[float] | np.ndarray,
    populations: Sequence[float] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step 1 of :func:`measures`: names, rates, SEs and populations, checked."""
    names = np.asarray([str(g) for g in groups], dtype=str)
    y = _as_float_array(rates, "rates")
    se = _as_float_array(ses, "standard errors")
    pop = _as_float_array(populations, "populations")
    n = names.size
    if not (y.size == se.size == pop.size == n):
        raise InputError(
            f"groups, rates, standard errors and populations differ in length "
            f"({n}, {y.size}, {se.size}, {pop.size})"
        )
    if n < 2:
        raise InputError(f"need at least 2 groups to measure a disparity, got {n}")
    uniq, repeats = np.unique(names, return_counts=True)
    if (repeats > 1).any():
        dup = uniq[repeats > 1][0]
        where = np.flatnonzero(names == dup)
        raise InputError(f"group {str(dup)!r} appears more than once", row=int(where[1]) + 1)
    if not pop.sum() > 0:
        raise InputError("populations must add up to more than zero")
    return names, y, se, pop


def _reference_index(
    reference: str, names: np.ndarray, y: np.ndarray, pop: np.ndarray, higher_is_better: bool
) -> int:
    """Step 2: the reference's position, -1 for μ (see :func:`measures` for the keywords)."""
    if reference in ("best", "largest", "mean") and reference not in names:
        if reference == "mean":
            return -1
        if reference == "best":
            return _first_by(-y if higher_is_better else y, names)
        return _first_by(-pop, names)
    hits = np.flatnonzero(names == str(reference))
    if hits.size == 0:
        shown = ", ".join(sorted(map(str, names))[:10])
        raise InputError(
            f"reference {reference!r} is not a group, 'best', 'largest' or 'mean' "
            f"(groups: {shown}{', …' if names.size > 10 else ''})"
        )
    return int(hits[0])


def _range_measures(names: np.ndarray, y: np.ndarray, se: np.ndarray) -> dict[str, Estimate]:
    """Range difference and range ratio, highest against lowest (Harper & Lynch 2005)."""
    n = names.size
    hi = _first_by(-y, names)
    lo = _first_by(y, names)
    e_hi, e_lo = _unit(n, hi), _unit(n, lo)
    return {
        "range_difference": _normal(y[hi] - y[lo], e_hi - e_lo, se),
        "range_ratio": _log_ratio(y[hi] / y[lo], e_hi / y[hi] - e_lo / y[lo], se),
    }


def _reference_measures(
    y: np.ndarray,
    se: np.ndarray,
    w: np.ndarray,
    mu: float,
    y_ref: float,
    ref_grad: np.ndarray,
    ref_is_mean: bool,
) -> dict[str, Estimate]:
    """The measures against the reference: index of disparity, percent (Pearcy & Keppel
    2002), and population attributable fraction (Harper & Lynch 2005)."""
    n = y.size
    dev = y - y_ref
    sign = _sign(dev, y)
    k = n if ref_is_mean else n - 1
    idisp = 100.0 * np.sum(np.abs(dev)) / (k * y_ref)
    # ∂/∂y = 100/(k y_ref) [sign − (Σ sign) ∂y_ref/∂y] − IDisp ∂y_ref/∂y / y_ref
    grad = 100.0 / (k * y_ref) * (sign - sign.sum() * ref_grad) - idisp * ref_grad / y_ref
    paf = (mu - y_ref) / mu
    return {
        "index_of_disparity": _normal(idisp, grad, se),
        "population_attributable_fraction": _normal(
            paf, (w - ref_grad) / mu - (mu - y_ref) * w / mu**2, se
        ),
    }


def _mean_measures(y: np.ndarray, se: np.ndarray, w: np.ndarray, mu: float) -> dict[str, Estimate]:
    """The measures around μ (Harper & Lynch 2005): between-group variance, Theil index, mean
    log deviation and index of dissimilarity (Duncan & Duncan 1955)."""
    d_mu = y - mu
    bgv = np.sum(w * d_mu**2)
    # Theil index (0·ln 0 = 0)
    r = y / mu
    theil = np.sum(w * xlogy(r, r))
    # mean log deviation (groups without population do not contribute)
    mld = np.sum(np.where(w > 0, w * np.log(mu / y), 0.0))
    mld_grad = np.where(w > 0, w * (1.0 / mu - 1.0 / y), 0.0)
    # index of dissimilarity: ½ Σ |w_j y_j/μ − w_j| = ½ Σ w_j |y_j − μ| / μ
    s_mu = _sign(d_mu, y)
    dis = 0.5 * np.sum(w * np.abs(d_mu)) / mu
    dis_grad = 0.5 * (w * s_mu - w * np.sum(w * s_mu)) / mu - dis * w / mu
    return {
        "between_group_variance": _normal(bgv, 2.0 * w * d_mu, se),
        "theil_index": _normal(theil, w * (np.log(r) - theil) / mu, se),
        "mean_log_deviation": _normal(mld, mld_grad, se),
        "index_of_dissimilarity": _normal(dis, dis_grad, se),
    }


def _unit(n: int, i: int) -> np.ndarray:
    e = np.zeros(n)
    e[i] = 1.0
    return e


def _pairs(
    names: np.ndarray,
    y: np.ndarray,
    se: np.ndarray,
    ref_grad: np.ndarray,
    y_ref: float,
    ref_index: int,
) -> tuple[PairEstimate, ...]:
    """Each group against the reference, vectorised over groups.

    With g = ∂y_ref/∂y (a unit vector, or w for μ) the delta-method variances are
    Var(y_j − y_ref) = Σ_k (δ_jk − g_k)² se_k² = se_j² (1 − 2 g_j) + Σ_k g_k² se_k², and
    Var(ln y_j − ln y_ref) = se_j²/y_j² − 2 g_j se_j²/(y_j y_ref) + Σ_k g_k² se_k² / y_ref².
    """
    s_ref = float(np.sum((ref_grad * se) ** 2))
    se2 = se**2
    diff = y - y_ref
    diff_se = np.sqrt(np.maximum(se2 * (1.0 - 2.0 * ref_grad) + s_ref, 0.0))
    ratio = y / y_ref
    log_var = se2 / y**2 - 2.0 * ref_grad * se2 / (y * y_ref) + s_ref / y_ref**2
    ok = (y > 0) & (y_ref > 0)
    se_log = np.where(ok, np.sqrt(np.maximum(log_var, 0.0)), np.nan)
    log_r = np.log(np.where(ok, ratio, 1.0))
    ratio_se = ratio * se_log
    ratio_low = np.exp(log_r - Z95 * se_log)
    ratio_high = np.exp(log_r + Z95 * se_log)
    if ref_index >= 0:  # the reference against itself: exactly 0 and 1, no uncertainty
        diff_se[ref_index] = 0.0
        if ok[ref_index]:
            ratio[ref_index], ratio_se[ref_index] = 1.0, 0.0
            ratio_low[ref_index] = ratio_high[ref_index] = 1.0
    low, high = diff - Z95 * diff_se, diff + Z95 * diff_se
    return tuple(
        PairEstimate(
            str(names[j]),
            Estimate(float(diff[j]), float(diff_se[j]), float(low[j]), float(high[j])),
            Estimate(
                float(ratio[j]), float(ratio_se[j]), float(ratio_low[j]), float(ratio_high[j])
            ),
        )
        for j in range(names.size)
    )


def _ordered(
    order: Sequence[float] | np.ndarray, y: np.ndarray, w: np.ndarray, mu: float, se: np.ndarray
) -> dict[str, Estimate]:
    """SII, RII and the concentration indices on ridit midpoints (see :func:`measures`)."""
    o = np.asarray(order, dtype=float)
    if o.shape != y.shape:
        raise InputError(f"order has {o.size} values for {y.size} groups")
    bad = np.flatnonzero(~np.isfinite(o))
    if bad.size:
        raise InputError("order must be finite numbers", row=int(bad[0]) + 1)
    levels, inverse = np.unique(o, return_inverse=True)
    share = np.bincount(inverse, weights=w, minlength=levels.size)
    if np.count_nonzero(share > 0) < 2:
        raise InputError(
            "order must take at least two different values among groups with population"
        )
    ridit_level = np.cumsum(share) - share / 2.0
    ridit = ridit_level[inverse]

    centred = ridit - np.sum(w * ridit)
    c = w * centred / np.sum(w * centred**2)
    # Σ c_j = Σ a_j = 0, so centring y first changes nothing but rounding error
    y_c = y - mu
    sii = float(c @ y_c)
    out = {"slope_index_of_inequality": _normal(sii, c, se)}
    rii = sii / mu
    out["relative_index_of_inequality"] = _normal(rii, c / mu - rii * w / mu, se)
    a = w * (2.0 * ridit - 1.0)
    aci = float(a @ y_c)
    out["absolute_concentration_index"] = _normal(aci, a, se)
    rci = aci / mu
    out["relative_concentration_index"] = _normal(rci, a / mu - rci * w / mu, se)
    return out

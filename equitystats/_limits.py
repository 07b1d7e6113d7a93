"""Centre line and control limits of one part of a chart, for :func:`equitystats.spc.chart`.

The formulas, each cited where it is computed, are those of ``spc``'s module docstring:
Montgomery, *Introduction to Statistical Quality Control*, 7th ed. (§6.3–6.4 for i, mr,
xbar and s charts with the constants of Appendix Table VI; §7.2–7.3 for p, c and u charts),
Laney (2002) for u′ and p′, Nelson (1982) for the screened moving range, and NHS Making Data
Count (2019) / NHSRplotthedots 0.2.2 for the 2.66 limits. Means and sums follow R (as
qicharts2 0.8.1 computes them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

PROPORTION_CHARTS = ("p", "pp")
SUBGROUP_CHARTS = ("xbar", "s")

D2 = 1.128  # Montgomery Appendix Table VI, n = 2
D4 = 3.267  # Montgomery Appendix Table VI, n = 2
NHS_LIMIT = 2.66  # NHS Making Data Count (2019); NHSRplotthedots 0.2.2


# --------------------------------------------------------------------------------------
# Small numeric helpers
# --------------------------------------------------------------------------------------


def _mean(v: np.ndarray) -> float:
    """Mean of the non-missing values as R computes it (extended-precision sum, then one
    correction pass), so that e.g. a constant series has its own value as mean. NaN if
    empty."""
    v = v[~np.isnan(v)]
    if v.size == 0:
        return math.nan
    ld = v.astype(np.longdouble)
    s = ld.sum() / v.size
    s = s + (ld - s).sum() / v.size
    return float(s)


def _nansum(v: np.ndarray) -> float:
    v = v[~np.isnan(v)]
    return float(v.astype(np.longdouble).sum()) if v.size else 0.0


def _median(v: np.ndarray) -> float:
    v = v[~np.isnan(v)]
    return float(np.median(v)) if v.size else math.nan


def _screened_amr(values: np.ndarray, screen: bool) -> float:
    """Average moving range of consecutive values, optionally screened (Nelson 1982)."""
    mr = np.abs(np.diff(values))
    mr = mr[~np.isnan(mr)]
    amr = _mean(mr)
    if screen and mr.size:
        mr = mr[mr < D4 * amr]
        amr = _mean(mr)
    return amr


def c4(n: np.ndarray) -> np.ndarray:
    """Exact c4(n) = √(2/(n−1)) Γ(n/2)/Γ((n−1)/2), NaN for n ≤ 1 (Montgomery App. VI).

    >>> c4(np.array([1, 2, 5])).round(4).tolist()
    [nan, 0.7979, 0.94]
    """
    n = np.asarray(n, dtype=float)
    ok = n > 1
    m = np.where(ok, n, 2.0)
    out = np.sqrt(2.0 / (m - 1.0)) * np.exp(gammaln(m / 2.0) - gammaln((m - 1.0) / 2.0))
    return np.where(ok, out, np.nan)


def _a3(n: np.ndarray, k: float) -> np.ndarray:
    """A3 = k / (c4 √n) (Montgomery eq. 6.29 constant; k = 3, or 2 for 2-sigma)."""
    n = np.asarray(n, dtype=float)
    return k / (c4(n) * np.sqrt(np.where(n > 1, n, np.nan)))


def _b3_b4(n: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """B3 = max(0, 1 − k c5/c4), B4 = 1 + k c5/c4 with c5 = √(1 − c4²) (Montgomery §6.3.1)."""
    c = c4(n)
    r = np.sqrt(1.0 - c**2) / c
    b3 = 1.0 - k * r
    b3 = np.where(np.isnan(b3), np.nan, np.maximum(b3, 0.0))
    return b3, 1.0 + k * r


# --------------------------------------------------------------------------------------
# Centre line and limits per part
# --------------------------------------------------------------------------------------


@dataclass
class _Lines:
    y: np.ndarray
    cl: float
    lcl: np.ndarray
    ucl: np.ndarray
    lcl2: np.ndarray
    ucl2: np.ndarray


def _limits_from_sd(cl: float, sd: np.ndarray, low: float | None, high: float | None) -> tuple:
    lcl, ucl = cl - 3 * sd, cl + 3 * sd
    lcl2, ucl2 = cl - 2 * sd, cl + 2 * sd
    if low is not None:
        lcl = np.where(np.isfinite(lcl) & (lcl < low), low, lcl)
        lcl2 = np.where(np.isfinite(lcl2) & (lcl2 < low), low, lcl2)
    if high is not None:
        ucl = np.where(np.isfinite(ucl) & (ucl > high), high, ucl)
        ucl2 = np.where(np.isfinite(ucl2) & (ucl2 > high), high, ucl2)
    return lcl, ucl, lcl2, ucl2


def _part_lines(
    chart: str,
    y: np.ndarray,
    y_sum: np.ndarray,
    y_len: np.ndarray,
    y_sd: np.ndarray,
    n: np.ndarray | None,
    base: np.ndarray,
    screen_mr: bool,
    nhs_limits: bool,
) -> _Lines:
    size = y.size
    full = np.ones(size)
    if chart == "run":
        cl = _median(y[base])
        nan = np.full(size, np.nan)
        return _Lines(y, cl, nan, nan.copy(), nan.copy(), nan.copy())
    if chart == "i":
        cl = _mean(y[base])
        amr = _screened_amr(y[base] - cl, screen_mr)
        if nhs_limits:
            # NHSRplotthedots 0.2.2: limit = 2.66, limitclose = 2 * (limit / 3).
            close = 2 * (NHS_LIMIT / 3)
            return _Lines(
                y,
                cl,
                full * (cl - NHS_LIMIT * amr),
                full * (cl + NHS_LIMIT * amr),
                full * (cl - close * amr),
                full * (cl + close * amr),
            )
        sd = amr / D2
        return _Lines(y, cl, *_limits_from_sd(cl, full * sd, None, None))
    if chart == "mr":
        mr = np.concatenate([[np.nan], np.abs(np.diff(y))])
        cl = _mean(mr[base])
        return _Lines(mr, cl, full * 0.0, full * (D4 * cl), full * 0.0, full * ((D4 / 3) * 2 * cl))
    if chart in SUBGROUP_CHARTS:
        var_n = np.unique(y_len).size > 1
        lb, sb = y_len[base], y_sd[base]
        if var_n:
            keep = ~np.isnan(sb) & (lb > 1)
            sbar = math.sqrt(_nansum((lb[keep] - 1) * sb[keep] ** 2) / _nansum(lb[keep] - 1))
        else:
            sbar = _mean(sb)
        if chart == "xbar":
            keep = ~np.isnan(y[base])
            cl = _nansum(lb[keep] * y[base][keep]) / _nansum(lb[keep])
            a3, a2 = _a3(y_len, 3.0), _a3(y_len, 2.0)
            return _Lines(y, cl, cl - a3 * sbar, cl + a3 * sbar, cl - a2 * sbar, cl + a2 * sbar)
        b3, b4 = _b3_b4(y_len, 3.0)
        b3_2, b4_2 = _b3_b4(y_len, 2.0)
        return _Lines(y_sd, sbar, b3 * sbar, b4 * sbar, b3_2 * sbar, b4_2 * sbar)
    if chart == "c":
        cl = _mean(y_sum[base])
        sd = full * math.sqrt(cl) if cl >= 0 else full * np.nan
        return _Lines(y_sum, cl, *_limits_from_sd(cl, sd, 0.0, None))
    # u, up, p, pp
    assert n is not None
    ok = base & ~np.isnan(y_sum) & ~np.isnan(n)
    cl = _nansum(y_sum[ok]) / _nansum(n[ok]) if ok.any() else math.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        # Montgomery eq. 7.19 (u) and §7.2.1 (p).
        sd = np.sqrt(cl / n) if chart in ("u", "up") else np.sqrt(cl * (1 - cl) / n)
        if chart in ("up", "pp"):
            # Laney (2002): sigma_z from the moving ranges of the z-scores.
            z = (y[base] - cl) / sd[base]
            sd = sd * (_screened_amr(z, screen_mr) / D2)
    high = 1.0 if chart in PROPORTION_CHARTS else None
    return _Lines(y, cl, *_limits_from_sd(cl, sd, 0.0, high))

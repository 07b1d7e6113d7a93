"""Confidence intervals used by more than one analysis module.

:func:`wilson_score` is the one implementation of the Wilson score interval and
:func:`garwood` the one of the exact Poisson interval: behind
:func:`equitystats.stratify.wilson_interval` and :func:`~equitystats.stratify.poisson_interval`
(stratified rates, which validate their input) and :mod:`equitystats.compare` (differences and
ratios against a reference, built from these limits). :func:`z_of` turns a confidence level
into its two-sided normal quantile, refusing levels outside (0, 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import chi2, norm

from equitystats.errors import InputError

__all__ = ["Z95", "garwood", "wilson_score", "z_of"]

#: Two-sided 95 % normal quantile, z₀.₉₇₅.
Z95 = float(norm.ppf(0.975))


def z_of(conf: float) -> float:
    """The two-sided normal quantile Φ⁻¹((1 + conf)/2) of a confidence level 0 < conf < 1.

    >>> round(z_of(0.95), 4)
    1.96
    >>> z_of(1.5)
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: confidence level must be between 0 and 1, got 1.5
    """
    if not 0 < conf < 1:
        raise InputError(f"confidence level must be between 0 and 1, got {conf!r}")
    return float(norm.ppf(0.5 + conf / 2))


def wilson_score(x: Any, n: Any, z: float = Z95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion x/n, vectorised: ``(p, low, high)``.

    Wilson EB (1927), "Probable inference, the law of succession, and statistical inference",
    JASA 22:209–212; Newcombe RG (1998), Stat Med 17:857–872, method 3 (no continuity
    correction): limits (2x + z² ± z√(z² + 4x(1 − x/n))) / (2(n + z²)). The lower limit is
    exactly 0 when x = 0 and the upper exactly 1 when x = n; both are clipped to [0, 1].
    For x = 81, n = 263 and z = z₀.₉₇₅ this gives 0.2553 to 0.3662 (Newcombe 1998,
    Table II).

    No validation: the caller checks 0 ≤ x ≤ n. Where n is not greater than 0 (including
    NaN, a cell without data) the estimate and the limits are NaN.

    >>> p, low, high = wilson_score([3, 0], [10, 20])
    >>> p.tolist()
    [0.3, 0.0]
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.1078, 0.0], [0.6032, 0.1611])
    """
    x_arr, n_arr = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(n, dtype=float))
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n_arr > 0, x_arr / n_arr, np.nan)
        denom = 2 * (n_arr + z2)
        centre = (2 * x_arr + z2) / denom
        half = z * np.sqrt(z2 + 4 * x_arr * (1 - p)) / denom
        low = np.where(x_arr == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        high = np.where(x_arr == n_arr, 1.0, np.clip(centre + half, 0.0, 1.0))
    empty = ~(n_arr > 0)
    low = np.where(empty, np.nan, low)
    high = np.where(empty, np.nan, high)
    return p, low, high


def garwood(x: Any, t: Any, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson rate x/t, vectorised: ``(rate, low, high)``.

    Garwood F (1936), "Fiducial limits for the Poisson distribution", Biometrika 28:437–442,
    in its chi-square form (e.g. Ulm K 1990, Am J Epidemiol 131:373–375):
    lower = χ²(α/2; 2x)/(2t), exactly 0 when x = 0; upper = χ²(1 − α/2; 2x + 2)/(2t),
    α = 1 − conf. For x = 0 the upper limit of the count is −ln(α/2) (3.689 at 95 %).

    No validation of the counts: the caller checks x ≥ 0. Where t is not greater than 0
    (including NaN) the rate and the limits are NaN.

    >>> rate, low, high = garwood([4], [1000.0])
    >>> rate.tolist(), low.round(5).tolist(), high.round(5).tolist()
    ([0.004], [0.0011], [0.0102])
    """
    x_arr, t_arr = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(t, dtype=float))
    alpha = 1 - conf
    with np.errstate(invalid="ignore", divide="ignore"):
        lower_count = np.where(x_arr > 0, chi2.ppf(alpha / 2, 2 * x_arr) / 2, 0.0)
        upper_count = chi2.ppf(1 - alpha / 2, 2 * x_arr + 2) / 2
        ok = t_arr > 0
        safe_t = np.where(ok, t_arr, 1.0)
        rate = np.where(ok, x_arr / safe_t, np.nan)
        low = np.where(ok, lower_count / safe_t, np.nan)
        high = np.where(ok, upper_count / safe_t, np.nan)
    return rate, low, high

"""Confidence intervals used by more than one analysis module.

:func:`wilson_score` is the one implementation of the Wilson score interval: behind
:func:`equitystats.stratify.wilson_interval` (stratified rates, which validates its input
and takes a confidence level) and :func:`equitystats.gaps.wilson` (the Newcombe interval
for a difference of proportions, which passes z).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import norm

__all__ = ["Z95", "wilson_score"]

#: Two-sided 95 % normal quantile, z₀.₉₇₅.
Z95 = float(norm.ppf(0.975))


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

"""Groups of counts against a reference: each group's rate, and its difference from and ratio to
the reference, with intervals that stay honest when a group holds a handful of people.

Delta-method (Wald) intervals built from p(1 − p)/n collapse to a width of 0 at p = 0 or 1 and
are far too narrow for small n: a group of 1 patient with 1 event would get a "difference"
as precise as the reference's. Here every interval is built from the score (or exact) limits
of the two rates, so it is never narrower than those limits allow.

Per group (x events out of n, or over person-time n for ``kind="rate"``):

* rate and interval — proportions: the Wilson score interval (Wilson EB 1927, JASA
  22:209–212; Newcombe RG 1998, Stat Med 17:857–872, method 3), see
  :func:`equitystats.intervals.wilson_score`; rates per person-time: the exact interval of
  Garwood F 1936, Biometrika 28:437–442, see :func:`equitystats.intervals.garwood`;
* difference d = p₁ − p₀ against the reference p₀, with limits (l, u) of each rate: the
  hybrid score interval of Newcombe RG 1998, "Interval estimation for the difference between
  independent proportions: comparison of eleven methods", Stat Med 17:873–890, method 10,
  L = d − √((p₁ − l₁)² + (u₀ − p₀)²), U = d + √((u₁ − p₁)² + (p₀ − l₀)²). With Poisson
  limits it is the MOVER-D interval of Zou GY, Donner A 2008, "Construction of confidence
  limits about effect measures: a general approach", Stat Med 27:1693–1702, eq. (3), the same
  construction (Newcombe's method 10 is its Wilson case);
* ratio R = p₁ / p₀: MOVER-R of Donner A, Zou GY 2012, "Closed-form confidence intervals for
  functions of the normal mean and standard deviation", Stat Methods Med Res 21:347–359,
  §2.2 (also Newcombe RG 2016, Stat Methods Med Res 25:1774–1778, eq. 1):
  L = [p₁p₀ − √((p₁p₀)² − l₁u₀(2p₁ − l₁)(2p₀ − u₀))] / [u₀(2p₀ − u₀)],
  U = [p₁p₀ + √((p₁p₀)² − u₁l₀(2p₁ − u₁)(2p₀ − l₀))] / [l₀(2p₀ − l₀)].
  A negative quantity under a root (rounding only: l(2p − l) ≤ p² and u(2p − u) ≤ p²) counts
  as 0. U is +∞ when l₀ = 0, and there is no ratio when p₀ = 0. L is computed in its
  rationalised form l₁(2p₁ − l₁) / [p₁p₀ + √(…)], algebraically identical (multiply the
  numerator and the denominator by the conjugate p₁p₀ + √(…)), because u₀(2p₀ − u₀) is 0 or
  close to it whenever u₀ ≈ 2p₀, where the written form is 0/0 or loses its digits; L is
  exactly 0 when l₁ = 0.

For the published check values, 56/70 against 48/80 gives a difference of 0.1 with 0.0524 to
0.3339, and 5/56 against 0/29 gives −0.0381 to 0.1926 (Newcombe 1998, Table II).

Against the *overall* rate (:func:`versus_overall`) the two samples are not independent, the
group being part of the overall. With w = n_g / N the group's share and p_rest the rate of
everyone else, exactly p_g − p_all = (1 − w)(p_g − p_rest) and
p_g / p_all = R / (wR + 1 − w) with R = p_g / p_rest, both increasing in the comparison of
the group with the rest of the population, whose samples are independent: the intervals are
the ones above for group against rest, carried through these transformations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from equitystats._arrays import readonly
from equitystats._validate import counts, within_denominators
from equitystats.errors import InputError
from equitystats.intervals import garwood, wilson_score, z_of

__all__ = [
    "KINDS",
    "Comparison",
    "compare",
    "difference",
    "limits",
    "mover_difference",
    "mover_ratio",
    "ratio",
    "versus_overall",
]

#: ``proportion``: events out of people (Wilson); ``rate``: events over person-time (Garwood).
KINDS = ("proportion", "rate")

Triple = tuple[np.ndarray, np.ndarray, np.ndarray]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


def limits(x: Any, n: Any, *, kind: str = "proportion", conf: float = 0.95) -> Triple:
    """``(rate, low, high)`` of x/n, vectorised: Wilson score limits for a proportion, exact
    Garwood limits for a rate per person-time (module docstring). NaN where n is not above 0.
    No validation of the counts (the caller checks them).

    >>> rate, low, high = limits([3, 12], [10, 40])
    >>> rate.tolist(), low.round(4).tolist(), high.round(4).tolist()
    ([0.3, 0.3], [0.1078, 0.1807], [0.6032, 0.4543])
    >>> rate, low, high = limits(4, 1000.0, kind="rate")
    >>> float(rate), round(float(low), 5), round(float(high), 5)
    (0.004, 0.0011, 0.0102)
    """
    _check_kind(kind)
    if kind == "proportion":
        return wilson_score(x, n, z_of(conf))
    z_of(conf)
    return garwood(x, n, conf)


def mover_difference(p1: Any, l1: Any, u1: Any, p0: Any, l0: Any, u0: Any) -> Triple:
    """d = p₁ − p₀ with L = d − √((p₁ − l₁)² + (u₀ − p₀)²), U = d + √((u₁ − p₁)² + (p₀ − l₀)²)
    from each estimate's own limits: Newcombe 1998 (Stat Med 17:873–890) method 10 with
    Wilson limits, Zou & Donner 2008 (Stat Med 27:1693–1702) MOVER-D in general.

    >>> d, low, high = mover_difference(0.3, 0.2, 0.4, 0.2, 0.15, 0.25)
    >>> round(float(d), 4), round(float(low), 4), round(float(high), 4)
    (0.1, -0.0118, 0.2118)
    """
    p1, l1, u1, p0, l0, u0 = (np.asarray(a, dtype=float) for a in (p1, l1, u1, p0, l0, u0))
    d = p1 - p0
    return d, d - np.hypot(p1 - l1, u0 - p0), d + np.hypot(u1 - p1, p0 - l0)


def mover_ratio(p1: Any, l1: Any, u1: Any, p0: Any, l0: Any, u0: Any) -> Triple:
    """R = p₁ / p₀ with the MOVER-R limits of Donner & Zou 2012 (Stat Methods Med Res
    21:347–359, §2.2), as written in the module docstring: L in its rationalised form, a
    negative quantity under a root counted as 0, U = +∞ when l₀ = 0; all NaN when p₀ is 0 or
    NaN (no ratio).

    >>> r, low, high = mover_ratio(0.3, 0.2, 0.4, 0.2, 0.15, 0.25)
    >>> round(float(r), 4), round(float(low), 4), round(float(high), 4)
    (1.5, 0.9468, 2.2532)
    """
    p1, l1, u1, p0, l0, u0 = (np.asarray(a, dtype=float) for a in (p1, l1, u1, p0, l0, u0))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        a = p1 * p0
        root_low = np.sqrt(np.maximum(a * a - l1 * u0 * (2 * p1 - l1) * (2 * p0 - u0), 0.0))
        root_high = np.sqrt(np.maximum(a * a - u1 * l0 * (2 * p1 - u1) * (2 * p0 - l0), 0.0))
        low = np.where(l1 == 0, 0.0, l1 * (2 * p1 - l1) / (a + root_low))
        high = np.where(l0 == 0, np.inf, (a + root_high) / (l0 * (2 * p0 - l0)))
        has = p0 > 0
        r = np.where(has, p1 / np.where(has, p0, 1.0), np.nan)
    return r, np.where(has, low, np.nan), np.where(has, high, np.nan)


def difference(
    x1: Any, n1: Any, x0: Any, n0: Any, *, kind: str = "proportion", conf: float = 0.95
) -> Triple:
    """x₁/n₁ − x₀/n₀ with its interval (:func:`mover_difference` of :func:`limits`),
    vectorised; NaN where a denominator is not above 0.

    >>> d, low, high = difference(30, 100, 20, 100)
    >>> round(float(d), 4), round(float(low), 4), round(float(high), 4)
    (0.1, -0.0202, 0.2167)
    """
    return mover_difference(
        *limits(x1, n1, kind=kind, conf=conf), *limits(x0, n0, kind=kind, conf=conf)
    )


def ratio(
    x1: Any, n1: Any, x0: Any, n0: Any, *, kind: str = "proportion", conf: float = 0.95
) -> Triple:
    """(x₁/n₁) / (x₀/n₀) with its interval (:func:`mover_ratio` of :func:`limits`),
    vectorised; NaN where a denominator is not above 0 or the reference rate is 0.

    >>> r, low, high = ratio(30, 100, 20, 100)
    >>> round(float(r), 4), round(float(low), 4), round(float(high), 4)
    (1.5, 0.9234, 2.4452)
    """
    return mover_ratio(*limits(x1, n1, kind=kind, conf=conf), *limits(x0, n0, kind=kind, conf=conf))


def versus_overall(
    x: Any, n: Any, total_x: Any, total_n: Any, *, kind: str = "proportion", conf: float = 0.95
) -> tuple[np.ndarray, ...]:
    """Each group against the overall rate it is part of (module docstring):
    ``(difference, low, high, ratio, low, high)``, vectorised. ``total_x``/``total_n`` are the
    totals over all groups (broadcast against x and n). NaN where the group is everyone (no
    rest to compare with) or has no denominator.

    >>> out = versus_overall([30, 20], [100, 100], 50, 200)
    >>> [round(float(v[0]), 4) for v in out]
    [0.05, -0.0101, 0.1084, 1.2, 0.9602, 1.4195]
    """
    x, n, total_x, total_n = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (x, n, total_x, total_n))
    )
    rest_x, rest_n = total_x - x, total_n - n
    with np.errstate(invalid="ignore", divide="ignore"):
        w = n / total_n
        rate = x / n
        overall = np.where(total_n > 0, total_x / total_n, np.nan)
    _, d_low, d_high = difference(x, n, rest_x, rest_n, kind=kind, conf=conf)
    _, r_low, r_high = ratio(x, n, rest_x, rest_n, kind=kind, conf=conf)
    has_rest = rest_n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(has_rest, rate - overall, np.nan)
        r = np.where(has_rest & (overall > 0), rate / overall, np.nan)

        def to_overall(value: np.ndarray) -> np.ndarray:
            # R / (wR + 1 − w) → 1/w as R → ∞
            return np.where(np.isinf(value), 1 / w, value / (w * value + 1 - w))

        return (
            d,
            (1 - w) * d_low,
            (1 - w) * d_high,
            r,
            np.where(np.isfinite(r), to_overall(r_low), np.nan),
            np.where(np.isfinite(r), to_overall(r_high), np.nan),
        )


@dataclass(frozen=True, eq=False)
class Comparison:
    """Output of :func:`compare`: arrays aligned with ``groups`` (input order).

    Proportions are fractions (not percent), rates per one unit of the denominator. The
    reference group's own comparison values are NaN, as is any value that is undefined (a
    group or reference without denominator, a ratio against a rate of 0); ``ratio_high`` is
    +∞ when the reference's lower limit is 0.

    >>> c = compare(["a", "b"], [30, 20], [100, 100], reference="b")
    >>> c.rows()[0]["group"], round(c.rows()[0]["difference"], 4)
    ('a', 0.1)
    """

    groups: tuple[str, ...]
    reference: str
    kind: str
    conf: float
    numerator: np.ndarray
    denominator: np.ndarray
    rate: np.ndarray
    rate_low: np.ndarray
    rate_high: np.ndarray
    difference: np.ndarray
    difference_low: np.ndarray
    difference_high: np.ndarray
    ratio: np.ndarray
    ratio_low: np.ndarray
    ratio_high: np.ndarray

    COLUMNS = (
        "group",
        "numerator",
        "denominator",
        "rate",
        "rate_low",
        "rate_high",
        "difference",
        "difference_low",
        "difference_high",
        "ratio",
        "ratio_low",
        "ratio_high",
    )

    def rows(self) -> list[dict[str, Any]]:
        """One mapping per group with the keys :attr:`COLUMNS` (floats, NaN where undefined)."""
        columns = [getattr(self, c) for c in self.COLUMNS[1:]]
        return [
            {"group": g, **{c: float(v[i]) for c, v in zip(self.COLUMNS[1:], columns, strict=True)}}
            for i, g in enumerate(self.groups)
        ]


def _counts(values: Sequence[float] | np.ndarray, what: str, size: int) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size != size:
        raise InputError(f"{what} must be a sequence of {size} numbers (one per group)")
    return counts(arr, whole=False, column=what)


def compare(
    groups: Sequence[str] | np.ndarray,
    numerators: Sequence[float] | np.ndarray,
    denominators: Sequence[float] | np.ndarray,
    *,
    reference: str,
    kind: str = "proportion",
    conf: float = 0.95,
) -> Comparison:
    """Every group's rate, and its difference from and ratio to the ``reference`` group, with
    the intervals of the module docstring at confidence ``conf``.

    One value per group: ``numerators`` events out of ``denominators`` people (``kind=
    "proportion"``) or over ``denominators`` person-time (``kind="rate"``).

    Raises :class:`InputError` (``row`` = 1-based position) for a negative or non-finite count,
    a numerator above its denominator (proportions), a group given twice, an unknown reference,
    an unknown kind or a confidence level outside (0, 1).

    >>> c = compare(["a", "b", "c"], [30, 20, 5], [100, 100, 50], reference="b")
    >>> c.rate.tolist()
    [0.3, 0.2, 0.1]
    >>> c.difference.round(4).tolist()
    [0.1, nan, -0.1]
    >>> c.ratio.round(4).tolist()
    [1.5, nan, 0.5]
    >>> compare(["a", "b"], [30, 120], [100, 100], reference="a")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 2, column "numerator": numerator 120 is above its
    denominator 100
    """
    _check_kind(kind)
    z_of(conf)
    names = tuple(str(g) for g in groups)
    size = len(names)
    x = _counts(numerators, "numerator", size)
    n = _counts(denominators, "denominator", size)
    if kind == "proportion":
        within_denominators(x, n)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise InputError(f"group {name!r} appears more than once", row=i + 1, column="group")
        seen[name] = i
    if reference not in seen:
        shown = ", ".join(names[:10]) + (", …" if size > 10 else "")
        raise InputError(
            f"reference group {reference!r} is not in the data (groups: {shown})", column="group"
        )
    r = seen[reference]
    rate, low, high = limits(x, n, kind=kind, conf=conf)
    comparisons = (
        *mover_difference(rate, low, high, rate[r], low[r], high[r]),
        *mover_ratio(rate, low, high, rate[r], low[r], high[r]),
    )
    for values in comparisons:
        values[r] = np.nan
    return Comparison(
        names,
        reference,
        kind,
        conf,
        *(readonly(v) for v in (x, n, rate, low, high, *comparisons)),
    )

"""Direct age standardisation with the Fay-Feuer gamma confidence interval.

The directly standardised rate of a population with age-specific counts d_i and populations
(or person-time) n_i, against a standard population with age-group sizes N_i, is

    DSR = Σ w_i d_i / n_i,        w_i = N_i / Σ N

(Breslow NE, Day NE. *Statistical Methods in Cancer Research, Vol. II*, IARC 1987, ch. 2;
Fay MP, Feuer EJ. *Confidence intervals for directly standardized rates: a method based on
the gamma distribution.* Stat Med 1997;16:791-801, eq. 1). Treating the d_i as independent
Poisson counts, Var DSR = Σ w_i² d_i / n_i² (Fay & Feuer 1997, eq. 2). The 100(1 − α) %
interval is Fay & Feuer's gamma interval (1997, section 3), computed exactly as the epitools
R package's ``ageadjust.direct`` does: with w_M = max_i w_i / n_i,

    lower = Gamma⁻¹(α/2;     shape = DSR² / Var,            scale = Var / DSR)
    upper = Gamma⁻¹(1 − α/2; shape = (DSR + w_M)² / (Var + w_M²), scale = (Var + w_M²) / (DSR + w_M)).

When there are no events (DSR = Var = 0) the lower limit is 0, the limit of the formula.

Counts may exceed the population (several events per person, or events per person-time);
they must not be negative. Non-integer counts (for example weighted counts) are accepted,
though the Poisson reasoning behind the interval is then only approximate. A zero population
in any age group makes that group's rate undefined and is an error: combine age groups first.

The US 2000 standard population is built in (:data:`US2000_STANDARD`, 19 age groups, and
:data:`US2000_STANDARD_11`, 11 age groups): US Census Bureau projections P25-1130 as
tabulated in Klein RJ, Schoenborn CA. *Age adjustment using the 2000 projected U.S.
population.* Healthy People 2010 Statistical Notes, No. 20. Hyattsville, MD: National Center
for Health Statistics, January 2001 (Table 2, distribution #1 for the 11 groups); the
19-group figures are those SEER publishes for the same projection
(https://seer.cancer.gov/stdpopulations/). :func:`us2000_standard` maps arbitrary age-group
labels (``"0-4"``, ``"65+"``, ``"Under 20"`` …) onto it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.stats import gamma

from equitystats._arrays import vector
from equitystats.errors import InputError

__all__ = [
    "US2000_STANDARD",
    "US2000_STANDARD_11",
    "AgeAdjusted",
    "direct",
    "parse_age_group",
    "us2000_standard",
]

# (lower age, upper age, label, population); upper None = open-ended.
_US2000_19 = (
    (0, 0, "0", 3_794_901),
    (1, 4, "1-4", 15_191_619),
    (5, 9, "5-9", 19_919_840),
    (10, 14, "10-14", 20_056_779),
    (15, 19, "15-19", 19_819_518),
    (20, 24, "20-24", 18_257_225),
    (25, 29, "25-29", 17_722_067),
    (30, 34, "30-34", 19_511_370),
    (35, 39, "35-39", 22_179_956),
    (40, 44, "40-44", 22_479_229),
    (45, 49, "45-49", 19_805_793),
    (50, 54, "50-54", 17_224_359),
    (55, 59, "55-59", 13_307_234),
    (60, 64, "60-64", 10_654_272),
    (65, 69, "65-69", 9_409_940),
    (70, 74, "70-74", 8_725_574),
    (75, 79, "75-79", 7_414_559),
    (80, 84, "80-84", 4_900_234),
    (85, None, "85+", 4_259_173),
)
_LOWER = np.array([row[0] for row in _US2000_19], dtype=float)
_UPPER = np.array([math.inf if row[1] is None else row[1] for row in _US2000_19], dtype=float)
_POP = np.array([row[3] for row in _US2000_19], dtype=float)

#: US 2000 standard population, 19 age groups (total 274,633,642), label → persons.
#: Klein & Schoenborn 2001 (NCHS Healthy People 2010 Statistical Notes 20); SEER.
US2000_STANDARD: Mapping[str, int] = MappingProxyType({row[2]: row[3] for row in _US2000_19})

_GROUPS_11 = (
    ("0", 0, 0),
    ("1-4", 1, 4),
    ("5-14", 5, 14),
    ("15-24", 15, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65-74", 65, 74),
    ("75-84", 75, 84),
    ("85+", 85, math.inf),
)
#: US 2000 standard population, the 11 age groups of Klein & Schoenborn 2001, Table 2
#: (distribution #1), label → persons; sums of :data:`US2000_STANDARD`.
US2000_STANDARD_11: Mapping[str, int] = MappingProxyType(
    {label: int(_POP[(lo <= _LOWER) & (hi >= _UPPER)].sum()) for label, lo, hi in _GROUPS_11}
)


@dataclass(frozen=True)
class AgeAdjusted:
    """A crude and a directly age-standardised rate, both multiplied by ``multiplier``.

    ``count`` and ``population`` are the totals over age groups; ``adjusted_se`` is
    √Var DSR (Fay & Feuer 1997, eq. 2); ``ci_low``/``ci_high`` the Fay-Feuer gamma interval
    at ``conf_level``.

    >>> r = direct([10, 40], [10_000, 8_000], us2000_standard(["0-44", "45+"]), multiplier=100_000)
    >>> round(r.crude_rate, 1), round(r.adjusted_rate, 1), r.count, r.population
    (277.8, 239.4, 50.0, 18000.0)
    """

    crude_rate: float
    adjusted_rate: float
    ci_low: float
    ci_high: float
    adjusted_se: float
    count: float
    population: float
    conf_level: float
    multiplier: float


def _check(
    values: Sequence[float] | np.ndarray, what: str, *, positive: bool = False
) -> np.ndarray:
    need = "greater than zero" if positive else "zero or more"
    return vector(
        values,
        what,
        positive=positive,
        not_1d="{what} must be a one-dimensional sequence",
        not_finite="{what}: {value!r} is not a finite number",
        out_of_range="{what} must be " + need + ", got {value:g}",
    )


def direct(
    counts: Sequence[float] | np.ndarray,
    populations: Sequence[float] | np.ndarray,
    standard: Sequence[float] | np.ndarray,
    *,
    conf_level: float = 0.95,
    multiplier: float = 1.0,
) -> AgeAdjusted:
    """Directly age-standardised rate with the Fay & Feuer (1997) gamma interval.

    ``counts``, ``populations`` and ``standard`` are aligned by age group. The formulas are
    in the module docstring (Fay & Feuer 1997, eqs. 1-2 and section 3, as implemented by
    epitools ``ageadjust.direct``). Rates and limits are multiplied by ``multiplier``
    (for example 100000 for rates per 100,000).

    Raises :class:`~equitystats.errors.InputError` (``row`` = 1-based age group) for unequal
    lengths, no age groups, negative or non-finite counts, populations that are not greater
    than zero, a negative standard or one that adds up to zero, ``conf_level`` outside
    (0, 1) or ``multiplier`` not greater than zero.

    >>> r = direct([10, 40], [10_000, 8_000], [0.6, 0.4], multiplier=100_000)
    >>> round(r.crude_rate, 2), round(r.adjusted_rate, 2)
    (277.78, 260.0)
    >>> round(r.ci_low, 2), round(r.ci_high, 2)
    (192.79, 344.07)
    >>> direct([10, -1], [100, 100], [1, 1])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 2: counts must be zero or more, got -1
    """
    d = _check(counts, "counts")
    n = _check(populations, "populations", positive=True)
    std = _check(standard, "standard population")
    if not (d.size == n.size == std.size):
        raise InputError(
            f"counts, populations and standard differ in length ({d.size}, {n.size}, {std.size})"
        )
    if d.size == 0:
        raise InputError("no age groups")
    if not std.sum() > 0:
        raise InputError("the standard population adds up to zero")
    if not 0.0 < conf_level < 1.0:
        raise InputError(f"confidence level must be between 0 and 1, got {conf_level}")
    if not (math.isfinite(multiplier) and multiplier > 0):
        raise InputError(f"multiplier must be greater than zero, got {multiplier}")

    alpha = 1.0 - conf_level
    w = std / std.sum()
    dsr = float(np.sum(w * d / n))
    var = float(np.sum(w**2 * d / n**2))
    wm = float(np.max(w / n))
    # no events: the lower limit's gamma degenerates to a point mass at 0
    lower = float(gamma.ppf(alpha / 2.0, dsr**2 / var, scale=var / dsr)) if var > 0 else 0.0
    upper = float(
        gamma.ppf(
            1.0 - alpha / 2.0, (dsr + wm) ** 2 / (var + wm**2), scale=(var + wm**2) / (dsr + wm)
        )
    )
    total_d = float(d.sum())
    total_n = float(n.sum())
    m = float(multiplier)
    return AgeAdjusted(
        crude_rate=total_d / total_n * m,
        adjusted_rate=dsr * m,
        ci_low=lower * m,
        ci_high=upper * m,
        adjusted_se=math.sqrt(var) * m,
        count=total_d,
        population=total_n,
        conf_level=float(conf_level),
        multiplier=m,
    )


_RANGE = re.compile(r"^(\d+)\s*(?:-|to)\s*(\d+)$")
_OPEN = re.compile(r"^(\d+)\s*(?:\+|plus|and over|and older|or over|or older)$")
_UNDER = re.compile(r"^(?:under|<|less than)\s*(\d+)$")
_SINGLE = re.compile(r"^(\d+)$")
_NOISE = re.compile(r"\b(?:years?|yrs?|y)\b|\bold\b|\bage[sd]?\b")


def parse_age_group(label: str) -> tuple[int, float]:
    """Inclusive age bounds ``(lower, upper)`` of a label; ``upper`` is ``inf`` if open-ended.

    Understands ``"0"``, ``"00 years"``, ``"<1"``, ``"Under 20"``, ``"1-4"``, ``"01-04 years"``,
    ``"5–9"``, ``"15 to 19"``, ``"85+"``, ``"85 years and over"``, ``"40 and over"``.
    Raises :class:`~equitystats.errors.InputError` for anything else.

    >>> parse_age_group("5-14")
    (5, 14.0)
    >>> parse_age_group("85+")
    (85, inf)
    >>> parse_age_group("Under 1")
    (0, 0.0)
    """
    text = str(label).strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    text = " ".join(_NOISE.sub(" ", text).split())
    if m := _RANGE.match(text):
        lo, hi = int(m[1]), int(m[2])
        if hi < lo:
            raise InputError(f"age group {label!r} ends before it starts")
        return lo, float(hi)
    if m := _OPEN.match(text):
        return int(m[1]), math.inf
    if m := _UNDER.match(text):
        hi = int(m[1]) - 1
        if hi < 0:
            raise InputError(f"age group {label!r} is empty")
        return 0, float(hi)
    if m := _SINGLE.match(text):
        return int(m[1]), float(int(m[1]))
    raise InputError(
        f"cannot read age group {label!r}; write it like '0', '1-4', 'Under 20' or '85+'"
    )


def us2000_standard(
    labels: Sequence[str], *, groups: Sequence[object] | np.ndarray | None = None
) -> np.ndarray:
    """The US 2000 standard population for each age-group label (persons, float64).

    Each label is read with :func:`parse_age_group` and must be a union of the 19 standard
    age groups of :data:`US2000_STANDARD` (boundaries 0, 1, 5, 10, …, 85); its value is
    their sum, so ``"0-4"``, ``"5-14"``, ``"65+"`` and ``"Under 20"`` all work. Klein &
    Schoenborn 2001 (NCHS Statistical Notes 20), Table 2.

    Labels must not overlap; with ``groups`` (one key per label, for example the
    population each age group belongs to) they must not overlap within a group. Each
    distinct label is parsed once, so long columns are cheap.

    Raises :class:`~equitystats.errors.InputError` (``row`` = 1-based label position) for a
    label that is unreadable, that does not fall on the standard's boundaries, that
    appears twice or that overlaps another label.

    >>> us2000_standard(["0-4", "5-64", "65+"]).tolist()
    [18986520.0, 220937642.0, 34709480.0]
    """
    text = np.asarray([str(label) for label in labels], dtype=str)
    if text.size == 0:
        return np.empty(0, dtype=float)
    uniq, first, inverse = np.unique(text, return_index=True, return_inverse=True)
    lo_u = np.empty(uniq.size)
    hi_u = np.empty(uniq.size)
    val_u = np.empty(uniq.size)
    for k, label in enumerate(uniq):  # once per distinct label, not per row
        row = int(first[k]) + 1
        try:
            lo, hi = parse_age_group(str(label))
        except InputError as exc:
            raise InputError(exc.message, row=row) from None
        if lo not in _LOWER or hi not in _UPPER:
            raise InputError(
                f"age group {str(label)!r} does not fall on the US 2000 standard's age groups "
                "(0, 1-4, 5-9, …, 80-84, 85+)",
                row=row,
            )
        lo_u[k], hi_u[k] = lo, hi
        val_u[k] = _POP[(lo <= _LOWER) & (hi >= _UPPER)].sum()

    lower, upper = lo_u[inverse], hi_u[inverse]
    if groups is None:
        codes = np.zeros(text.size, dtype=int)
    else:
        keys = np.asarray([str(g) for g in groups], dtype=str)
        if keys.size != text.size:
            raise InputError(f"{keys.size} group keys for {text.size} age-group labels")
        codes = np.unique(keys, return_inverse=True)[1]
    order = np.lexsort((lower, codes))
    same_group = codes[order][1:] == codes[order][:-1]
    clash = np.flatnonzero(same_group & (upper[order][:-1] >= lower[order][1:]))
    if clash.size:
        a, b = sorted((int(order[clash[0]]), int(order[clash[0] + 1])))
        if text[a] == text[b]:
            raise InputError(f"age group {str(text[b])!r} appears more than once", row=b + 1)
        raise InputError(
            f"age group {str(text[b])!r} overlaps age group {str(text[a])!r}", row=b + 1
        )
    return val_u[inverse]

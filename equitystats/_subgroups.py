"""Input handling for :func:`equitystats.spc.chart`: the checked arrays, 1-based positions,
the subgroups (rows with equal ``x``, in order of first appearance, summed as qicharts2 0.8.1
does), the parts of a chart, and the IHI and NHS rule sets applied part by part (the rules
themselves, with their sources, are in :mod:`equitystats.runs`). Sums and means only, no
formulas.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from equitystats import runs as _runs
from equitystats._arrays import first_appearance, first_row
from equitystats._limits import PROPORTION_CHARTS
from equitystats._validate import counts, within_denominators
from equitystats.errors import InputError

#: Charts whose y are counts (not negative).
COUNT_CHARTS = ("c", "u", "up", "p", "pp")


def _float_array(v: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    try:
        a = np.array(v, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers", column=name) from None
    if a.ndim != 1:
        raise InputError(f"{name} must be one-dimensional", column=name)
    bad = np.flatnonzero(np.isinf(a))
    if bad.size:
        raise InputError("value is not a finite number", row=int(bad[0]) + 1, column=name)
    return a


def _positions(v: Sequence[int] | int | None, name: str) -> np.ndarray:
    if v is None:
        return np.zeros(0, dtype=np.int64)
    a = np.atleast_1d(np.asarray(v))
    if a.ndim != 1 or (a.size and not np.all(np.mod(a, 1) == 0)):
        raise InputError(f"{name} must be whole 1-based positions")
    return a.astype(np.int64)


def _validate_counts(chart: str, y: np.ndarray, n: np.ndarray | None) -> None:
    if chart in COUNT_CHARTS:
        counts(y, whole=False, column="y")
    if n is not None:
        bad = n <= 0
        if bad.any():
            r = first_row(bad)
            raise InputError(f"denominator must be positive, not {n[r - 1]:g}", row=r, column="n")
        if chart in PROPORTION_CHARTS:
            within_denominators(y, n, column="y")


@dataclass(frozen=True)
class _Groups:
    x: np.ndarray  # label per subgroup
    first_row: np.ndarray  # 1-based input row of each subgroup's first row
    y_sum: np.ndarray
    y_len: np.ndarray
    y_mean: np.ndarray
    y_sd: np.ndarray
    n_sum: np.ndarray | None


def _group(y: np.ndarray, n: np.ndarray | None, x: Any) -> _Groups:
    """Aggregate rows by x in order of first appearance (qicharts2 ``qic.agg``)."""
    size = y.size
    if x is None:
        labels = np.arange(1, size + 1)
        codes = None
    else:
        labels_in = np.asarray(x)
        if labels_in.ndim != 1 or labels_in.size != size:
            raise InputError(f"x has {labels_in.size} values but y has {size}", column="x")
        if labels_in.dtype == object:
            labels_in = labels_in.astype(str)
        labels, codes, first = first_appearance(labels_in)
        if labels.size == size:
            labels, codes = labels_in, None
        else:
            first_rows = first + 1
    nan_y = np.isnan(y)
    if codes is None:
        return _Groups(
            labels,
            np.arange(1, size + 1),
            y.copy(),
            (~nan_y).astype(float),
            y.copy(),
            np.full(size, np.nan),
            None if n is None else n.copy(),
        )
    g = labels.size
    y0 = np.where(nan_y, 0.0, y)
    y_len = np.bincount(codes, weights=(~nan_y).astype(float), minlength=g)
    y_sum = np.bincount(codes, weights=y0, minlength=g)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_mean = y_sum / y_len
        dev = np.where(nan_y, 0.0, y - y_mean[codes])
        ss = np.bincount(codes, weights=dev * dev, minlength=g)
        y_sd = np.where(y_len > 1, np.sqrt(ss / (y_len - 1)), np.nan)
    y_sum = np.where(y_len > 0, y_sum, np.nan)
    n_sum = None
    if n is not None:
        nan_n = np.isnan(n)
        n_len = np.bincount(codes, weights=(~nan_n).astype(float), minlength=g)
        n_sum = np.bincount(codes, weights=np.where(nan_n, 0.0, n), minlength=g)
        n_sum = np.where(n_len > 0, n_sum, np.nan)
    return _Groups(labels, first_rows, y_sum, y_len, y_mean, y_sd, n_sum)


def _parts(count: int, part: np.ndarray) -> np.ndarray:
    if part.size:
        bad = (part < 1) | (part >= count)
        if bad.any():
            raise InputError(
                f"part {int(part[bad][0])} is not between 1 and {count - 1} "
                f"(the last point of a part before a break)"
            )
    breaks = np.unique(part)
    idx = np.arange(count)
    return np.searchsorted(breaks, idx, side="right").astype(np.int64) + 1


def _part_slices(parts: np.ndarray) -> Iterator[slice]:
    """Yield one slice per part: the runs of equal consecutive part numbers."""
    bounds = np.flatnonzero(np.diff(parts)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [parts.size]])
    for lo, hi in zip(starts, ends, strict=True):
        yield slice(int(lo), int(hi))


def _dense(parts: np.ndarray, usable: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield (part slice, indices of usable points) per part."""
    for sl in _part_slices(parts):
        yield sl, np.flatnonzero(usable[sl]) + sl.start


def _ihi_per_part(
    chart: str, y: np.ndarray, signs: np.ndarray, parts: np.ndarray, included: np.ndarray
) -> dict[str, np.ndarray]:
    count = y.size
    shift = np.zeros(count, dtype=bool)
    trend = np.zeros(count, dtype=bool)
    few = np.zeros(count, dtype=bool)
    many = np.zeros(count, dtype=bool)
    if chart != "mr":
        usable = included & ~np.isnan(y)
        for sl, idx in _dense(parts, usable):
            if not idx.size:
                continue
            r = _runs.ihi(y[idx][None, :], signs[idx][None, :])
            shift[idx] = r.shift[0]
            trend[idx] = r.trend[0]
            few[sl] = r.runs_too_few[0]
            many[sl] = r.runs_too_many[0]
    return {"shift": shift, "trend": trend, "runs_too_few": few, "runs_too_many": many}


def _nhs_per_part(
    chart: str,
    lines: dict[str, np.ndarray],
    parts: np.ndarray,
    included: np.ndarray,
    improvement: str,
    tested: np.ndarray,
) -> dict[str, np.ndarray]:
    y = lines["y"]
    # Every point is tested against the limits; the pattern rules see included points only.
    r_all = _runs.nhs(
        y[None, :],
        lines["cl"],
        lines["lcl"],
        lines["ucl"],
        lines["lcl2"],
        lines["ucl2"],
        improvement=improvement,
        patterns=False,
    )
    code = r_all.special_cause_type[0].copy()
    ptype = r_all.point_type[0].copy()
    code[~tested] = 0
    ptype[~tested] = 0
    if chart != "mr":
        usable = included & tested & ~np.isnan(y)
        for _sl, idx in _dense(parts, usable):
            if not idx.size:
                continue
            r = _runs.nhs(
                y[idx][None, :],
                lines["cl"][idx],
                lines["lcl"][idx],
                lines["ucl"][idx],
                lines["lcl2"][idx],
                lines["ucl2"][idx],
                improvement=improvement,
            )
            code[idx] = r.special_cause_type[0]
            ptype[idx] = r.point_type[0]
    return {
        "special_cause": code != 0,
        "special_cause_type": np.asarray(_runs.SPECIAL_CAUSE_TYPES, dtype=object)[code],
        "point_type": np.asarray(_runs.POINT_TYPES, dtype=object)[ptype],
    }

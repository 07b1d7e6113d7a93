"""Many p charts at once (:func:`p_chart_many`), every rule set vectorised over a
(series × points) matrix; re-exported by :mod:`equitystats.spc`. Same formulas as a single
p chart there (Montgomery §7.2.1–7.2.2) and the rules of :mod:`equitystats.runs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from equitystats import runs as _runs

BATCH_RULES = ("anhoej", "ihi", "nhs", "shewhart")


@dataclass(frozen=True, eq=False)
class BatchResult:
    """p charts for many series (rows) of equal length (columns).

    ``y``/``lcl``/``ucl``/``sigma_signal`` and the per-point rule results are (S, T);
    ``cl`` and per-series rule results are (S,). Fields of rule sets not requested are
    ``None``. NHS types are int8 codes into :data:`equitystats.runs.SPECIAL_CAUSE_TYPES`
    and :data:`equitystats.runs.POINT_TYPES`.

    >>> r = p_chart_many(np.array([[5, 6, 4, 20], [5, 5, 5, 5]]), np.full((2, 4), 50), rules=["shewhart"])
    >>> r.signal.tolist()
    [True, False]
    >>> r.runs_signal is None
    True
    """

    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    sigma_signal: np.ndarray | None = None
    n_useful: np.ndarray | None = None
    longest_run: np.ndarray | None = None
    longest_run_max: np.ndarray | None = None
    crossings: np.ndarray | None = None
    crossings_min: np.ndarray | None = None
    runs_signal: np.ndarray | None = None
    shift: np.ndarray | None = None
    trend: np.ndarray | None = None
    runs_too_few: np.ndarray | None = None
    runs_too_many: np.ndarray | None = None
    special_cause: np.ndarray | None = None
    special_cause_type: np.ndarray | None = None
    point_type: np.ndarray | None = None

    @property
    def signal(self) -> np.ndarray:
        """Per series: any signal from any of the computed rule sets."""
        out = np.zeros(self.cl.shape, dtype=bool)
        if self.sigma_signal is not None:
            out |= self.sigma_signal.any(axis=1)
        if self.runs_signal is not None:
            out |= self.runs_signal
        if self.shift is not None:
            out |= self.shift.any(axis=1) | self.trend.any(axis=1)
            out |= self.runs_too_few | self.runs_too_many
        if self.special_cause is not None:
            out |= self.special_cause.any(axis=1)
        return out


def p_chart_many(
    y: np.ndarray,
    n: np.ndarray,
    *,
    rules: Sequence[str] = BATCH_RULES,
    freeze: int | None = None,
    multiply: float = 1.0,
    improvement: str = "neutral",
) -> BatchResult:
    """p charts for many series at once, every rule set vectorised over the whole matrix.

    ``y`` (counts) and ``n`` (denominators) are (series × points) arrays of finite numbers,
    ``0 <= y <= n``, ``n > 0``. Each row gives the same numbers as
    ``chart(y[i], n=n[i], chart="p", freeze=freeze, multiply=multiply, rules=...)``: CL = Σy/Σn
    over the first ``freeze`` points (all by default), limits CL ± 3√(CL(1−CL)/n) clipped to
    [0, 1] (Montgomery §7.2.1–7.2.2), then the requested rules from
    :mod:`equitystats.runs`: ``anhoej`` (Anhøj & Olesen 2014), ``ihi`` (Perla, Provost &
    Murray 2011; Swed & Eisenhart 1943), ``nhs`` (NHS Making Data Count 2019) and
    ``shewhart`` (points outside the limits). No Python loop runs per series.

    >>> y = np.array([[5, 6, 4, 7, 5, 6, 8, 5], [1, 1, 1, 1, 20, 20, 20, 20]])
    >>> r = p_chart_many(y, np.full(y.shape, 50))
    >>> r.cl.round(4).tolist()
    [0.115, 0.21]
    >>> r.runs_signal.tolist(), r.sigma_signal.any(axis=1).tolist()
    ([False, False], [False, True])
    """
    ya = np.asarray(y, dtype=float)
    na = np.asarray(n, dtype=float)
    if ya.ndim != 2 or ya.shape != na.shape:
        raise ValueError("y and n must be 2-D arrays of the same shape (series × points)")
    unknown = set(rules) - set(BATCH_RULES)
    if unknown:
        raise ValueError(f"unknown rules {sorted(unknown)}; choose from {', '.join(BATCH_RULES)}")
    if not (np.isfinite(ya).all() and np.isfinite(na).all()):
        raise ValueError("y and n must be finite")
    if ya.size and (na.min() <= 0 or ya.min() < 0 or (ya > na).any()):
        raise ValueError("need 0 <= y <= n and n > 0")
    rows, cols = ya.shape
    k = cols if freeze is None else int(freeze)
    if not 1 <= k <= cols:
        raise ValueError(f"freeze must be between 1 and {cols}")
    direction = _runs._direction(improvement)
    p = ya / na
    cl = ya[:, :k].sum(axis=1) / na[:, :k].sum(axis=1)
    clc = cl[:, None]
    sd = np.sqrt(clc * (1 - clc) / na)
    lcl = np.maximum(clc - 3 * sd, 0.0)
    ucl = np.minimum(clc + 3 * sd, 1.0)
    m = float(multiply)
    if m != 1.0:
        p_out, cl_out, lcl_out, ucl_out = p * m, cl * m, lcl * m, ucl * m
    else:
        p_out, cl_out, lcl_out, ucl_out = p, cl, lcl, ucl
    fields: dict[str, Any] = {"y": p_out, "cl": cl_out, "lcl": lcl_out, "ucl": ucl_out}
    if "shewhart" in rules:
        fields["sigma_signal"] = (p_out > ucl_out) | (p_out < lcl_out)
    side = None
    if "anhoej" in rules or "ihi" in rules or ("nhs" in rules and m == 1.0):
        side = _runs._Runs(_runs.sign_of(p - clc), skip_zeros=True)
    if "anhoej" in rules:
        a = _runs._anhoej(side)
        fields.update(
            n_useful=a.n_useful,
            longest_run=a.longest_run,
            longest_run_max=a.longest_run_max,
            crossings=a.crossings,
            crossings_min=a.crossings_min,
            runs_signal=a.signal,
        )
    if "ihi" in rules:
        r = _runs._ihi(p, side)
        fields.update(
            shift=r.shift,
            trend=r.trend,
            runs_too_few=r.runs_too_few,
            runs_too_many=r.runs_too_many,
        )
    if "nhs" in rules:
        lcl2 = np.maximum(clc - 2 * sd, 0.0)
        ucl2 = np.minimum(clc + 2 * sd, 1.0)
        if m != 1.0:
            lcl2, ucl2 = lcl2 * m, ucl2 * m
            rtm = _runs.sign_of(p_out - cl_out[:, None])
        else:
            rtm = side.signs
        r = _runs._nhs(p_out, rtm, lcl_out, ucl_out, lcl2, ucl2, direction, True, side)
        fields.update(
            special_cause=r.special_cause,
            special_cause_type=r.special_cause_type,
            point_type=r.point_type,
        )
    return BatchResult(**fields)

"""Stratified rates with confidence intervals, from aggregated counts or a patient-level extract.

For every period the result holds the overall rate (all patients), the rate of every group of
each stratifier, and of every group of each chosen intersection (e.g. race_ethnicity ×
language). Missing categories (blank cells, and labels such as "declined") are groups of their
own, so the numerators and denominators of every stratifier add up to the overall in every
period.

Both entry points aggregate with DuckDB in ONE pass using GROUPING SETS: an extract of tens of
millions of rows is streamed from CSV or Parquet, never loaded into Python objects. Bad input
(missing period, missing / non-numeric / non-finite / negative / fractional counts, numerator
greater than denominator) is flagged row by row in the same pass — the (period) grouping set
is also grouped by the flag, so validation adds no aggregate to the other sets; only when a
row is flagged does a second query find the FIRST offending row and raises :class:`~equitystats.errors.InputError` with its
1-based row number and column.

Formulas
--------
* Proportions: rate p = x/n; standard error √(p(1−p)/n), the binomial standard error (e.g.
  Agresti, *Categorical Data Analysis*, 3rd ed., 2013, §1.3); 95 % interval by the Wilson
  score method (Wilson 1927, JASA 22:209–212), which is method 3 of Newcombe (1998), Stat Med
  17:857–872: (2x + z² ± z√(z² + 4x(1 − x/n))) / (2(n + z²)).
* Rates per person-time: rate = x/t; standard error √x / t (Poisson variance equals the mean);
  exact interval of Garwood (1936), Biometrika 28:437–442, in its chi-square form
  (e.g. Ulm 1990, Am J Epidemiol 131:373–375): lower = χ²(α/2; 2x)/(2t) (0 when x = 0),
  upper = χ²(1 − α/2; 2x + 2)/(2t).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from equitystats._arrays import readonly
from equitystats._grouping import (
    INTERSECTION_SEP,
    OVERALL,
    Grouped,
    Plan,
    aggregate,
    group_labels,
    group_order,
    grouped_of,
    label_of,
    parse_columns,
    parse_intersections,
    period_values,
)
from equitystats._sources import (
    Check,
    Located,
    Numeric,
    Source,
    bad_flag,
    cell,
    columns_of,
    first_bad_row,
    numeric,
    numeric_checks,
    open_data,
    open_file,
    period_sql,
    quote,
    raise_first,
    select_columns,
)
from equitystats.errors import InputError
from equitystats.intervals import garwood, wilson_score, z_of

#: The public names; the DuckDB sources and row checks are defined in ``equitystats._sources``.
__all__ = [
    "ALL",
    "Check",
    "Grouped",
    "INTERSECTION_SEP",
    "Interval",
    "KINDS",
    "Located",
    "Numeric",
    "OVERALL",
    "Plan",
    "Source",
    "StratifiedRates",
    "aggregate",
    "assemble",
    "bad_flag",
    "cell",
    "columns_of",
    "first_bad_row",
    "from_counts",
    "from_extract",
    "group_labels",
    "group_order",
    "grouped_of",
    "label_of",
    "numeric",
    "numeric_checks",
    "open_data",
    "open_file",
    "parse_columns",
    "parse_intersections",
    "period_sql",
    "period_text",
    "period_values",
    "poisson_interval",
    "quote",
    "raise_first",
    "rate_statistics",
    "select_columns",
    "stratify_plan",
    "wilson_interval",
]

KINDS = ("proportion", "rate")
ALL = "all"

# --------------------------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Interval:
    """Point estimate and interval limits (arrays, or floats when every input was a scalar).

    >>> i = wilson_interval(3, 10)
    >>> round(i.estimate, 4), round(i.low, 4), round(i.high, 4)
    (0.3, 0.1078, 0.6032)
    """

    estimate: np.ndarray | float
    low: np.ndarray | float
    high: np.ndarray | float


def _as_float(values: Any, name: str) -> np.ndarray:
    try:
        out = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers") from None
    if np.isnan(out).any() or np.isinf(out).any():
        raise InputError(f"{name} must be finite numbers")
    if (out < 0).any():
        raise InputError(f"{name} must not be negative")
    return out


def _shape(scalar: bool, *arrays: np.ndarray) -> tuple[np.ndarray | float, ...]:
    if scalar:
        return tuple(float(a) for a in arrays)
    out = []
    for a in arrays:
        a.setflags(write=False)
        out.append(a)
    return tuple(out)


def wilson_interval(x: Any, n: Any, conf: float = 0.95) -> Interval:
    """Wilson score interval for a binomial proportion x/n, vectorised.

    Wilson EB (1927), "Probable inference, the law of succession, and statistical inference",
    JASA 22:209–212; Newcombe RG (1998), Stat Med 17:857–872, method 3 (no continuity
    correction): limits (2x + z² ± z√(z² + 4x(1 − x/n))) / (2(n + z²)), z = Φ⁻¹((1 + conf)/2).
    For x = 81, n = 263 this gives 0.2553 to 0.3662 (Newcombe 1998, Table II).
    Where n = 0 the estimate and limits are NaN. Computed by
    :func:`equitystats.intervals.wilson_score` after checking 0 ≤ x ≤ n and ``conf``.

    >>> i = wilson_interval([3, 0], [10, 20])
    >>> i.estimate.tolist(), i.low.round(4).tolist(), i.high.round(4).tolist()
    ([0.3, 0.0], [0.1078, 0.0], [0.6032, 0.1611])
    """
    scalar = np.ndim(x) == 0 and np.ndim(n) == 0
    x_arr = _as_float(x, "x")
    n_arr = _as_float(n, "n")
    if (x_arr > n_arr).any():
        raise InputError("x must not exceed n")
    return Interval(*_shape(scalar, *wilson_score(x_arr, n_arr, z_of(conf))))


def poisson_interval(x: Any, t: Any, conf: float = 0.95) -> Interval:
    """Exact (Garwood) interval for a Poisson rate x/t, vectorised.

    Garwood F (1936), "Fiducial limits for the Poisson distribution", Biometrika 28:437–442,
    chi-square form: lower = χ²(α/2; 2x)/(2t), 0 when x = 0; upper = χ²(1 − α/2; 2x + 2)/(2t),
    α = 1 − conf. ``t`` is person-time (any positive number); where t = 0 the estimate and
    limits are NaN. Computed by :func:`equitystats.intervals.garwood` after checking x, t ≥ 0
    and ``conf``.

    >>> i = poisson_interval(4, 1000.0)
    >>> i.estimate, round(i.low, 5), round(i.high, 5)
    (0.004, 0.0011, 0.0102)
    """
    scalar = np.ndim(x) == 0 and np.ndim(t) == 0
    x_arr = _as_float(x, "x")
    t_arr = _as_float(t, "t")
    z_of(conf)
    return Interval(*_shape(scalar, *garwood(x_arr, t_arr, conf)))


def rate_statistics(
    numerator: np.ndarray, denominator: np.ndarray, *, kind: str = "proportion", conf: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rate, standard error, interval low and high for count arrays (see module docstring).

    >>> rate, se, low, high = rate_statistics(np.array([3.0]), np.array([10.0]))
    >>> rate.tolist(), se.round(4).tolist(), low.round(4).tolist(), high.round(4).tolist()
    ([0.3], [0.1449], [0.1078], [0.6032])
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    if kind == "proportion":
        interval = wilson_interval(x, n, conf)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.asarray(interval.estimate, dtype=float)
            se = np.sqrt(p * (1 - p) / n)
    elif kind == "rate":
        interval = poisson_interval(x, n, conf)
        with np.errstate(invalid="ignore", divide="ignore"):
            se = np.where(n > 0, np.sqrt(x) / np.where(n > 0, n, 1), np.nan)
    else:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return (
        np.array(interval.estimate, dtype=float),
        np.asarray(se, dtype=float),
        np.array(interval.low, dtype=float),
        np.array(interval.high, dtype=float),
    )


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


def period_text(value: Any) -> str:
    """A period value as text: ISO dates (with time only when not midnight), plain integers.

    >>> import datetime
    >>> period_text(datetime.date(2024, 3, 1)), period_text(datetime.datetime(2024, 3, 1, 12)), period_text(7.0)
    ('2024-03-01', '2024-03-01T12:00:00', '7.0')
    """
    if isinstance(value, np.datetime64):
        day = value.astype("datetime64[D]")
        return str(day) if day == value else str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    return str(value)


def _python(value: Any) -> Any:
    if isinstance(value, np.datetime64):
        return period_text(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


@dataclass(frozen=True, eq=False)
class StratifiedRates:
    """Stratified rates in columns, one entry per (period, stratifier, group).

    ``stratifier`` is ``"overall"`` (group ``"all"``), a stratum column name, or an
    intersection such as ``"race_ethnicity*language"`` (groups ``"black*es"``). Rows are ordered
    by period, then stratifier (overall, strata, intersections, as requested), then group
    (categories alphabetically, missing-value codes last). ``rate``, ``se``, ``ci_low`` and
    ``ci_high`` are NaN where the denominator is 0.

    >>> r = from_counts(period=[1, 1, 2, 2], strata={"sex": ["f", "m", "f", "m"]}, numerator=[3, 4, 5, 2], denominator=[10, 10, 10, 10])
    >>> len(r), r.stratifiers, r.periods.tolist()
    (6, ('overall', 'sex'), [1, 2])
    >>> r.select(stratifier="sex", period=2).rate.tolist()
    [0.5, 0.2]
    >>> r.to_rows()[0]
    {'period': '1', 'stratifier': 'overall', 'group': 'all', 'numerator': 7.0, 'denominator':
    20.0, 'rate': 0.35, 'se': 0.1067, 'ci_low': 0.1812, 'ci_high': 0.5671}
    """

    period: np.ndarray
    stratifier: np.ndarray
    group: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    rate: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    kind: str = "proportion"
    conf: float = 0.95

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "period",
        "stratifier",
        "group",
        "numerator",
        "denominator",
        "rate",
        "se",
        "ci_low",
        "ci_high",
    )

    def __len__(self) -> int:
        return len(self.group)

    @property
    def stratifiers(self) -> tuple[str, ...]:
        """Stratifier names in output order."""
        seen: dict[str, None] = {}
        for name in self.stratifier:
            seen.setdefault(str(name), None)
        return tuple(seen)

    @property
    def periods(self) -> np.ndarray:
        """Distinct periods, in order."""
        _, first = np.unique(self.period, return_index=True)
        return self.period[np.sort(first)]

    def select(self, *, stratifier: str | None = None, period: Any = None) -> StratifiedRates:
        """The rows of one stratifier and/or one period."""
        mask = np.ones(len(self), dtype=bool)
        if stratifier is not None:
            mask &= self.stratifier == stratifier
        if period is not None:
            mask &= self.period == period
        return StratifiedRates(
            *(readonly(getattr(self, c)[mask]) for c in self.COLUMNS),
            kind=self.kind,
            conf=self.conf,
        )

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per row with plain Python values (periods as text, NaN kept as NaN)."""
        columns = {c: getattr(self, c) for c in self.COLUMNS}
        return [
            {c: _python(columns[c][i]) for c in self.COLUMNS}
            | {"period": period_text(self.period[i])}
            for i in range(len(self))
        ]


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def _check_kind(kind: str, conf: float) -> None:
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    z_of(conf)


def from_extract(
    path: str | Path,
    *,
    period: str,
    strata: str | Sequence[str] = (),
    numerator: str,
    denominator: str,
    intersections: Iterable[str | Sequence[str]] | str = (),
    kind: str = "proportion",
    conf: float = 0.95,
    normalize: Mapping[str, str] | None = None,
) -> StratifiedRates:
    """Stratified rates from a patient-level extract (CSV or Parquet), aggregated by DuckDB.

    One row per patient and period; ``numerator`` and ``denominator`` are 0/1 flags (or counts;
    for ``kind="rate"`` the denominator is person-time). The file is scanned once with
    GROUPING SETS — (period), (period, s) for each stratum, (period, a, b, …) for each
    intersection — and never loaded into Python objects. ``normalize`` maps stratum columns to
    :mod:`equitystats.standards` stratifiers (``race_ethnicity``, ``sexual_orientation``,
    ``gender_identity``, ``language``) whose raw labels are coded after aggregation.

    Errors (InputError with the file, the first offending 1-based data row, and column): a
    missing period; a missing, non-numeric, non-finite, negative or fractional count; a
    numerator greater than its denominator (proportions).

    >>> import tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "extract.parquet"
    >>> rows = {"month": ["2024-01"] * 4, "race": ["Asian", "White", "White", ""], "met": [1, 0, 1, 1], "eligible": [1, 1, 1, 1]}
    >>> pq.write_table(pa.table(rows), path)
    >>> r = from_extract(path, period="month", strata="race", numerator="met", denominator="eligible", normalize={"race": "race_ethnicity"})
    >>> list(zip(r.stratifier.tolist(), r.group.tolist(), r.rate.tolist()))
    [('overall', 'all', 0.75), ('race', 'asian', 1.0), ('race', 'white', 0.5), ('race',
    'missing', 1.0)]
    >>> tmp.cleanup()
    """
    _check_kind(kind, conf)
    source = open_file(path)
    return _stratify(
        source,
        period=period,
        strata=parse_columns(strata),
        numerator=numerator,
        denominator=denominator,
        intersections=parse_intersections(intersections),
        kind=kind,
        conf=conf,
        normalize=normalize or {},
    )


def from_counts(
    data: Any = None,
    *,
    period: Any,
    strata: str | Sequence[str] | Mapping[str, Any] = (),
    numerator: Any,
    denominator: Any,
    kind: str = "proportion",
    intersections: Iterable[str | Sequence[str]] | str = (),
    conf: float = 0.95,
    normalize: Mapping[str, str] | None = None,
) -> StratifiedRates:
    """Stratified rates from aggregated counts (or any in-memory rows).

    Either ``data`` is a mapping of column name → values (or an
    :class:`equitystats.table.Table`, or an Arrow table) and ``period``, ``strata``,
    ``numerator``, ``denominator`` name its columns; or ``data`` is None and they are the
    arrays themselves, with ``strata`` a mapping of stratum name → values. Rows with the same
    period and group are added up. Errors name the 1-based row and the column.

    >>> r = from_counts({"month": [1, 1], "race": ["Asian", "Black"], "x": [3, 4], "n": [10, 20]}, period="month", strata="race", numerator="x", denominator="n")
    >>> r.group.tolist(), r.rate.tolist()
    (['all', 'Asian', 'Black'], [0.2333, 0.3, 0.2])
    >>> from_counts(period=[1], strata={}, numerator=[5], denominator=[4])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 1, column "numerator": numerator 5 is greater than
    denominator 4
    """
    _check_kind(kind, conf)
    if data is None:
        if not isinstance(strata, Mapping):
            raise InputError("without data, strata must map each stratum name to its values")
        columns: dict[str, Any] = {
            "period": period,
            "numerator": numerator,
            "denominator": denominator,
        }
        columns.update(strata)
        strata_names = tuple(strata)
        period, numerator, denominator = "period", "numerator", "denominator"
        file = None
    else:
        mapping, file = columns_of(data)
        strata_names = parse_columns(list(strata) if isinstance(strata, Mapping) else strata)
        wanted = [period, numerator, denominator, *strata_names]
        crosses = parse_intersections(intersections)
        wanted += [c for cols in crosses for c in cols]
        columns = select_columns(mapping, wanted, file=file)
    source = open_data(columns, file=file)
    return _stratify(
        source,
        period=period,
        strata=strata_names,
        numerator=numerator,
        denominator=denominator,
        intersections=parse_intersections(intersections),
        kind=kind,
        conf=conf,
        normalize=normalize or {},
    )


def stratify_plan(
    source: Any,
    period: str,
    strata: tuple[str, ...],
    numerator: str,
    denominator: str,
    intersections: tuple[tuple[str, ...], ...],
    *,
    normalize: Mapping[str, str],
) -> Plan:
    """The :class:`Plan` of a stratification, after checking that its columns exist.

    >>> source = open_data({"month": [1], "race": ["a"], "lang": ["en"], "x": [1], "n": [2]})
    >>> plan = stratify_plan(source, "month", ("race", "lang"), "x", "n", (("race", "lang"),), normalize={})
    >>> plan.specs
    (('overall', ()), ('race', ('race',)), ('lang', ('lang',)), ('race*lang', ('race', 'lang')))
    >>> stratify_plan(source, "month", ("sex",), "x", "n", (), normalize={})
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: missing column 'sex' (columns found: month, race, lang, x, n)
    """
    plan = Plan.make(strata, intersections)
    source.require(period, numerator, denominator, *plan.group_columns)
    unknown = [c for c in normalize if c not in plan.group_columns]
    if unknown:
        raise source.error(f"normalize names columns that are not strata: {', '.join(unknown)}")
    return plan


def _stratify(
    source: Source,
    *,
    period: str,
    strata: tuple[str, ...],
    numerator: str,
    denominator: str,
    intersections: tuple[tuple[str, ...], ...],
    kind: str,
    conf: float,
    normalize: Mapping[str, str],
) -> StratifiedRates:
    plan = stratify_plan(
        source, period, strata, numerator, denominator, intersections, normalize=normalize
    )
    x_spec = numeric(source, numerator)
    n_spec = numeric(source, denominator)
    values = [
        f"{x_spec.raw} AS __x_raw",
        f"{x_spec.value} AS __x_val",
        f"{n_spec.raw} AS __n_raw",
        f"{n_spec.value} AS __n_val",
    ]
    checks = numeric_checks("__x", x_spec, integer=True)
    checks += numeric_checks("__n", n_spec, integer=kind == "proportion")
    if kind == "proportion":
        checks.append(
            Check(
                numerator,
                "__x_val > __n_val",
                "numerator {raw} is greater than denominator {other}",
                other=denominator,
            )
        )
    # Grouping sets: (period, bad flag), then (period, columns...) for each stratifier.
    grouped = aggregate(
        source,
        plan,
        period=period,
        values=values,
        checks=checks,
        aggregates="CAST(SUM(__x_val) AS DOUBLE) AS __x, CAST(SUM(__n_val) AS DOUBLE) AS __n",
    )
    return assemble(source, plan, grouped, kind=kind, conf=conf, normalize=normalize)


def assemble(
    source: Any,
    plan: Plan,
    grouped: Grouped,
    *,
    kind: str,
    conf: float,
    normalize: Mapping[str, str],
) -> StratifiedRates:
    """Labels, merged groups, output order and intervals from the aggregates of ``plan``
    (``source`` locates an unrecognised label when ``normalize`` is given).

    >>> source = open_data({"month": [1, 1], "race": ["a", "b"], "x": [1, 3], "n": [2, 4]})
    >>> plan = stratify_plan(source, "month", ("race",), "x", "n", (), normalize={})
    >>> agg = "CAST(SUM(x) AS DOUBLE) AS __x, CAST(SUM(n) AS DOUBLE) AS __n"
    >>> grouped = aggregate(source, plan, period="month", values=["x", "n"], checks=[], aggregates=agg)
    >>> r = assemble(source, plan, grouped, kind="proportion", conf=0.95, normalize={})
    >>> r.group.tolist(), r.rate.tolist()
    (['all', 'a', 'b'], [0.6667, 0.5, 0.75])
    """
    gcols = plan.group_columns
    result, gid = grouped.table, grouped.gid
    period_keys, period_index = grouped.periods, grouped.period_index
    x_all = result.column("__x").to_numpy()
    n_all = result.column("__n").to_numpy()
    labels = {
        c: group_labels(source, c, result.column(f"__g{i}").combine_chunks(), normalize.get(c))
        for i, c in enumerate(gcols)
    }

    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("p", "s", "g", "x", "n", "order")}
    for spec_index, (name, cols) in enumerate(plan.specs):
        mask = gid == plan.gid(cols)
        if not cols:
            group = np.full(int(mask.sum()), ALL, dtype=object)
        else:
            group = labels[cols[0]][mask].astype(str)
            for c in cols[1:]:
                group = np.char.add(
                    np.char.add(group, INTERSECTION_SEP), labels[c][mask].astype(str)
                )
            group = group.astype(object)
        pidx = period_index[mask]
        # Merge rows whose labels coincide after labelling (e.g. NULL and "" both "missing").
        g_keys, g_index = np.unique(group.astype(str), return_inverse=True)
        key = pidx * len(g_keys) + g_index
        merged, inverse = np.unique(key, return_inverse=True)
        parts["p"].append(merged // len(g_keys))
        parts["g"].append(g_keys[merged % len(g_keys)].astype(object))
        parts["x"].append(np.bincount(inverse, weights=x_all[mask], minlength=len(merged)))
        parts["n"].append(np.bincount(inverse, weights=n_all[mask], minlength=len(merged)))
        parts["s"].append(np.full(len(merged), name, dtype=object))
        parts["order"].append(np.full(len(merged), spec_index))

    p_idx = np.concatenate(parts["p"])
    group = np.concatenate(parts["g"])
    spec_order = np.concatenate(parts["order"])
    order = np.lexsort((group_order(group), spec_order, p_idx))
    x = np.concatenate(parts["x"])[order]
    n = np.concatenate(parts["n"])[order]
    rate, se, low, high = rate_statistics(x, n, kind=kind, conf=conf)
    return StratifiedRates(
        period=readonly(period_keys[p_idx[order]]),
        stratifier=readonly(np.concatenate(parts["s"])[order]),
        group=readonly(group[order]),
        numerator=readonly(x),
        denominator=readonly(n),
        rate=readonly(rate),
        se=readonly(se),
        ci_low=readonly(low),
        ci_high=readonly(high),
        kind=kind,
        conf=conf,
    )

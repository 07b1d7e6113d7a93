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
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from equitystats import standards
from equitystats._arrays import readonly
from equitystats.errors import InputError, missing_columns
from equitystats.intervals import garwood, wilson_score, z_of

KINDS = ("proportion", "rate")
OVERALL = "overall"
ALL = "all"
INTERSECTION_SEP = "*"

# --------------------------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Interval:
    """Point estimate and interval limits (arrays, or floats when every input was a scalar)."""

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
    """
    scalar = np.ndim(x) == 0 and np.ndim(t) == 0
    x_arr = _as_float(x, "x")
    t_arr = _as_float(t, "t")
    z_of(conf)
    return Interval(*_shape(scalar, *garwood(x_arr, t_arr, conf)))


def rate_statistics(
    numerator: np.ndarray, denominator: np.ndarray, *, kind: str = "proportion", conf: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rate, standard error, interval low and high for count arrays (see module docstring)."""
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
    """A period value as text: ISO dates (with time only when not midnight), plain integers."""
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
# DuckDB sources
# --------------------------------------------------------------------------------------------

# Integer types widened to BIGINT so that sums and differences in checks cannot overflow.
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
_FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL", "UBIGINT", "HUGEINT", "UHUGEINT"}
_PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Located:
    """Errors that name the source (``file``) and the check that its columns exist (``types``),
    shared by the embedded DuckDB source and the other engines' (``equitystats.engines``)."""

    file: str | None
    types: Mapping[str, Any]

    def error(
        self, message: str, *, row: int | None = None, column: str | None = None
    ) -> InputError:
        return InputError(message, file=self.file, row=row, column=column)

    def require(self, *names: str) -> None:
        missing = [n for n in dict.fromkeys(names) if n not in self.types]
        if missing:
            raise missing_columns(missing, self.types, file=self.file)


@dataclass
class Source(Located):
    """A table DuckDB can scan: a CSV/Parquet file, or in-memory columns.

    ``relation`` is the FROM clause of the aggregation. ``row_relation`` (when not None)
    adds a 1-based ``__row`` column and is only scanned to locate a bad row; CSV files have no
    row number, so their bad row is found by streaming the checks in file order.
    """

    con: duckdb.DuckDBPyConnection
    relation: str
    row_relation: str | None
    types: dict[str, str]
    file: str | None = None

    def query(self, sql: str) -> duckdb.DuckDBPyConnection:
        """Run ``sql``; DuckDB errors (unreadable file, malformed CSV) become InputError."""
        try:
            return self.con.execute(sql)
        except duckdb.Error as exc:
            raise self._read_error(exc) from None

    def arrow(self, sql: str) -> pa.Table:
        """The result of ``sql`` as an Arrow table."""
        try:
            return self.con.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise self._read_error(exc) from None

    def batches(self, sql: str, rows: int = 1 << 16) -> Iterable[pa.RecordBatch]:
        """The result of ``sql`` streamed as Arrow record batches, in scan order."""
        try:
            yield from self.con.sql(sql).to_arrow_reader(rows)
        except duckdb.Error as exc:
            raise self._read_error(exc) from None

    def first_row_with(self, column: str, raw: Any) -> int | None:
        """The 1-based data row where ``column`` holds ``raw`` first (None if not found)."""
        check = Check(column, f"CAST({quote(column)} AS VARCHAR) = {_literal(str(raw))}", "")
        located = first_bad_row(self, quote(column), [check])
        return located[0] if located else None

    def _read_error(self, exc: Exception) -> InputError:
        text = str(exc).strip()
        first = text.splitlines()[0] if text else type(exc).__name__
        return self.error(f"cannot read: {first}")


_DATABASE: dict[int, duckdb.DuckDBPyConnection] = {}
_DATABASE_LOCK = threading.Lock()


def _connect() -> duckdb.DuckDBPyConnection:
    """A new connection (cursor) to this process's in-memory database.

    Opening a database costs ~10 ms, a cursor well under 1 ms, and what a cursor registers is
    its own; DuckDB asks for one cursor per thread ("Python DB API", duckdb.org/docs). Keyed
    by process id so a forked worker never shares its parent's database.
    """
    pid = os.getpid()
    with _DATABASE_LOCK:
        if pid not in _DATABASE:
            _DATABASE.clear()
            _DATABASE[pid] = duckdb.connect(database=":memory:")
        return _DATABASE[pid].cursor()


def open_file(path: str | Path) -> Source:
    """A :class:`Source` over a CSV or Parquet file (chosen by suffix, else by magic bytes)."""
    file = str(path)
    p = Path(path)
    try:
        with p.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=file) from None
    parquet = p.suffix.lower() in _PARQUET_SUFFIXES or magic == b"PAR1"
    lit = _literal(str(p))
    if parquet:
        relation = f"read_parquet({lit})"
        row_relation = (
            f"(SELECT file_row_number + 1 AS __row, * "  # noqa: S608 - identifiers quoted, literals escaped
            f"FROM read_parquet({lit}, file_row_number = true))"
        )
    else:
        relation = f"read_csv({lit}, header = true, all_varchar = true)"
        row_relation = None
    source = Source(_connect(), relation, row_relation, {}, file)
    described = source.query(f"DESCRIBE SELECT * FROM {relation}").fetchall()  # noqa: S608 - identifiers quoted, literals escaped
    source.types = {str(r[0]): str(r[1]).upper() for r in described}
    return source


def _to_arrow(values: Any, name: str) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    if isinstance(values, pa.Array):
        return values
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        return pa.array(values, from_pandas=True)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return pa.array(values)
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):  # pandas Series
        return _to_arrow(values.to_numpy(), name)
    try:
        array = pa.array(
            values if isinstance(values, np.ndarray) else list(values), from_pandas=True
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return standards.to_arrow_text(values)
    if pa.types.is_null(array.type):
        array = array.cast(pa.string())
    return array


def open_data(columns: Mapping[str, Any], *, file: str | None = None) -> Source:
    """A :class:`Source` over in-memory columns (a mapping of name → array-like)."""
    arrays = {name: _to_arrow(values, name) for name, values in columns.items()}
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        raise InputError(f"columns differ in length ({detail})", file=file)
    n = next(iter(lengths.values()), 0)
    arrays["__row"] = pa.array(np.arange(1, n + 1, dtype=np.int64))
    table = pa.table(arrays)
    con = _connect()
    con.register("__data", table)
    source = Source(con, "__data", "__data", {}, file)
    described = con.execute("DESCRIBE SELECT * FROM __data").fetchall()
    source.types = {str(r[0]): str(r[1]).upper() for r in described if r[0] != "__row"}
    return source


def columns_of(data: Any) -> tuple[Mapping[str, Any], str | None]:
    """Columns and source name of a mapping, :class:`equitystats.table.Table` or Arrow table."""
    if isinstance(data, pa.Table):
        return {name: data.column(name) for name in data.column_names}, None
    if hasattr(data, "columns") and isinstance(data.columns, Mapping):
        return data.columns, getattr(data, "source", None)
    if isinstance(data, Mapping):
        return data, None
    if hasattr(data, "columns") and hasattr(data, "__getitem__"):  # a pandas DataFrame
        return {str(c): data[c] for c in data.columns}, None
    raise InputError(
        "data must be a mapping of column name to values, a Table, an Arrow table or a DataFrame"
    )


def select_columns(
    mapping: Mapping[str, Any], wanted: Sequence[str], *, file: str | None = None
) -> dict[str, Any]:
    """The ``wanted`` columns of ``mapping`` (from :func:`columns_of`), each once; InputError
    naming the columns that are not there."""
    names = list(dict.fromkeys(wanted))
    missing = [c for c in names if c not in mapping]
    if missing:
        raise missing_columns(missing, mapping, file=file)
    return {c: mapping[c] for c in names}


# --------------------------------------------------------------------------------------------
# Row checks, evaluated in the aggregation pass and located only when something is wrong
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Numeric:
    """SQL for one numeric column: raw value (NULL when missing) and value as a number."""

    column: str
    raw: str
    value: str
    text: bool
    integer_typed: bool


def numeric(source: Source, column: str) -> Numeric:
    q = quote(column)
    kind = source.types[column]
    if kind == "BIGINT":
        return Numeric(column, q, q, False, True)
    if kind in _INTEGER_TYPES:
        return Numeric(column, q, f"CAST({q} AS BIGINT)", False, True)
    if kind in _FLOAT_TYPES or kind.startswith("DECIMAL"):
        return Numeric(column, q, f"CAST({q} AS DOUBLE)", False, False)
    if kind == "BOOLEAN":
        return Numeric(column, q, f"CAST({q} AS INTEGER)", False, True)
    if kind == "VARCHAR":
        raw = f"NULLIF(TRIM({q}), '')"
        return Numeric(column, raw, f"TRY_CAST({raw} AS DOUBLE)", True, False)
    raise source.error(f"holds {kind} values, not numbers", column=column)


def period_sql(source: Source, column: str) -> str:
    q = quote(column)
    return f"NULLIF(TRIM({q}), '')" if source.types[column] == "VARCHAR" else q


@dataclass(frozen=True)
class Check:
    """A per-row problem: SQL condition over the checked projection, column, message."""

    column: str
    sql: str
    message: str  # format with {raw} (the raw cell) and {other} (second column's raw cell)
    other: str | None = None


def numeric_checks(alias: str, spec: Numeric, *, integer: bool) -> list[Check]:
    """Checks for a count column: present, a number, finite, ≥ 0, whole (when ``integer``)."""
    raw, value = f"{alias}_raw", f"{alias}_val"
    checks = [Check(spec.column, f"{raw} IS NULL", "value is missing")]
    if spec.text:
        checks.append(
            Check(spec.column, f"{raw} IS NOT NULL AND {value} IS NULL", "{raw!r} is not a number")
        )
    if not spec.integer_typed:
        checks.append(
            Check(spec.column, f"NOT isfinite({value})", "{raw!r} is not a finite number")
        )
    checks.append(Check(spec.column, f"{value} < 0", "{raw!r} is negative"))
    if integer and not spec.integer_typed:
        checks.append(
            Check(spec.column, f"{value} <> ROUND({value})", "{raw!r} is not a whole number")
        )
    return checks


def bad_flag(checks: Sequence[Check]) -> str:
    """SQL for one boolean per row: does the row fail any of ``checks``?

    The aggregation query groups its (period) set by this flag too, so a single pass over the
    data both aggregates and validates: no extra aggregate is computed in the other grouping
    sets. Only when some row is flagged does :func:`raise_first` look for the first one.
    """
    return " OR ".join(f"COALESCE(({c.sql}), false)" for c in checks) or "false"


def first_bad_row(
    source: Source, projection: str, checks: Sequence[Check]
) -> tuple[int, int] | None:
    """(1-based row, index into ``checks``) of the first row failing any check, or None."""
    if not checks:
        return None
    conds = [f"COALESCE(({c.sql}), false)" for c in checks]
    if source.row_relation is not None:
        mins = ", ".join(f"MIN(CASE WHEN {c} THEN __row END)" for c in conds)
        sql = f"SELECT {mins} FROM (SELECT __row, {projection} FROM {source.row_relation})"  # noqa: S608 - identifiers quoted, literals escaped
        found = source.query(sql).fetchone() or ()
        best: tuple[int, int] | None = None
        for i, row in enumerate(found):
            if row is not None and (best is None or int(row) < best[0]):
                best = (int(row), i)
        return best
    sql = f"SELECT {', '.join(conds)} FROM (SELECT {projection} FROM {source.relation})"  # noqa: S608 - identifiers quoted, literals escaped
    reader = source.batches(sql)
    offset = 0
    for batch in reader:
        flags = np.column_stack(
            [batch.column(i).to_numpy(zero_copy_only=False) for i in range(batch.num_columns)]
        ).astype(bool)
        hit = flags.any(axis=1)
        if hit.any():
            index = int(np.argmax(hit))
            return offset + index + 1, int(np.argmax(flags[index]))
        offset += batch.num_rows
    return None


def cell(source: Source, row: int, expression: str) -> str | None:
    """The text of ``expression`` in data row ``row`` (1-based)."""
    if source.row_relation is not None:
        sql = (
            f"SELECT CAST({expression} AS VARCHAR) FROM {source.row_relation} "  # noqa: S608 - identifiers quoted, literals escaped
            f"WHERE __row = {int(row)}"
        )
    else:
        sql = f"SELECT CAST({expression} AS VARCHAR) FROM {source.relation} LIMIT 1 OFFSET {int(row) - 1}"  # noqa: S608 - identifiers quoted, literals escaped
    found = source.query(sql).fetchone()
    return None if found is None else found[0]


def raise_first(source: Source, projection: str, checks: Sequence[Check]) -> None:
    """Raise the located error for the first bad row; a generic one if none is found."""
    located = first_bad_row(source, projection, checks)
    if located is None:
        raise source.error("the counts are not valid numbers (could not locate the row)")
    row, index = located
    check = checks[index]
    raw = cell(source, row, quote(check.column))
    other = cell(source, row, quote(check.other)) if check.other else None
    message = check.message.format(raw=raw, other=other)
    raise source.error(message, row=row, column=check.column)


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------


def label_of(value: Any) -> str:
    """A group label from a raw cell: blank/None → ``missing``; dates ISO; whole floats as ints."""
    if value is None:
        return standards.MISSING
    if isinstance(value, float):
        if value != value:
            return standards.MISSING
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    text = str(value).strip()
    return text if text else standards.MISSING


def group_labels(
    source: Source,
    column: str,
    values: pa.Array,
    stratifier: str | None,
) -> np.ndarray:
    """Labels for the aggregated values of one stratum column (vectorised over distinct values).

    With ``stratifier`` the labels are normalised by :func:`equitystats.standards.normalize`
    semantics; an unrecognised label raises InputError at its first row in the source.
    """
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary.to_pylist()
    labels = [label_of(v) for v in distinct] + [standards.MISSING]
    if stratifier is not None:
        mapped = []
        for raw, label in zip([*distinct, None], labels, strict=True):
            code = (
                standards.MISSING
                if label == standards.MISSING
                else standards.code_for(stratifier, label)
            )
            if code is None:
                raise source.error(
                    f"unrecognised {stratifier} value {str(raw)!r}",
                    row=source.first_row_with(column, raw),
                    column=column,
                )
            mapped.append(code)
        labels = mapped
    table = np.array(labels, dtype=object)
    indices = encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    return table[indices]


def group_order(labels: np.ndarray) -> np.ndarray:
    """Rank of each label: categories alphabetically, then missing-value codes (fixed order)."""
    uniques, inverse = np.unique(labels.astype(str), return_inverse=True)
    missing_rank = {code: i for i, code in enumerate(standards.MISSING_CODES)}

    def key(label: str) -> tuple[int, int, str]:
        parts = label.split(INTERSECTION_SEP)
        worst = max((missing_rank.get(p, -1) for p in parts), default=-1)
        return (0 if worst < 0 else 1, worst, label)

    order = sorted(range(len(uniques)), key=lambda i: key(str(uniques[i])))
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    return rank[inverse]


def period_values(values: pa.Array, text_source: bool) -> np.ndarray:
    """Periods as numpy: integers when a text column holds only whole numbers."""
    if text_source:
        try:
            return pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    out = values.to_numpy(zero_copy_only=False)
    if out.dtype == object:
        out = np.array([label_of(v) for v in out], dtype=object)
    return out


# --------------------------------------------------------------------------------------------
# Stratifier specifications
# --------------------------------------------------------------------------------------------


def parse_columns(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Column names from ``"a,b"`` or a sequence; duplicates dropped."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(s.strip() for s in items if s and s.strip()))


def parse_intersections(
    items: Iterable[str | Sequence[str]] | str | None,
) -> tuple[tuple[str, ...], ...]:
    """Intersections from ``"a*b"`` strings or sequences of column names (≥ 2 each)."""
    if items is None:
        return ()
    if isinstance(items, str):
        items = [items]
    out: list[tuple[str, ...]] = []
    for item in items:
        cols = tuple(
            c.strip() for c in (item.split(INTERSECTION_SEP) if isinstance(item, str) else item)
        )
        cols = tuple(c for c in cols if c)
        if len(cols) < 2 or len(set(cols)) != len(cols):
            raise InputError(
                f"an intersection needs two or more different columns joined by '*', got {item!r}"
            )
        if cols not in out:
            out.append(cols)
    return tuple(out)


@dataclass(frozen=True)
class Plan:
    """What to group by: output stratifiers and the grouping sets that feed them."""

    specs: tuple[tuple[str, tuple[str, ...]], ...]  # (stratifier name, columns)
    group_columns: tuple[str, ...]  # every stratum column, in order

    @staticmethod
    def make(
        strata: Sequence[str], intersections: Sequence[tuple[str, ...]], *, overall: bool = True
    ) -> Plan:
        specs: list[tuple[str, tuple[str, ...]]] = [(OVERALL, ())] if overall else []
        specs += [(s, (s,)) for s in strata]
        specs += [(INTERSECTION_SEP.join(cols), cols) for cols in intersections]
        columns = tuple(dict.fromkeys([*strata, *(c for cols in intersections for c in cols)]))
        return Plan(tuple(specs), columns)

    def grouping_sets(self) -> list[tuple[str, ...]]:
        sets = list(
            dict.fromkeys(
                tuple(sorted(cols, key=self.group_columns.index)) for _, cols in self.specs
            )
        )
        return sets

    def gid(self, cols: Sequence[str]) -> int:
        """GROUPING() bitmask of a set: bit i (from the left) is 1 when column i is rolled up."""
        k = len(self.group_columns)
        return sum(1 << (k - 1 - i) for i, c in enumerate(self.group_columns) if c not in cols)


# --------------------------------------------------------------------------------------------
# One pass: aggregate and validate (shared with equitystats.quality)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Grouped:
    """The result of :func:`aggregate`.

    ``table`` has the columns ``__p`` (period), ``__g0``, ``__g1``, … (the plan's stratum
    columns, NULL where rolled up), ``__bad``, ``__gid`` (the GROUPING() bitmask, see
    :meth:`Plan.gid`) and the aggregates; ``gid`` is ``__gid`` as numpy, ``periods`` the
    distinct periods in order and ``period_index`` each row's index into them.
    """

    table: pa.Table
    gid: np.ndarray
    periods: np.ndarray
    period_index: np.ndarray


def aggregate(
    source: Source,
    plan: Plan,
    *,
    period: str,
    values: Sequence[str],
    checks: Sequence[Check],
    aggregates: str,
) -> Grouped:
    """Aggregate ``source`` by period and each of ``plan``'s grouping sets in ONE DuckDB pass,
    validating every row in the same pass.

    The projection is the period as ``__p`` (:func:`period_sql`), the plan's stratum columns
    as ``__g0``, ``__g1``, … and the SQL items ``values`` (e.g. ``"x" AS __x_raw``);
    ``aggregates`` are the SQL select items computed per group (e.g.
    ``CAST(SUM(__x_val) AS DOUBLE) AS __x``). Every row is checked — a missing period first,
    then ``checks`` — and the first grouping set is also grouped by the resulting flag
    (:func:`bad_flag`), so validation adds no aggregate to the other sets. Raises
    :class:`~equitystats.errors.InputError` when there are no data rows, and the located error
    of the first bad row (:func:`raise_first`) when any row is flagged.
    """
    gcols = plan.group_columns
    aliases = [f"__g{i}" for i in range(len(gcols))]
    projection = ", ".join(
        [
            f"{period_sql(source, period)} AS __p",
            *(f"{quote(c)} AS {a}" for c, a in zip(gcols, aliases, strict=True)),
            *values,
        ]
    )
    checks = [Check(period, "__p IS NULL", "value is missing"), *checks]
    set_sql = ", ".join(
        "("
        + ", ".join(["__p", *(aliases[gcols.index(c)] for c in s), *(["__bad"] if i == 0 else [])])
        + ")"
        for i, s in enumerate(plan.grouping_sets())
    )
    gid_sql = f"GROUPING({', '.join(aliases)})" if aliases else "0"
    sql = (
        f"SELECT __p, {''.join(a + ', ' for a in aliases)}__bad, {gid_sql} AS __gid, {aggregates} "  # noqa: S608 - identifiers quoted, literals escaped
        f"FROM (SELECT *, {bad_flag(checks)} AS __bad "
        f"FROM (SELECT {projection} FROM {source.relation})) "
        f"GROUP BY GROUPING SETS ({set_sql})"
    )
    result = source.arrow(sql)
    if result.num_rows == 0:
        raise source.error("has no data rows")
    if pc.any(pc.equal(result.column("__bad"), True)).as_py():
        raise_first(source, projection, checks)
    return grouped_of(result)


def grouped_of(result: pa.Table) -> Grouped:
    """The :class:`Grouped` of an aggregate table (from DuckDB here, or another engine through
    :mod:`equitystats.engines`)."""
    text_period = result.schema.field("__p").type in (pa.string(), pa.large_string())
    periods = period_values(result.column("__p").combine_chunks(), text_period)
    period_keys, period_index = np.unique(periods, return_inverse=True)
    return Grouped(result, result.column("__gid").to_numpy(), period_keys, period_index)


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
    """The :class:`Plan` of a stratification, after checking that its columns exist."""
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
    (``source`` locates an unrecognised label when ``normalize`` is given)."""
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

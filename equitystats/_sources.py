"""Where :mod:`equitystats.stratify` reads from: DuckDB sources over a CSV or Parquet file or
in-memory columns, and the row checks (missing / non-numeric / non-finite / negative /
fractional counts) that the aggregation pass evaluates and that are located by row only when
something is wrong. Re-exported by ``stratify`` (``equitystats.stratify.Source`` etc.), which
``equitystats.quality``, ``equitystats.engines`` and the web app use. No formulas here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from equitystats import standards
from equitystats.errors import InputError, missing_columns

# Integer types widened to BIGINT so that sums and differences in checks cannot overflow.
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
_FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL", "UBIGINT", "HUGEINT", "UHUGEINT"}
_PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}


def quote(name: str) -> str:
    """A SQL identifier.

    >>> print(quote('my "odd" column'))
    "my ""odd"" column"
    """
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Located:
    """Errors that name the source (``file``) and the check that its columns exist (``types``),
    shared by the embedded DuckDB source and the other engines' (``equitystats.engines``).

    >>> where = open_data({"month": ["2024-01"]}, file="visits.csv")
    >>> print(where.error("not a number", row=3, column="month"))
    visits.csv, row 3, column "month": not a number
    >>> where.require("month", "numerator")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: visits.csv: missing column 'numerator' (columns found: month)
    """

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

    >>> source = open_data({"month": ["2024-01", "2024-02"], "x": [1, 2]})
    >>> source.types
    {'month': 'VARCHAR', 'x': 'BIGINT'}
    >>> source.arrow(f"SELECT COUNT(*) AS n FROM {source.relation}").to_pylist()
    [{'n': 2}]
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
    """A :class:`Source` over a CSV or Parquet file (chosen by suffix, else by magic bytes).

    >>> import tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "counts.parquet"
    >>> pq.write_table(pa.table({"month": ["2024-01"], "x": [3]}), path)
    >>> source = open_file(path)
    >>> source.types, source.file == str(path)
    ({'month': 'VARCHAR', 'x': 'BIGINT'}, True)
    >>> tmp.cleanup()
    """
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
    """A :class:`Source` over in-memory columns (a mapping of name → array-like).

    >>> open_data({"group": ["a", "b"], "n": [10, 20.5]}, file="upload.csv").types
    {'group': 'VARCHAR', 'n': 'DOUBLE'}
    """
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
    """Columns and source name of a mapping, :class:`equitystats.table.Table` or Arrow table.

    >>> columns, name = columns_of({"x": [1, 2]})
    >>> list(columns), name
    (['x'], None)
    """
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
    naming the columns that are not there.

    >>> sorted(select_columns({"x": [1], "n": [2], "other": [3]}, ["x", "n", "x"]))
    ['n', 'x']
    >>> select_columns({"x": [1]}, ["x", "n"], file="a.csv")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: a.csv: missing column 'n' (columns found: x)
    """
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
    """SQL for one numeric column: raw value (NULL when missing) and value as a number.

    >>> spec = numeric(open_data({"x": ["3", " ", "4.5"]}), "x")
    >>> print(spec.raw, spec.value, spec.text, spec.integer_typed, sep=" | ")
    NULLIF(TRIM("x"), '') | TRY_CAST(NULLIF(TRIM("x"), '') AS DOUBLE) | True | False
    """

    column: str
    raw: str
    value: str
    text: bool
    integer_typed: bool


def numeric(source: Source, column: str) -> Numeric:
    """SQL for the raw value and the numeric value of a count column, by its DuckDB type
    (text is trimmed and cast; an unsupported type is an :class:`InputError`).

    >>> numeric(open_data({"x": [1, 2]}), "x").value
    '"x"'
    >>> print(numeric(open_data({"x": ["1", "2"]}), "x").value)
    TRY_CAST(NULLIF(TRIM("x"), '') AS DOUBLE)
    """
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
    """SQL for a period column: text trimmed, with blank as NULL; other types as they are.

    >>> print(period_sql(open_data({"month": ["2024-01"]}), "month"))
    NULLIF(TRIM("month"), '')
    >>> period_sql(open_data({"month": [1]}), "month")
    '"month"'
    """
    q = quote(column)
    return f"NULLIF(TRIM({q}), '')" if source.types[column] == "VARCHAR" else q


@dataclass(frozen=True)
class Check:
    """A per-row problem: SQL condition over the checked projection, column, message.

    >>> check = Check("x", "__x_val < 0", "{raw!r} is negative")
    >>> check.column, check.sql
    ('x', '__x_val < 0')
    """

    column: str
    sql: str
    message: str  # format with {raw} (the raw cell) and {other} (second column's raw cell)
    other: str | None = None


def numeric_checks(alias: str, spec: Numeric, *, integer: bool) -> list[Check]:
    """Checks for a count column: present, a number, finite, ≥ 0, whole (when ``integer``).

    >>> spec = numeric(open_data({"x": ["1"]}), "x")
    >>> [c.message for c in numeric_checks("__x", spec, integer=True)]
    ['value is missing', '{raw!r} is not a number', '{raw!r} is not a finite number', '{raw!r}
    is negative', '{raw!r} is not a whole number']
    """
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

    >>> bad_flag([Check("x", "x < 0", "negative"), Check("x", "x > 9", "too big")])
    'COALESCE((x < 0), false) OR COALESCE((x > 9), false)'
    >>> bad_flag([])
    'false'
    """
    return " OR ".join(f"COALESCE(({c.sql}), false)" for c in checks) or "false"


def first_bad_row(
    source: Source, projection: str, checks: Sequence[Check]
) -> tuple[int, int] | None:
    """(1-based row, index into ``checks``) of the first row failing any check, or None.

    >>> source = open_data({"x": [1, 5, -2, -3]})
    >>> first_bad_row(source, "x AS x", [Check("x", "x > 9", "big"), Check("x", "x < 0", "negative")])
    (3, 1)
    >>> first_bad_row(source, "x AS x", [Check("x", "x > 9", "big")]) is None
    True
    """
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
    """The text of ``expression`` in data row ``row`` (1-based).

    >>> cell(open_data({"x": ["a", "b"]}), 2, "x")
    'b'
    """
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
    """Raise the located error for the first bad row; a generic one if none is found.

    >>> source = open_data({"x": [1, -2]})
    >>> raise_first(source, "x AS __x_val, x AS __x_raw", [Check("x", "__x_val < 0", "{raw} is negative")])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 2, column "x": -2 is negative
    """
    located = first_bad_row(source, projection, checks)
    if located is None:
        raise source.error("the counts are not valid numbers (could not locate the row)")
    row, index = located
    check = checks[index]
    raw = cell(source, row, quote(check.column))
    other = cell(source, row, quote(check.other)) if check.other else None
    message = check.message.format(raw=raw, other=other)
    raise source.error(message, row=row, column=check.column)

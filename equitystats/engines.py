"""Run the extract aggregations where the data lives: DuckDB, PostgreSQL or Apache Spark.

The extract computations — numerator and denominator sums per period for the overall, each
stratifier and each intersection (:func:`from_extract`), and record counts per period and
label for data completeness (:func:`completeness_from_extract`, also the counts behind gaps)
— are written ONCE as an Ibis expression (ibis-project.org) and compiled by Ibis to the SQL of
the engine: DuckDB (a CSV/Parquet file, embedded), PostgreSQL (a table or view in the database
a URL names) or Spark (a CSV/Parquet file or directory; local mode, ``--spark-master URL`` or
Spark Connect through ``SPARK_REMOTE``). Only the aggregates — one row per period and group —
leave the engine; labels, intervals and suppression run on them here as for a local file
(:func:`equitystats.stratify.assemble`, :func:`equitystats.quality.completeness_of`).

Ibis has no GROUPING SETS: the rows are summed once into their finest cells (period × every
stratum column × the row's "bad" flag) and each grouping set is a GROUP BY over those cells,
the sets joined by UNION ALL — one scan of the data; every row is validated in the same query (the first set is also grouped by the row's
"bad" flag, as in :func:`equitystats.stratify.aggregate`). Engines other than embedded DuckDB
keep no row order, so a bad value is reported by its column and value, without a row number.

The ``duckdb`` engine of :func:`from_extract` is the hand-written single-pass DuckDB SQL of
:mod:`equitystats.stratify` (it also locates the first bad row); the test
``test_engines.py`` proves it gives the same counts and intervals as this expression on DuckDB,
PostgreSQL and Spark.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc

from equitystats import quality, stratify
from equitystats.errors import InputError

ENGINES = ("duckdb", "postgres", "spark")

# What DuckDB's TRY_CAST(... AS DOUBLE) accepts, less inf/nan: PostgreSQL has no TRY_CAST, so
# text counts are cast only where they look like a number, on every engine alike.
_NUMBER = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$"


@dataclass
class EngineSource(stratify.Located):
    """An Ibis table on one engine, and the name errors give it (a file, or ``db: table``).

    >>> import tempfile, pathlib, pyarrow.parquet as pq
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "extract.parquet"
    >>> pq.write_table(pa.table({"month": ["2024-01", "2024-01"], "met": [1, 0]}), path)
    >>> source = open_source("duckdb", path)
    >>> source.engine, sorted(source.types), source.first_row_with("met", "x")
    ('duckdb', ['met', 'month'], None)
    >>> source.to_arrow(source.table.select("met")).num_rows
    2
    >>> tmp.cleanup()
    """

    engine: str
    table: Any  # ibis.Table
    file: str
    types: dict[str, Any] = field(default_factory=dict)  # column → ibis data type

    def first_row_with(self, column: str, raw: Any) -> int | None:
        """Engines other than embedded DuckDB keep no row order: no row number."""
        return None

    def to_cache(self, expr: Any) -> Any:
        return self._run(expr.cache)

    def to_arrow(self, expr: Any) -> pa.Table:
        return self._run(expr.to_pyarrow)

    def _run(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except InputError:
            raise
        except Exception as exc:  # each engine has its own error classes
            raise self.error(f"the {self.engine} engine failed: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --------------------------------------------------------------------------------------------
# Connecting
# --------------------------------------------------------------------------------------------

_SPARK: dict[str, Any] = {}
_SPARK_LOCK = threading.Lock()


def _optional(module: str) -> Any:
    """``module`` of the optional engines (Ibis, pyspark), or a clear message when they are not
    installed (``make demo`` leaves them out: serving the web app never needs them)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise InputError(
            "the postgres and spark engines need the optional packages: "
            "pip install 'pursuing-equity[engines]'"
        ) from exc


def spark_session(master: str | None = None) -> Any:
    """This process's SparkSession (one per process: starting a JVM takes seconds).

    ``master`` is a Spark master URL (``spark://host:7077``, ``yarn``, ``local[4]``); without
    it Spark Connect is used when ``SPARK_REMOTE`` is set (``sc://host:15002``, needs
    ``pyspark[connect]``), else local mode on every core. ``EQUITYSTATS_SPARK_PARTITIONS``
    sets ``spark.sql.shuffle.partitions`` (default 8: the aggregates are small).

    Needs Java and pyspark, and starts a JVM, so the example is not run by the test suite:

    >>> spark = spark_session("local[1]")  # doctest: +SKIP
    >>> spark is spark_session("local[1]")  # doctest: +SKIP
    True
    """
    SparkSession = _optional("pyspark.sql").SparkSession

    key = master or os.environ.get("SPARK_REMOTE") or "local[*]"
    with _SPARK_LOCK:
        if key not in _SPARK:
            builder = SparkSession.builder.appName("equitystats")
            if master or not os.environ.get("SPARK_REMOTE"):
                builder = builder.master(key)
            builder = (
                builder.config(
                    "spark.sql.shuffle.partitions",
                    os.environ.get("EQUITYSTATS_SPARK_PARTITIONS", "8"),
                )
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
            )
            _SPARK.clear()
            try:
                session = builder.getOrCreate()
            except Exception as exc:  # no Java, master unreachable, Connect not installed
                raise InputError(f"cannot start Spark ({key}): {_first_line(exc)}") from None
            with contextlib.suppress(Exception):  # Spark Connect has no SparkContext
                session.sparkContext.setLogLevel("ERROR")
            _SPARK[key] = session
        return _SPARK[key]


def _file_kind(path: str) -> str:
    """``parquet`` or ``csv``: by suffix, else by the magic bytes of a local file. A URI that
    only the cluster can read (``s3a://``, ``hdfs://``) or a directory counts as Parquet
    unless it ends in ``.csv``."""
    p = Path(path)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", path) and not path.startswith("file://"):
        return "csv" if path.lower().rstrip("/").endswith(".csv") else "parquet"
    if p.is_dir():
        return "parquet"
    try:
        with p.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from None
    parquet = p.suffix.lower() in {".parquet", ".pq", ".parq"} or magic == b"PAR1"
    return "parquet" if parquet else "csv"


def _safe_url(url: str) -> str:
    """The database URL without user name and password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def open_source(
    engine: str,
    source: str | Path,
    *,
    table: str | None = None,
    spark_master: str | None = None,
) -> EngineSource:
    """An :class:`EngineSource` on ``engine``: a CSV/Parquet file for duckdb and spark, a
    database URL and ``table`` (``name`` or ``schema.name``, a table or a view) for postgres.

    CSV cells are read as text on every engine (like :func:`equitystats.stratify.open_file`).
    Errors never show the URL's user name or password.

    >>> import tempfile, pathlib, pyarrow.parquet as pq
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "extract.parquet"
    >>> pq.write_table(pa.table({"month": ["2024-01"], "met": [1]}), path)
    >>> open_source("duckdb", path).file == str(path)
    True
    >>> open_source("sqlite", path)
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: engine must be one of duckdb, postgres, spark, got 'sqlite'
    >>> tmp.cleanup()
    """
    ibis = _optional("ibis")

    source = str(source)
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "postgres":
        if not table:
            raise InputError("--table is required with --engine postgres: name the table or view")
        name = f"{_safe_url(source)}: {table}"
        if urlsplit(source).scheme not in ("postgres", "postgresql"):
            raise InputError(
                "with --engine postgres, SOURCE is a database URL "
                "(postgres://user@host:5432/database)"
            )
        try:
            con = ibis.connect(source)
        except Exception as exc:
            raise InputError(
                f"cannot connect to {_safe_url(source)}: {type(exc).__name__}"
            ) from None
        schema, _, relation = table.rpartition(".")
        try:
            expr = con.table(relation, database=schema or None)
        except Exception:
            raise InputError(
                f"table or view {table!r} does not exist in {_safe_url(source)}"
            ) from None
    else:
        if table:
            raise InputError(f"--table is for --engine postgres; with {engine} SOURCE is a file")
        name = source
        kind = _file_kind(source)
        try:
            if engine == "duckdb":
                con = ibis.duckdb.connect()
                expr = (
                    con.read_parquet(source)
                    if kind == "parquet"
                    else con.read_csv(source, header=True, all_varchar=True)
                )
            else:
                con = ibis.pyspark.connect(spark_session(spark_master))
                expr = (
                    con.read_parquet(source)
                    if kind == "parquet"
                    else con.read_csv(source, header=True, inferSchema=False)
                )
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"cannot read: {_first_line(exc)}", file=source) from None
    return EngineSource(engine, expr, name, dict(expr.schema().items()))


# --------------------------------------------------------------------------------------------
# The expression
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Numeric:
    """A count column: raw value (NULL when missing) and value as a number (NULL if not one).

    >>> import ibis
    >>> source = EngineSource("duckdb", ibis.memtable({"x": ["3", "a"]}), "memory")
    >>> source.types.update(source.table.schema().items())
    >>> spec = numeric(source, "x")
    >>> spec.text, spec.integer_typed
    (True, False)
    """

    column: str
    raw: Any
    value: Any
    text: bool
    integer_typed: bool


def numeric(source: EngineSource, column: str) -> Numeric:
    """A count column's raw value (NULL when missing) and its value as a number (NULL when
    not one), as Ibis expressions, by the column's Ibis type.

    >>> import ibis
    >>> source = EngineSource("duckdb", ibis.memtable({"x": [1, 2]}), "memory")
    >>> source.types.update(source.table.schema().items())
    >>> numeric(source, "x").integer_typed
    True
    """
    col = source.table[column]
    kind = source.types[column]
    if kind.is_integer():
        return Numeric(column, col, col.cast("int64"), False, True)
    if kind.is_floating() or kind.is_decimal():
        return Numeric(column, col, col.cast("float64"), False, False)
    if kind.is_boolean():
        return Numeric(column, col, col.ifelse(1, 0).cast("int64"), False, True)
    if kind.is_string():
        raw = col.strip().nullif("")
        value = raw.re_search(_NUMBER).ifelse(raw.cast("float64"), None)
        return Numeric(column, raw, value, True, False)
    raise source.error(f"holds {kind} values, not numbers", column=column)


@dataclass(frozen=True)
class Check:
    """A per-row problem: condition over the projected table, column, message (as in
    :class:`equitystats.stratify.Check`).

    >>> check = Check("x", lambda t: t.x < 0, "{raw!r} is negative")
    >>> check.column, check.message
    ('x', '{raw!r} is negative')
    """

    column: str
    condition: Callable[[Any], Any]
    message: str
    other: str | None = None


def numeric_checks(alias: str, spec: Numeric, *, integer: bool) -> list[Check]:
    """Checks for a count column: present, a number, finite, ≥ 0, whole (when ``integer``).

    >>> import ibis
    >>> source = EngineSource("duckdb", ibis.memtable({"x": ["1"]}), "memory")
    >>> source.types.update(source.table.schema().items())
    >>> [c.message for c in numeric_checks("__x", numeric(source, "x"), integer=True)]
    ['value is missing', '{raw!r} is not a number', '{raw!r} is not a finite number', '{raw!r}
    is negative', '{raw!r} is not a whole number']
    """
    raw, value = f"{alias}_raw", f"{alias}_val"
    checks = [Check(spec.column, lambda t: t[raw].isnull(), "value is missing")]
    if spec.text:
        checks.append(
            Check(
                spec.column,
                lambda t: t[raw].notnull() & t[value].isnull(),
                "{raw!r} is not a number",
            )
        )
    if not spec.integer_typed:
        checks.append(
            Check(
                spec.column,
                lambda t: t[value].isnan() | t[value].isinf(),
                "{raw!r} is not a finite number",
            )
        )
    checks.append(Check(spec.column, lambda t: t[value] < 0, "{raw!r} is negative"))
    if integer and not spec.integer_typed:
        checks.append(
            Check(
                spec.column,
                lambda t: t[value] != t[value].round(0),
                "{raw!r} is not a whole number",
            )
        )
    return checks


def aggregate(
    source: EngineSource,
    plan: stratify.Plan,
    *,
    period: str,
    values: Mapping[str, Any],
    checks: Sequence[Check],
    aggregates: Callable[[Any], Mapping[str, Any]],
) -> stratify.Grouped:
    """Aggregate ``source`` by period and each of ``plan``'s grouping sets in one query on its
    engine, validating every row in the same query; the table returned has the columns of
    :class:`equitystats.stratify.Grouped` (``__p``, ``__g0``…, ``__bad``, ``__gid``, the
    aggregates). A bad row raises InputError naming the column and the value.

    >>> import ibis
    >>> table = ibis.memtable({"month": [1, 1, 2], "race": ["a", "b", "a"], "x": [1, 2, 3]})
    >>> source = EngineSource("duckdb", table, "memory")
    >>> source.types.update(table.schema().items())
    >>> plan = stratify.Plan.make(["race"], [])
    >>> grouped = aggregate(source, plan, period="month", values={"x": table.x}, checks=[], aggregates=lambda t: {"total": t.x.sum()})
    >>> grouped.periods.tolist(), sorted(grouped.table.column("total").to_pylist())
    ([1, 2], [1, 2, 3, 3, 3])
    """
    ibis = _optional("ibis")

    t = source.table
    gcols = plan.group_columns
    aliases = [f"__g{i}" for i in range(len(gcols))]
    p_col = t[period]
    p_expr = p_col.strip().nullif("") if source.types[period].is_string() else p_col
    checks = [Check(period, lambda t: t["__p"].isnull(), "value is missing"), *checks]
    # The text of each checked column, for the message; unused columns cost nothing.
    checked = list(dict.fromkeys(c for k in checks for c in (k.column, k.other) if c))
    projected = t.select(
        __p=p_expr,
        **{a: t[c] for c, a in zip(gcols, aliases, strict=True)},
        **values,
        **{f"__text{i}": t[c].cast("string") for i, c in enumerate(checked)},
    )
    bad = ibis.literal(False)
    for check in checks:
        bad = bad | check.condition(projected).fill_null(False)
    projected = projected.mutate(__bad=bad)
    # One scan: the data are summed into their finest cells (period × every stratum column ×
    # bad flag), and each grouping set re-adds those few cells, not the rows.
    cells = projected.group_by(["__p", *aliases, "__bad"]).aggregate(**aggregates(projected))
    names = list(aggregates(projected))
    # Spark would scan the data once per set (it does not reuse the common subplan): it keeps
    # the cells in memory instead. PostgreSQL materialises the repeated subquery by itself.
    cached = source.to_cache(cells) if source.engine == "spark" else None
    try:
        result = _union_of_sets(source, plan, projected, cells if cached is None else cached, names)
    finally:
        if cached is not None:
            cached.release()
    if result.num_rows == 0:
        raise source.error("has no data rows")
    if pc.any(pc.equal(result.column("__bad"), True)).as_py():
        _raise_bad(source, projected, checks, checked)
    return stratify.grouped_of(_plain(result))


def _union_of_sets(
    source: EngineSource, plan: stratify.Plan, projected: Any, cells: Any, names: list[str]
) -> pa.Table:
    """The sums of ``names`` over ``cells`` for each grouping set of ``plan``, as Arrow."""
    ibis = _optional("ibis")

    gcols = plan.group_columns
    aliases = [f"__g{i}" for i in range(len(gcols))]
    parts = []
    for i, cols in enumerate(plan.grouping_sets()):
        keys = ["__p", *(aliases[gcols.index(c)] for c in cols), *(["__bad"] if i == 0 else [])]
        part = cells.group_by(keys).aggregate(**{n: cells[n].sum() for n in names})
        parts.append(
            part.select(
                "__p",
                *(
                    part[a] if a in keys else ibis.null().cast(projected[a].type()).name(a)
                    for a in aliases
                ),
                (part["__bad"] if i == 0 else ibis.null().cast("boolean")).name("__bad"),
                ibis.literal(plan.gid(cols), type="int64").name("__gid"),
                *names,
            )
        )
    union = parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)
    return source.to_arrow(union)


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary-encoded or large-string columns as plain strings (engines differ)."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
            column = column.cast(pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _raise_bad(
    source: EngineSource, projected: Any, checks: Sequence[Check], checked: list[str]
) -> None:
    """Raise the error of the first check (in order) that some row fails, with its value."""
    for check in checks:
        where = check.condition(projected).fill_null(False)
        names = {"raw": f"__text{checked.index(check.column)}"}
        if check.other:
            names["other"] = f"__text{checked.index(check.other)}"
        found = source.to_arrow(projected.filter(where).select(*names.values()).limit(1))
        if found.num_rows:
            cells = {k: found.column(v)[0].as_py() for k, v in names.items()}
            cells.setdefault("other", None)
            raise source.error(check.message.format(**cells), column=check.column)
    raise source.error("the counts are not valid numbers (could not locate the value)")


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def from_extract(
    source: str | Path,
    *,
    engine: str = "duckdb",
    table: str | None = None,
    spark_master: str | None = None,
    period: str,
    strata: str | Sequence[str] = (),
    numerator: str,
    denominator: str,
    intersections: Iterable[str | Sequence[str]] | str = (),
    kind: str = "proportion",
    conf: float = 0.95,
    normalize: Mapping[str, str] | None = None,
    native_duckdb: bool = True,
) -> stratify.StratifiedRates:
    """:func:`equitystats.stratify.from_extract` on ``engine`` (see the module docstring).

    ``native_duckdb=False`` runs the Ibis expression on DuckDB too (the equality test).

    >>> import tempfile, pathlib, pyarrow.parquet as pq
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "extract.parquet"
    >>> pq.write_table(pa.table({"month": ["2024-01"] * 3, "race": ["Asian", "White", "White"], "met": [1, 0, 1], "eligible": [1, 1, 1]}), path)
    >>> r = from_extract(path, engine="duckdb", native_duckdb=False, period="month", strata="race", numerator="met", denominator="eligible")
    >>> list(zip(r.group.tolist(), r.rate.tolist()))
    [('all', 0.6667), ('Asian', 1.0), ('White', 0.5)]
    >>> tmp.cleanup()
    """
    options = dict(
        period=period,
        strata=strata,
        numerator=numerator,
        denominator=denominator,
        intersections=intersections,
        kind=kind,
        conf=conf,
        normalize=normalize,
    )
    if engine == "duckdb" and native_duckdb and table is None:
        return stratify.from_extract(source, **options)
    stratify._check_kind(kind, conf)
    src = open_source(engine, source, table=table, spark_master=spark_master)
    normalize = dict(normalize or {})
    plan = stratify.stratify_plan(
        src,
        period,
        stratify.parse_columns(strata),
        numerator,
        denominator,
        stratify.parse_intersections(intersections),
        normalize=normalize,
    )
    x_spec = numeric(src, numerator)
    n_spec = numeric(src, denominator)
    checks = numeric_checks("__x", x_spec, integer=True)
    checks += numeric_checks("__n", n_spec, integer=kind == "proportion")
    if kind == "proportion":
        checks.append(
            Check(
                numerator,
                lambda t: t["__x_val"] > t["__n_val"],
                "numerator {raw} is greater than denominator {other}",
                other=denominator,
            )
        )
    grouped = aggregate(
        src,
        plan,
        period=period,
        values={
            "__x_raw": x_spec.raw,
            "__x_val": x_spec.value,
            "__n_raw": n_spec.raw,
            "__n_val": n_spec.value,
        },
        checks=checks,
        aggregates=lambda t: {
            "__x": t["__x_val"].sum().cast("float64"),
            "__n": t["__n_val"].sum().cast("float64"),
        },
    )
    return stratify.assemble(src, plan, grouped, kind=kind, conf=conf, normalize=normalize)


def completeness_from_extract(
    source: str | Path,
    *,
    engine: str = "duckdb",
    table: str | None = None,
    spark_master: str | None = None,
    period: str,
    strata: str | Sequence[str],
    weight: str | None = None,
    max_unusable: float = quality.DEFAULT_MAX_UNUSABLE,
    native_duckdb: bool = True,
) -> quality.Completeness:
    """:func:`equitystats.quality.completeness_from_extract` on ``engine``.

    >>> import tempfile, pathlib, pyarrow.parquet as pq
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "extract.parquet"
    >>> pq.write_table(pa.table({"month": ["2024-01"] * 2, "language": ["es", "declined"]}), path)
    >>> c = completeness_from_extract(path, engine="duckdb", native_duckdb=False, period="month", strata="language")
    >>> c.known.tolist(), c.declined.tolist()
    ([1.0], [1.0])
    >>> tmp.cleanup()
    """
    if engine == "duckdb" and native_duckdb and table is None:
        return quality.completeness_from_extract(
            source, period=period, strata=strata, weight=weight, max_unusable=max_unusable
        )
    quality._check_threshold(max_unusable)
    src = open_source(engine, source, table=table, spark_master=spark_master)
    names = stratify.parse_columns(strata)
    if not names:
        raise src.error("name at least one stratum column")
    src.require(period, *names, *([weight] if weight else []))
    plan = stratify.Plan.make(names, (), overall=False)
    values: dict[str, Any] = {}
    checks: list[Check] = []
    if weight is not None:
        spec = numeric(src, weight)
        values = {"__w_raw": spec.raw, "__w_val": spec.value}
        checks = numeric_checks("__w", spec, integer=False)

        def total(t: Any) -> dict[str, Any]:
            return {"__n": t["__w_val"].sum().cast("float64")}
    else:

        def total(t: Any) -> dict[str, Any]:
            return {"__n": t.count().cast("float64")}

    grouped = aggregate(src, plan, period=period, values=values, checks=checks, aggregates=total)
    return quality.completeness_of(plan, grouped, names, max_unusable)

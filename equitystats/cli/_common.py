"""What the subcommands share: argparse value types, reading the input table, writing CSV.

CSV conventions of every command: booleans are ``true``/``false``, missing values (``None``,
NaN) are empty, whole numbers are written without a decimal point.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from equitystats.errors import InputError
from equitystats.table import Table, read_csv

# --------------------------------------------------------------------------------------
# arguments several subcommands take


def add_group_count_columns(p: argparse.ArgumentParser, *, denominator_help: str) -> None:
    """``--group``, ``--numerator`` and ``--denominator``: the columns of counts per group.

    >>> p = argparse.ArgumentParser()
    >>> add_group_count_columns(p, denominator_help="people")
    >>> vars(p.parse_args(["--group", "race", "--numerator", "x", "--denominator", "n"]))
    {'group': 'race', 'numerator': 'x', 'denominator': 'n'}
    """
    p.add_argument("--group", required=True, metavar="COL", help="column with the group name")
    p.add_argument(
        "--numerator", required=True, metavar="COL", help="column with the events (numerator)"
    )
    p.add_argument("--denominator", required=True, metavar="COL", help=denominator_help)


def add_engine_arguments(p: argparse.ArgumentParser) -> None:
    """``--engine``, ``--table`` and ``--spark-master``: where an extract is aggregated.

    >>> p = argparse.ArgumentParser()
    >>> add_engine_arguments(p)
    >>> vars(p.parse_args(["--engine", "spark", "--spark-master", "local[2]"]))
    {'engine': 'spark', 'table': None, 'spark_master': 'local[2]'}
    """
    p.add_argument(
        "--engine",
        choices=("duckdb", "postgres", "spark"),
        default="duckdb",
        help="where --extract is aggregated: duckdb (embedded, the default; FILE is CSV or "
        "Parquet), postgres (FILE is a database URL, --table names the table or view) or "
        "spark (FILE is CSV/Parquet a Spark cluster can read); only aggregates come back",
    )
    p.add_argument(
        "--table",
        metavar="NAME",
        help="with --engine postgres: the table or view (NAME or SCHEMA.NAME)",
    )
    p.add_argument(
        "--spark-master",
        metavar="URL",
        help="with --engine spark: the master (spark://host:7077, yarn, local[4]); default "
        "SPARK_REMOTE (Spark Connect) when set, else local mode",
    )


def engine_options(args: argparse.Namespace) -> dict[str, Any] | None:
    """The engine options of ``args``, or None for the embedded DuckDB path.

    >>> engine_options(argparse.Namespace(engine="duckdb", table=None, spark_master=None, extract=True)) is None
    True
    >>> engine_options(argparse.Namespace(engine="postgres", table="ehr.visits", spark_master=None, extract=True))
    {'engine': 'postgres', 'table': 'ehr.visits', 'spark_master': None}
    >>> engine_options(argparse.Namespace(engine="spark", table=None, spark_master=None, extract=False))
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: --engine spark works on extracts: add --extract
    """
    if args.engine == "duckdb" and not args.table and not args.spark_master:
        return None
    if not args.extract:
        raise InputError(f"--engine {args.engine} works on extracts: add --extract")
    if args.spark_master and args.engine != "spark":
        raise InputError("--spark-master needs --engine spark")
    return {"engine": args.engine, "table": args.table, "spark_master": args.spark_master}


# --------------------------------------------------------------------------------------
# argparse value types (a bad value is an argparse error: usage and exit code 2)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def positive_number(text: str) -> float:
    """A finite number greater than zero, e.g. a multiplier.

    >>> positive_number("100")
    100.0
    >>> positive_number("0")
    Traceback (most recent call last):
        ...
    argparse.ArgumentTypeError: '0' is not a positive number
    """
    value = _float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def conf_level(text: str) -> float:
    """A confidence level, strictly between 0 and 1.

    >>> conf_level("0.9")
    0.9
    >>> conf_level("95")
    Traceback (most recent call last):
        ...
    argparse.ArgumentTypeError: '95' is not between 0 and 1
    """
    value = _float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 1")
    return value


def positive_int(text: str) -> int:
    """A whole number, 1 or more.

    >>> positive_int("12")
    12
    >>> positive_int("1.5")
    Traceback (most recent call last):
        ...
    argparse.ArgumentTypeError: '1.5' is not a whole number
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def int_list(text: str) -> list[int]:
    """Comma-separated whole numbers (at least one), e.g. ``4,12``.

    >>> int_list("4, 12")
    [4, 12]
    >>> int_list("")
    Traceback (most recent call last):
        ...
    argparse.ArgumentTypeError: needs at least one position
    """
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of whole numbers"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("needs at least one position")
    return values


# --------------------------------------------------------------------------------------
# input


def read_table(path: str, *columns: str) -> Table:
    """The CSV file at ``path``, which must have ``columns`` and at least one data row.

    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "a.csv")
    >>> _ = pathlib.Path(path).write_text("group,n" + chr(10) + "a,3" + chr(10))
    >>> read_table(path, "group", "n").n_rows
    1
    >>> read_table(path, "rate")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: ...a.csv: missing column 'rate' (columns found: group, n)
    >>> tmp.cleanup()
    """
    table = read_csv(path)
    table.require(*columns)
    if table.n_rows == 0:
        raise InputError("has no data rows", file=table.source)
    return table


def stripped(table: Table, column: str) -> np.ndarray:
    """The text of ``column`` without surrounding white space, as a numpy string array.

    >>> from equitystats.table import table_from_rows
    >>> stripped(table_from_rows(["g"], [[" a "], ["b"]]), "g").tolist()
    ['a', 'b']
    """
    return np.asarray([v.strip() for v in table.text(column)], dtype=str)


def labels(table: Table, column: str, what: str) -> np.ndarray:
    """:func:`stripped` text of a column that must not have empty cells; the error for the
    first empty one reads "``what`` is missing".

    >>> from equitystats.table import table_from_rows
    >>> labels(table_from_rows(["g"], [["a"], [" "]], source="x.csv"), "g", "group")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: x.csv, row 2, column "g": group is missing
    """
    text = stripped(table, column)
    empty = np.flatnonzero(text == "")
    if empty.size:
        raise InputError(
            f"{what} is missing", file=table.source, row=int(empty[0]) + 1, column=column
        )
    return text


def is_streamed(path: str, extract: bool) -> bool:
    """Whether FILE goes through DuckDB directly (extracts, and every Parquet file).

    >>> is_streamed("counts.csv", extract=True), is_streamed("no-such-file.csv", extract=False)
    (True, False)
    """
    if extract:
        return True
    try:
        with Path(path).open("rb") as handle:
            return handle.read(4) == b"PAR1"
    except OSError:
        return False


# --------------------------------------------------------------------------------------
# output


def number(value: float) -> str:
    """A number for CSV: empty when not finite, whole numbers (below 10¹⁵) without a
    decimal point, other numbers by ``repr`` (shortest round-trip).

    >>> number(3.0), number(0.25), number(float("nan")), number(float("inf"))
    ('3', '0.25', '', '')
    """
    x = float(value)
    if not math.isfinite(x):
        return ""
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def cell(value: Any, *, whole_as_int: bool = True) -> str:
    """A CSV cell: ``None`` empty, booleans ``true``/``false``, floats by :func:`number`
    (by ``repr`` when not ``whole_as_int``), anything else by ``str``.

    >>> cell(None), cell(True), cell(2.0), cell(2.0, whole_as_int=False), cell("a")
    ('', 'true', '2', '2.0', 'a')
    """
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        return number(value) if whole_as_int else repr(float(value))
    return str(value)


def write_rows(stream: Any, rows: Iterable[Sequence[Any]], *, whole_as_int: bool = True) -> None:
    """Write rows (the header first) as CSV, each value formatted by :func:`cell`.

    >>> import sys
    >>> write_rows(sys.stdout, [["group", "rate", "ok"], ["a", 0.5, True], ["b", float("nan"), False]])
    group,rate,ok
    a,0.5,true
    b,,false
    """
    writer = csv.writer(stream, lineterminator="\n")
    for row in rows:
        writer.writerow([cell(v, whole_as_int=whole_as_int) for v in row])


def write_csv(
    stream: Any,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    whole_as_int: bool = True,
) -> None:
    """Write a header of ``columns`` and one line per mapping, formatted by :func:`cell`.

    >>> import sys
    >>> write_csv(sys.stdout, ["group", "n"], [{"group": "a", "n": 3.0}, {"group": "b", "n": None}])
    group,n
    a,3
    b,
    """
    lines = ([row.get(c) for c in columns] for row in rows)
    write_rows(stream, itertools.chain([columns], lines), whole_as_int=whole_as_int)

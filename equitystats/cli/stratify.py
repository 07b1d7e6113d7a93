"""``equitystats stratify``: stratified rates with intervals, as CSV on stdout."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from equitystats import engines, standards, stratify
from equitystats.cli._common import (
    add_engine_arguments,
    engine_options,
    is_streamed,
    write_csv,
)
from equitystats.errors import InputError
from equitystats.table import read_csv

EPILOG = """\
input:
  without --extract: a CSV of aggregated counts, one row per period and stratum cell
    (rows with the same period and group are added up);
  with --extract: a patient-level extract, CSV or Parquet, one row per patient and period
    with 0/1 numerator and denominator flags; it is streamed and aggregated by DuckDB in
    one pass, so tens of millions of rows are fine. Parquet files are always streamed.
  Blank stratum cells form the group "missing"; other missing-value labels ("declined",
  "unknown", ...) are groups of their own too, so every stratifier's groups add up to
  the overall.

output (CSV on stdout), one row per period, stratifier and group:
  period,stratifier,group,numerator,denominator,rate,se,ci_low,ci_high
  stratifier "overall" (group "all") is every patient; an intersection A*B has groups
  such as "black*es". Proportions: Wilson score 95 % interval (Newcombe 1998, method 3),
  se = sqrt(p(1-p)/n). Rates per person-time (--kind rate): exact Garwood interval,
  se = sqrt(x)/t. Rate, se and limits are empty where the denominator is 0.

engines (--engine, with --extract): duckdb (embedded, default), postgres (FILE is a
  database URL, --table the table or view), spark (--spark-master, or SPARK_REMOTE for Spark
  Connect, else local mode). The same Ibis expression aggregates on each; only the counts
  per period and group leave the engine, and the output is the same.

errors: one line naming the file, the first bad row (1-based data row) and the column;
  exit code 2. On postgres and spark a bad value is named by column and value (no row
  order there).

examples:
  equitystats stratify counts.csv --period month --strata race_ethnicity,language \\
      --numerator controlled --denominator eligible
  equitystats stratify extract.parquet --extract --period month \\
      --strata race_ethnicity,language,age_group --numerator numerator \\
      --denominator denominator --intersect 'race_ethnicity*language'
  equitystats stratify postgres://analyst@warehouse/ehr --extract --engine postgres \\
      --table quality.encounters --period month --strata race_ethnicity \\
      --numerator numerator --denominator denominator
  equitystats stratify s3a://bucket/extract/ --extract --engine spark \\
      --spark-master spark://head:7077 --period month --strata race_ethnicity \\
      --numerator numerator --denominator denominator
  equitystats stratify falls.csv --period quarter --strata unit --numerator falls \\
      --denominator patient_days --kind rate
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run` (parsing reads no file).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["stratify", "in.csv", "--period", "month", "--strata", "race", "--numerator", "controlled", "--denominator", "eligible"])
    >>> args.command, args.func is run
    ('stratify', True)
    """
    p = subparsers.add_parser(
        "stratify",
        help="rates per period for each group of each stratifier, with 95 %% intervals",
        description="Numerator, denominator, rate, standard error and 95 % interval per "
        "period for every patient (overall), for each group of each stratum column, and for "
        "each group of the requested intersections.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="CSV of counts, or (with --extract) CSV/Parquet")
    p.add_argument(
        "--extract",
        action="store_true",
        help="FILE is a patient-level extract (CSV or Parquet): stream it through DuckDB "
        "instead of reading it into memory",
    )
    p.add_argument("--period", required=True, metavar="COL", help="column with the period")
    p.add_argument(
        "--strata",
        default="",
        metavar="COL[,COL...]",
        help="comma-separated stratum columns, e.g. race_ethnicity,language (may be empty: "
        "overall only)",
    )
    p.add_argument(
        "--numerator", required=True, metavar="COL", help="column with numerator counts/flags"
    )
    p.add_argument(
        "--denominator",
        required=True,
        metavar="COL",
        help="column with denominator counts/flags (person-time with --kind rate)",
    )
    p.add_argument(
        "--intersect",
        action="append",
        default=[],
        metavar="A*B",
        help="also stratify by the combination of columns A and B (repeatable; three or "
        "more columns allowed, e.g. 'race_ethnicity*language*age_group'); quote it for "
        "the shell",
    )
    p.add_argument(
        "--kind",
        choices=stratify.KINDS,
        default="proportion",
        help="proportion (numerator <= denominator; Wilson interval, the default) or rate "
        "per person-time (exact Poisson interval)",
    )
    p.add_argument(
        "--conf",
        type=float,
        default=0.95,
        metavar="LEVEL",
        help="confidence level of the intervals (default 0.95)",
    )
    p.add_argument(
        "--normalize",
        action="append",
        default=[],
        metavar="COL=STRATIFIER",
        help="map the raw labels of stratum column COL to standard codes, STRATIFIER one of "
        f"{', '.join(standards.STRATIFIERS)} (e.g. race=race_ethnicity turns "
        "'Black or African American' into 'black'); repeatable",
    )
    add_engine_arguments(p)
    p.set_defaults(func=run)


def parse_normalize(items: Sequence[str]) -> dict[str, str]:
    """``["col=stratifier", ...]`` → mapping, validated.

    >>> parse_normalize(["race=race_ethnicity", " lang = language"])
    {'race': 'race_ethnicity', 'lang': 'language'}
    >>> parse_normalize(["race=ethnicity"])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: --normalize expects COL=STRATIFIER with STRATIFIER one of
    race_ethnicity, sexual_orientation, gender_identity, language, got 'race=ethnicity'
    """
    out: dict[str, str] = {}
    for item in items:
        column, sep, stratifier = item.partition("=")
        if not sep or not column.strip() or stratifier.strip() not in standards.STRATIFIERS:
            raise InputError(
                f"--normalize expects COL=STRATIFIER with STRATIFIER one of "
                f"{', '.join(standards.STRATIFIERS)}, got {item!r}"
            )
        out[column.strip()] = stratifier.strip()
    return out


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: read, compute, write to stdout; the exit code.

    >>> import argparse, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "in.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(['month,race,controlled,eligible', '1,Asian,3,10', '1,Black,4,20']) + chr(10))
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["stratify", path, "--period", "month", "--strata", "race", "--numerator", "controlled", "--denominator", "eligible"]))
    period,stratifier,group,numerator,denominator,rate,se,ci_low,ci_high
    1,overall,all,7,30,0.2333,0.0772,0.1179,0.4093
    1,race,Asian,3,10,0.3,0.1449,0.1078,0.6032
    1,race,Black,4,20,0.2,0.0894,0.0807,0.416
    0
    >>> tmp.cleanup()
    """
    strata = stratify.parse_columns(args.strata)
    normalize = parse_normalize(args.normalize)
    options = dict(
        period=args.period,
        strata=strata,
        numerator=args.numerator,
        denominator=args.denominator,
        intersections=stratify.parse_intersections(args.intersect),
        kind=args.kind,
        conf=args.conf,
        normalize=normalize,
    )
    # Engines name their own source in errors (a database URL without its credentials).
    where = engine_options(args)
    try:
        if where is not None:
            result = engines.from_extract(args.file, **where, **options)
        elif is_streamed(args.file, args.extract):
            result = stratify.from_extract(args.file, **options)
        else:
            table = read_csv(args.file)
            table.require(args.period, args.numerator, args.denominator, *strata)
            result = stratify.from_counts(table, **options)
    except InputError as exc:
        raise exc.located(file=None if where else args.file) from None
    write_csv(sys.stdout, stratify.StratifiedRates.COLUMNS, result.to_rows())
    return 0

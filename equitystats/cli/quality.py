"""``equitystats quality``: completeness of demographic columns per period, as CSV on stdout."""

from __future__ import annotations

import argparse
import sys

from equitystats import engines, quality, stratify
from equitystats.cli._common import (
    add_engine_arguments,
    engine_options,
    is_streamed,
    write_csv,
)
from equitystats.errors import InputError
from equitystats.table import read_csv

EPILOG = """\
input: rows with a period column and demographic columns — either one row per patient
  (each row counts once) or aggregated counts with --weight naming the count column.
  With --extract (and for every Parquet file) the file is streamed through DuckDB.
  Values are classified as unknown ("Unknown", "UNK", "Don't know"), declined
  ("Declined", "Patient refused", "Choose not to disclose"), not_collected ("Not asked",
  "Not collected") or missing (blank), each counted separately; anything else is known.
  In sexual_orientation / gender_identity columns "ASKU" counts as declined (45 CFR
  170.207(o)), elsewhere as unknown.

output (CSV on stdout), one row per period and stratum column:
  period,stratifier,n,known,unknown,declined,not_collected,missing,
  share_unknown,share_declined,share_not_collected,share_missing,share_unusable,usable
  usable is true when share_unusable <= --max-unusable. The default 0.15 is a program
  choice: the IOM's 2009 report on race, ethnicity and language data sets no numeric
  threshold. State the one you use.

engines: --extract --engine postgres URL --table NAME, or --engine spark, aggregate where
  the data lives (see equitystats stratify --help); the output is the same.

errors: one line naming the file, the first bad row (1-based) and the column; exit code 2.

examples:
  equitystats quality extract.parquet --extract --period month \\
      --strata race_ethnicity,language,sexual_orientation,gender_identity
  equitystats quality counts.csv --period month --strata race_ethnicity \\
      --weight denominator --max-unusable 0.10
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run` (parsing reads no file).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["quality", "in.csv", "--period", "month", "--strata", "race"])
    >>> args.command, args.func is run
    ('quality', True)
    """
    p = subparsers.add_parser(
        "quality",
        help="completeness of race/ethnicity, language and SOGI data per period",
        description="Share of records per period whose demographic value is unknown, "
        "declined, not collected or blank (each separately), and whether the column is "
        "usable for stratification.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="CSV, or (with --extract) CSV/Parquet extract")
    p.add_argument(
        "--extract",
        action="store_true",
        help="stream FILE through DuckDB instead of reading it into memory (any size)",
    )
    p.add_argument("--period", required=True, metavar="COL", help="column with the period")
    p.add_argument(
        "--strata",
        required=True,
        metavar="COL[,COL...]",
        help="comma-separated demographic columns to assess, e.g. race_ethnicity,language",
    )
    p.add_argument(
        "--weight",
        metavar="COL",
        help="column with the number of patients a row stands for (aggregated counts, "
        "e.g. the denominator); default: each row counts once",
    )
    p.add_argument(
        "--max-unusable",
        type=float,
        default=quality.DEFAULT_MAX_UNUSABLE,
        metavar="SHARE",
        help="largest share of unknown + declined + not collected + blank for the column "
        "to count as usable (default 0.15, a program choice)",
    )
    add_engine_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: read, compute, write to stdout; the exit code.

    >>> import argparse, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "in.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(['month,race', '1,Asian', '1,declined', '1,', '1,White']) + chr(10))
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["quality", path, "--period", "month", "--strata", "race"]))
    period,stratifier,n,known,unknown,declined,not_collected,missing,share_unknown,share_declined,share_not_collected,share_missing,share_unusable,usable
    1,race,4,2,0,1,0,1,0,0.25,0,0.25,0.5,false
    0
    >>> tmp.cleanup()
    """
    strata = stratify.parse_columns(args.strata)
    # Engines name their own source in errors (a database URL without its credentials).
    where = engine_options(args)
    try:
        if where is not None:
            result = engines.completeness_from_extract(
                args.file,
                **where,
                period=args.period,
                strata=strata,
                weight=args.weight,
                max_unusable=args.max_unusable,
            )
        elif is_streamed(args.file, args.extract):
            result = quality.completeness_from_extract(
                args.file,
                period=args.period,
                strata=strata,
                weight=args.weight,
                max_unusable=args.max_unusable,
            )
        else:
            table = read_csv(args.file)
            table.require(args.period, *strata, *([args.weight] if args.weight else []))
            result = quality.completeness(
                table,
                period=args.period,
                strata=strata,
                weight=args.weight,
                max_unusable=args.max_unusable,
            )
    except InputError as exc:
        raise exc.located(file=None if where else args.file) from None
    write_csv(sys.stdout, quality.Completeness.COLUMNS, result.to_rows())
    return 0

"""``equitystats synth``: a synthetic patient-level extract with known, injected disparities."""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import time
from collections.abc import Sequence

import pyarrow.csv as pacsv

from equitystats import synth
from equitystats.errors import InputError

EPILOG = """\
output: one row per patient and month (rows = patients x months; --rows is rounded to a
  multiple of --months) with columns
    month,race_ethnicity,language,sexual_orientation,gender_identity,age_group,
    numerator,denominator
  written to --out (.parquet or .csv, chunked, 10 million rows in seconds) with a JSON
  summary on stdout, or as CSV on stdout without --out. Demographic values are the
  standard codes of equitystats.standards; missing ones are unknown, declined,
  not_collected or blank. Category shares approximate the 2020 Census and national
  surveys (see equitystats.synth); attributes are independent, so the injected gap is
  the expected gap between the groups' rates.

disparities: the default injects race_ethnicity black -0.12 and hispanic -0.06 against
  white (base rate 0.60). --gap replaces the default; --no-gap injects none.

examples:
  equitystats synth --rows 10000000 --months 24 --seed 1 --out bench/out/extract.parquet
  equitystats synth --rows 100000 --months 12 --seed 7 --closing --completeness poor \\
      --gap race_ethnicity:black=-0.10 --gap language:es=-0.05 --out demo.csv
  equitystats synth --rows 1200 --months 12 --seed 3 > small.csv
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run`.

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["synth", "--rows", "4", "--months", "2", "--seed", "1"])
    >>> args.func is run, args.rows, args.months
    (True, 4, 2)
    """
    p = subparsers.add_parser(
        "synth",
        help="synthetic patient-level extract with known, injected disparities",
        description="Generate a synthetic patient-level extract (one row per patient and "
        "month) with realistic US category shares, an injected gap that can narrow over "
        "time, and optionally poor race/ethnicity, language and SOGI completeness.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--rows", required=True, type=int, metavar="N", help="number of rows (about)")
    p.add_argument("--months", required=True, type=int, metavar="M", help="number of months")
    p.add_argument("--seed", required=True, type=int, metavar="S", help="random seed")
    p.add_argument(
        "--start", default="2024-01", metavar="YYYY-MM", help="first month (default 2024-01)"
    )
    p.add_argument(
        "--closing",
        action="store_true",
        help="every gap shrinks linearly over the months to --closing-target of its size",
    )
    p.add_argument(
        "--closing-target",
        type=float,
        default=0.25,
        metavar="F",
        help="with --closing: share of the first month's gap left in the last month (default 0.25)",
    )
    p.add_argument(
        "--gap",
        action="append",
        default=[],
        metavar="STRATIFIER:GROUP=DIFF",
        help="inject a difference in the rate of GROUP versus the reference group, e.g. "
        "race_ethnicity:black=-0.12 (repeatable; replaces the default gaps)",
    )
    p.add_argument("--no-gap", action="store_true", help="inject no disparity at all")
    p.add_argument(
        "--completeness",
        choices=tuple(synth.COMPLETENESS_PRESETS),
        default="complete",
        help="share of demographic values recorded: complete (default), good, or poor "
        "(about 72 %% race/ethnicity, 35-40 %% SOGI)",
    )
    p.add_argument(
        "--base-rate",
        type=float,
        default=0.60,
        metavar="P",
        help="rate of the reference groups (default 0.60)",
    )
    p.add_argument(
        "--eligibility",
        type=float,
        default=0.85,
        metavar="P",
        help="share of patient-months in the denominator (default 0.85)",
    )
    p.add_argument(
        "--out",
        metavar="FILE.parquet|FILE.csv",
        help="write here (directories are created); default: CSV on stdout",
    )
    p.set_defaults(func=run)


def parse_gaps(items: Sequence[str]) -> dict[str, dict[str, float]]:
    """``["race_ethnicity:black=-0.12", ...]`` → {stratifier: {group: diff}}.

    >>> parse_gaps(["race_ethnicity:black=-0.1", "language:es=-0.05"])
    {'race_ethnicity': {'black': -0.1}, 'language': {'es': -0.05}}
    >>> parse_gaps(["black=-0.1"])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: --gap expects STRATIFIER:GROUP=DIFF, got 'black=-0.1'
    """
    out: dict[str, dict[str, float]] = {}
    for item in items:
        head, sep, value = item.partition("=")
        stratifier, colon, group = head.partition(":")
        try:
            diff = float(value)
        except ValueError:
            diff = math.nan
        if not sep or not colon or not group or not math.isfinite(diff):
            raise InputError(f"--gap expects STRATIFIER:GROUP=DIFF, got {item!r}")
        out.setdefault(stratifier.strip(), {})[group.strip()] = diff
    return out


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: write the extract (CSV on stdout, or the file
    ``--out`` names, then a JSON summary); the exit code.

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["synth", "--rows", "4", "--months", "2", "--seed", "1"]))
    "month","race_ethnicity","language","sexual_orientation","gender_identity","age_group","numerator","denominator"
    2024-01-01,asian,en,straight,man,45-64,0,1
    2024-01-01,asian,en,straight,woman,45-64,1,1
    2024-02-01,asian,en,straight,man,45-64,0,1
    2024-02-01,asian,en,straight,woman,45-64,0,1
    0
    """
    if args.rows < 1 or args.months < 1:
        raise InputError("--rows and --months must be at least 1")
    if args.no_gap and args.gap:
        raise InputError("use either --gap or --no-gap")
    disparities = {} if args.no_gap else (parse_gaps(args.gap) or None)
    n_patients = max(1, round(args.rows / args.months))
    if args.out and not args.out.lower().endswith((".parquet", ".pq", ".csv")):
        raise InputError(f"--out must end in .parquet or .csv, got {args.out!r}")
    started = time.perf_counter()
    result = synth.extract(
        n_patients=n_patients,
        months=args.months,
        seed=args.seed,
        disparities=disparities,
        completeness=args.completeness,
        closing=args.closing,
        closing_target=args.closing_target,
        base_rate=args.base_rate,
        eligibility=args.eligibility,
        start=args.start,
        out=args.out,
    )
    if result.path is not None:
        summary = {
            "path": str(result.path),
            "rows": result.n_rows,
            "patients": result.n_patients,
            "months": len(result.months),
            "seed": result.seed,
            "seconds": round(time.perf_counter() - started, 3),
            "gaps": {
                s: {g: [round(float(v), 6) for v in gap] for g, gap in groups.items()}
                for s, groups in result.gaps.items()
            },
        }
        print(json.dumps(summary))
        return 0
    buffer = io.BytesIO()
    table = result.table
    assert table is not None
    pacsv.write_csv(
        synth.decoded(table),
        buffer,
        write_options=pacsv.WriteOptions(quoting_style="none"),
    )
    sys.stdout.write(buffer.getvalue().decode("utf-8"))
    return 0

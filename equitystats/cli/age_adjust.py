"""``equitystats age-adjust``: directly age-standardised rates with Fay-Feuer intervals, as CSV."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from equitystats import ageadjust
from equitystats.cli._common import (
    conf_level,
    labels,
    positive_number,
    read_table,
    stripped,
    write_rows,
)
from equitystats.errors import InputError

EPILOG = """\
input: one row per age group (and per --by group), with the number of events and the
population or person-time at risk. Counts must be zero or more and may exceed the
population (repeat events, person-time); populations must be greater than zero
(combine age groups that have none). Each age group may appear once per --by group.

standard population: --standard us2000 (the default) uses the US 2000 standard
population (Klein & Schoenborn 2001, NCHS Healthy People 2010 Statistical Notes 20);
the --age labels must then be made of its age groups, written like 0, 1-4, 5-14,
Under 20, 65-74, 85+. --standard COL uses the numbers in column COL instead (the
word us2000 always means the built-in standard).

output (CSV on stdout), one row per --by group in order of first appearance:
  [BY,] age_groups, count, population, crude_rate, adjusted_rate, adjusted_se,
  ci_low, ci_high — rates times --multiplier; the interval is the Fay & Feuer (1997)
  gamma interval, as computed by epitools ageadjust.direct.

example:
  equitystats age-adjust deaths.csv --age age_group --count deaths \\
      --population pop --by county --multiplier 100000
  equitystats age-adjust births.csv --age age --count cases --population births \\
      --standard std_pop --by birth_order --conf-level 0.9
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run` (parsing reads no file).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["age-adjust", "in.csv", "--age", "age", "--count", "cases", "--population", "people", "--multiplier", "100000"])
    >>> args.command, args.func is run
    ('age-adjust', True)
    """
    p = subparsers.add_parser(
        "age-adjust",
        help="directly age-standardised rates (Fay & Feuer 1997 gamma interval)",
        description="Crude and directly age-standardised rates, with the Fay & Feuer (1997) "
        "gamma confidence interval, for one population or for each --by group.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.csv", help="CSV file with one row per age group")
    p.add_argument("--age", required=True, metavar="COL", help="column naming the age group")
    p.add_argument("--count", required=True, metavar="COL", help="column with the number of events")
    p.add_argument(
        "--population",
        required=True,
        metavar="COL",
        help="column with the population (or person-time) at risk",
    )
    p.add_argument(
        "--standard",
        default="us2000",
        metavar="COL|us2000",
        help="column with the standard population, or us2000 for the built-in US 2000 "
        "standard (default)",
    )
    p.add_argument(
        "--by", metavar="COL", help="column whose values split the file into populations"
    )
    p.add_argument(
        "--multiplier",
        type=positive_number,
        default=1.0,
        metavar="M",
        help="multiply rates by M, e.g. 100000 for rates per 100,000 (default 1)",
    )
    p.add_argument(
        "--conf-level",
        type=conf_level,
        default=0.95,
        metavar="L",
        help="confidence level of the interval, between 0 and 1 (default 0.95)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: read, compute, write to stdout; the exit code.

    >>> import argparse, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "in.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(['age,cases,people', '0-44,10,10000', '45+,40,8000']) + chr(10))
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["age-adjust", path, "--age", "age", "--count", "cases", "--population", "people", "--multiplier", "100000"]))
    age_groups,count,population,crude_rate,adjusted_rate,adjusted_se,ci_low,ci_high
    2,50,18000,277.7778,239.3873,34.4011,176.7595,319.1194
    0
    >>> tmp.cleanup()
    """
    builtin = args.standard == "us2000"
    cols = [args.age, args.count, args.population]
    if not builtin:
        cols.append(args.standard)
    if args.by:
        cols.append(args.by)
    table = read_table(args.file, *cols)
    source = table.source

    ages = labels(table, args.age, "age group")
    counts = table.numeric(args.count, non_negative=True)
    pops = table.numeric(args.population, non_negative=True)
    zero = np.flatnonzero(pops == 0)
    if zero.size:
        raise InputError(
            "population is zero, so this age group's rate is undefined; combine age groups",
            file=source,
            row=int(zero[0]) + 1,
            column=args.population,
        )
    by = stripped(table, args.by) if args.by else np.full(ages.size, "", dtype=str)
    keys, first, codes = np.unique(by, return_index=True, return_inverse=True)

    if builtin:
        try:
            standard = ageadjust.us2000_standard(ages, groups=codes)
        except InputError as exc:
            raise InputError(exc.message, file=source, row=exc.row, column=args.age) from None
    else:
        standard = table.numeric(args.standard, non_negative=True)
        order = np.lexsort((ages, codes))
        repeat = np.flatnonzero(
            (codes[order][1:] == codes[order][:-1]) & (ages[order][1:] == ages[order][:-1])
        )
        if repeat.size:
            row = max(int(order[repeat[0]]), int(order[repeat[0] + 1])) + 1
            raise InputError(
                f"age group {str(ages[row - 1])!r} appears more than once"
                + (f" for {args.by} {str(by[row - 1])!r}" if args.by else ""),
                file=source,
                row=row,
                column=args.age,
            )

    rows_by_group = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=keys.size))[:-1]
    members = np.split(rows_by_group, bounds)

    header = [args.by] if args.by else []
    header += [
        "age_groups",
        "count",
        "population",
        "crude_rate",
        "adjusted_rate",
        "adjusted_se",
        "ci_low",
        "ci_high",
    ]
    out_rows = [header]  # everything is computed before anything is written
    for k in np.argsort(first, kind="stable"):  # one pass per --by group
        idx = members[k]
        try:
            res = ageadjust.direct(
                counts[idx],
                pops[idx],
                standard[idx],
                conf_level=args.conf_level,
                multiplier=args.multiplier,
            )
        except InputError as exc:
            row = int(idx[exc.row - 1]) + 1 if exc.row is not None else None
            where = f" for {args.by} {str(keys[k])!r}" if args.by else ""
            raise InputError(exc.message + where, file=source, row=row) from None
        out_rows.append(
            ([str(keys[k])] if args.by else [])
            + [
                idx.size,
                res.count,
                res.population,
                res.crude_rate,
                res.adjusted_rate,
                res.adjusted_se,
                res.ci_low,
                res.ci_high,
            ]
        )
    write_rows(sys.stdout, out_rows)
    return 0

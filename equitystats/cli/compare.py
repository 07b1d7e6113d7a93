"""``equitystats compare``: groups of counts against a reference group, with score intervals."""

from __future__ import annotations

import argparse
import math
import sys

from equitystats import compare
from equitystats.cli._common import (
    add_group_count_columns,
    conf_level,
    labels,
    number,
    read_table,
    write_rows,
)
from equitystats.errors import InputError

EPILOG = """\
input: one row per group with its numerator (events) and denominator (people, or
person-time with --kind rate).

output (CSV on stdout), one row per group in input order:
  group,numerator,denominator,rate,rate_low,rate_high,difference,difference_low,
  difference_high,ratio,ratio_low,ratio_high
  rate: x/n as a fraction (not percent), or per one unit of person-time, with its Wilson
  score interval (Newcombe 1998 method 3), or its exact Poisson interval (Garwood 1936)
  with --kind rate; difference: rate minus the reference's rate with Newcombe's hybrid
  score interval (1998, method 10: MOVER-D from the two rates' limits); ratio: rate over
  the reference's rate with the MOVER-R interval (Donner & Zou 2012) from the same limits.
  An undefined value (no denominator, a ratio against a rate of 0) is an empty cell, an
  infinite upper limit is inf; the reference group's own comparison cells are empty.

errors: exit code 2 with one line naming file, row and column: a missing column, a
non-numeric, negative or missing count, a numerator above its denominator (proportions),
a group given twice, an unknown reference group.

examples:
  equitystats compare a1c.csv --group race --numerator controlled \\
      --denominator patients --reference White
  equitystats compare falls.csv --group language --numerator falls \\
      --denominator bed_days --reference English --kind rate --conf 0.9
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run` (parsing reads no file).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["compare", "in.csv", "--group", "race", "--numerator", "controlled", "--denominator", "patients", "--reference", "B"])
    >>> args.command, args.func is run
    ('compare', True)
    """
    p = subparsers.add_parser(
        "compare",
        help="each group's rate, difference and ratio against a reference group",
        description="Each group's rate with its score interval, and its difference from and "
        "ratio to a reference group with intervals built from the two score (or exact "
        "Poisson) intervals, so that a group of one or two people never gets an interval "
        "narrower than its own rate's.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.csv", help="CSV file, one row per group")
    add_group_count_columns(
        p, denominator_help="column with the people (or person-time with --kind rate)"
    )
    p.add_argument(
        "--reference", required=True, metavar="NAME", help="the group every other is compared with"
    )
    p.add_argument(
        "--conf",
        type=conf_level,
        default=0.95,
        metavar="LEVEL",
        help="confidence level of every interval (default 0.95)",
    )
    p.add_argument(
        "--kind",
        choices=compare.KINDS,
        default="proportion",
        help="proportion (events out of people, the default) or rate (events over person-time)",
    )
    p.set_defaults(func=run)


def _cell(value: float) -> str:
    return "inf" if value == math.inf else number(value)


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: read, compute, write to stdout; the exit code.

    >>> import argparse, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "in.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(['race,controlled,patients', 'A,30,100', 'B,20,100']) + chr(10))
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["compare", path, "--group", "race", "--numerator", "controlled", "--denominator", "patients", "--reference", "B"]))
    group,numerator,denominator,rate,rate_low,rate_high,difference,difference_low,difference_high,ratio,ratio_low,ratio_high
    A,30,100,0.3,0.2189,0.3958,0.1,-0.0202,0.2167,1.5,0.9234,2.4452
    B,20,100,0.2,0.1334,0.2888,,,,,,
    0
    >>> tmp.cleanup()
    """
    table = read_table(args.file, args.group, args.numerator, args.denominator)
    source = table.source
    names = {"group": args.group, "numerator": args.numerator, "denominator": args.denominator}
    groups = labels(table, args.group, "group name")
    num = table.numeric(args.numerator, non_negative=True)
    den = table.numeric(args.denominator, non_negative=True)
    try:
        result = compare.compare(
            groups.tolist(), num, den, reference=args.reference, kind=args.kind, conf=args.conf
        )
    except InputError as exc:
        raise exc.located(file=source, columns=names) from None
    rows = [compare.Comparison.COLUMNS]
    for row in result.rows():
        rows.append([row["group"], *(_cell(row[c]) for c in compare.Comparison.COLUMNS[1:])])
    write_rows(sys.stdout, rows)
    return 0

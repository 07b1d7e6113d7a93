"""``equitystats chart``: run charts and control charts (qicharts2 0.8.1 semantics) as CSV."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from equitystats import spc
from equitystats.cli._common import int_list, labels, positive_int, positive_number
from equitystats.cli._common import write_csv as _write_csv
from equitystats.errors import InputError
from equitystats.table import read_csv

EPILOG = """\
input: one row per observation. Rows with the same --x value form one subgroup (in order
of first appearance): xbar and s charts need several rows per subgroup; for the other
charts repeated x values are combined as qicharts2 does (mean of y; sum of counts; sum of
numerators over sum of denominators). Missing y/n cells (empty or NA) are plotted as
missing points.

chart types:
  run   median centre line, no limits (Anhøj rules)
  i     individuals (XmR): mean ± 3 × screened MR̄ / 1.128
  mr    moving ranges: MR̄, UCL 3.267 × MR̄
  xbar  subgroup means ± A3·s̄      s     subgroup SDs, B3·s̄ .. B4·s̄
  c     counts ± 3√c̄                u     rates y/n ± 3√(ū/n)
  p     proportions ± 3√(p̄(1−p̄)/n)  up/pp Laney u′/p′ (z-score moving ranges)

output (CSV on stdout), one row per plotted point (per subgroup for xbar/s), in input
order: x,y,cl,lcl,ucl,part,runs_signal,sigma_signal,longest_run,longest_run_max,crossings,
crossings_min (y is the plotted value: proportion for p, rate × multiply for u, subgroup
mean or SD for xbar/s). runs_signal and its statistics are Anhøj's rules per part;
sigma_signal marks points outside the limits. --rules ihi adds shift,trend,runs_too_few,
runs_too_many; --rules nhs adds special_cause,point_type (and uses mean ± 2.66 × MR̄ on i
charts). Booleans are true/false, missing values empty.

errors: exit code 2 with one line naming file, row and column — a missing column, a
non-numeric cell, a negative count, a numerator above its denominator (p, pp), a
denominator of 0, or fewer than 2 usable points (non-missing, not excluded, within
--freeze) in a part.

examples:
  equitystats chart infections.csv --chart u --x month --y infections --n patient_days \\
      --multiply 1000 --part 12
  equitystats chart waits.csv --chart i --x week --y minutes --freeze 20 --rules nhs \\
      --improvement decrease
  equitystats chart diameters.csv --chart xbar --x sample --y diameter
"""

COLUMN_ARGS = ("x", "y", "n")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run` (parsing reads no file).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["chart", "in.csv", "--chart", "i", "--x", "week", "--y", "minutes"])
    >>> args.command, args.func is run
    ('chart', True)
    """
    p = subparsers.add_parser(
        "chart",
        help="run charts and control charts (qicharts2 / Anhøj, IHI and NHS rules)",
        description="Run chart or Shewhart control chart of a CSV column: centre line and "
        "limits per part, Anhøj runs analysis, 3-sigma signals and optionally the IHI or NHS "
        "Making Data Count rules. Calculations follow qicharts2 0.8.1 (Anhøj).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.csv", help="CSV file, one row per observation")
    p.add_argument(
        "--chart",
        choices=spc.CHARTS,
        default="run",
        help="chart type (default: run); see the list below",
    )
    p.add_argument(
        "--x", required=True, metavar="COL", help="column with the subgroup (time) label"
    )
    p.add_argument(
        "--y",
        required=True,
        metavar="COL",
        help="column with the measurement, or the count (numerator) for c, u, up, p, pp",
    )
    p.add_argument(
        "--n",
        metavar="COL",
        help="column with the denominator (required for u, up, p, pp; with run/i/mr the "
        "plotted value becomes y/n)",
    )
    p.add_argument(
        "--freeze",
        type=positive_int,
        metavar="K",
        help="use only the first K points for the centre line and limits (the baseline); "
        "ignored with --part, as in qicharts2",
    )
    p.add_argument(
        "--part",
        type=int_list,
        metavar="K[,K...]",
        help="1-based positions of the last point of each part before a break; each part "
        "gets its own centre line, limits and runs analysis",
    )
    p.add_argument(
        "--exclude",
        type=int_list,
        metavar="I[,I...]",
        help="1-based positions left out of the calculations and runs rules but still "
        "plotted and tested against the limits",
    )
    p.add_argument(
        "--multiply",
        type=positive_number,
        default=1.0,
        metavar="M",
        help="multiply y, centre line and limits by M (e.g. 100 for percent, 1000 for "
        "rates per 1,000); default 1",
    )
    p.add_argument(
        "--rules",
        choices=spc.RULES,
        default="anhoej",
        help="extra rule set: anhoej (default; always reported), ihi (shift 6, trend 5, "
        "too few/many runs) or nhs (Making Data Count point types)",
    )
    p.add_argument(
        "--no-screen-mr",
        dest="screen_mr",
        action="store_false",
        help="do not drop moving ranges at or above 3.267 × their mean before estimating "
        "sigma (screening is on by default; Nelson 1982)",
    )
    p.add_argument(
        "--improvement",
        choices=spc.IMPROVEMENTS,
        default="neutral",
        help="direction of improvement for the NHS point types (default: neutral)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: read, compute, write to stdout; the exit code.

    >>> import argparse, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "in.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(['week,minutes', '1,12', '2,14', '3,11', '4,13', '5,15', '6,12', '7,13', '8,40']) + chr(10))
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["chart", path, "--chart", "i", "--x", "week", "--y", "minutes"]))
    x,y,cl,lcl,ucl,part,runs_signal,sigma_signal,longest_run,longest_run_max,crossings,crossings_min
    1,12.0,16.25,10.4876,22.0124,1,true,false,7,6,1,1
    2,14.0,16.25,10.4876,22.0124,1,true,false,7,6,1,1
    3,11.0,16.25,10.4876,22.0124,1,true,false,7,6,1,1
    4,13.0,16.25,10.4876,22.0124,1,true,false,7,6,1,1
    5,15.0,16.25,10.4876,22.0124,1,true,false,7,6,1,1
    6,12.0,16.25,10.4876,22.0124,1,true,false,7,6,1,1
    7,13.0,16.25,10.4876,22.0124,1,true,false,7,6,1,1
    8,40.0,16.25,10.4876,22.0124,1,true,true,7,6,1,1
    0
    >>> tmp.cleanup()
    """
    table = read_csv(args.file)
    source = table.source
    if args.chart in spc.RATIO_CHARTS and not args.n:
        raise InputError(f"{args.chart} charts need --n (the denominator column)", file=source)
    names = {"x": args.x, "y": args.y, "n": args.n}
    table.require(*[c for c in names.values() if c])

    x = labels(table, args.x, "x value")
    counts = args.chart in spc.COUNT_CHARTS
    y = table.numeric(args.y, allow_missing=True, non_negative=counts)
    n = table.numeric(args.n, allow_missing=True, non_negative=True) if args.n else None
    if x.size == 0:
        raise InputError("has no data rows", file=source)

    try:
        result = spc.chart(
            y,
            chart=args.chart,
            n=n,
            x=x,
            freeze=args.freeze,
            part=args.part,
            exclude=args.exclude,
            multiply=args.multiply,
            screen_mr=args.screen_mr,
            rules=args.rules,
            improvement=args.improvement,
        )
    except InputError as exc:
        raise exc.located(file=source, columns=names) from None

    write_csv(result, sys.stdout)
    return 0


def write_csv(result: spc.ChartResult, out: Any) -> None:
    """Write ``result.to_rows()`` as CSV (booleans true/false, missing values empty; floats
    by ``repr``, so whole ones keep their ``.0``).

    >>> import sys
    >>> write_csv(spc.chart([3, 5, 4], chart="run"), sys.stdout)
    x,y,cl,lcl,ucl,part,runs_signal,sigma_signal,longest_run,longest_run_max,crossings,crossings_min
    1,3.0,4.0,,,1,false,false,1,4,1,0
    2,5.0,4.0,,,1,false,false,1,4,1,0
    3,4.0,4.0,,,1,false,false,1,4,1,0
    """
    _write_csv(out, result.columns, result.to_rows(), whole_as_int=False)

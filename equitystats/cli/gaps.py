"""``equitystats gaps``: equity gaps per group and period against a reference, as CSV."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from equitystats import gaps
from equitystats.cli._common import (
    add_group_count_columns,
    labels,
    number,
    positive_number,
    read_table,
    write_rows,
)
from equitystats.errors import InputError

EPILOG = """\
input: one row per period and group with the measure's numerator (events) and
denominator (eligible patients), so the measure is a proportion. Periods are sorted:
numerically when every period is a number, otherwise as text (use sortable labels such as
2024-03 or 2024-Q1).

reference (--reference): a group's name, "best" (the group with the best rate over the
whole series, highest with --improvement increase, lowest with decrease), "largest" (the
group with the largest total denominator) or "overall" (all groups together, the default;
the gap is against the overall rate and its intervals come from the group versus the rest
of the population, because the group is part of the overall).

output (CSV on stdout), one row per group and period, groups in order of first appearance:
  period,group,reference,rate,reference_rate,difference,diff_ci_low,diff_ci_high,
  ratio,ratio_ci_low,ratio_ci_high,chart,cl,lcl,ucl,sigma_signal,signal,closing
  rate, reference_rate and the difference with its 95 % interval (Newcombe hybrid score)
  are × --multiply (percentage points with 100); the ratio and its 95 % interval
  (MOVER-R with Wilson limits, Donner & Zou 2012) are unscaled. chart is "i" (XmR chart of the difference, 12 or more periods) or
  "run" (run chart, fewer); cl/lcl/ucl are its centre line and limits (no limits on a run
  chart); sigma_signal marks a point outside the limits; signal (runs or limits, Anhøj
  rules) and closing (the gap narrowed and there is a signal) are per group. Missing
  values are empty, booleans true/false.
  With --summary, one plain-language sentence per group instead of the CSV.

errors: exit code 2 with one line naming file, row and column — a missing column, a
non-numeric or negative count, a numerator above its denominator, a period and group given
twice, an unknown reference group.

examples:
  equitystats gaps a1c.csv --period quarter --group race --numerator controlled \\
      --denominator patients --reference White
  equitystats gaps readmits.csv --period month --group language --numerator readmitted \\
      --denominator discharges --reference best --improvement decrease --summary
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run` (parsing reads no file).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["gaps", "in.csv", "--period", "quarter", "--group", "race", "--numerator", "controlled", "--denominator", "patients", "--reference", "B"])
    >>> args.command, args.func is run
    ('gaps', True)
    """
    p = subparsers.add_parser(
        "gaps",
        help="equity gap of each group against a reference over time, with SPC",
        description="For a proportion measured per period and group, the gap between each "
        "group and a reference (difference with Newcombe's interval, ratio with MOVER-R), "
        "charted over time (XmR chart, or run chart with fewer than 12 periods) to tell "
        "whether the gap is closing.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.csv", help="CSV file, one row per period and group")
    p.add_argument("--period", required=True, metavar="COL", help="column with the period")
    add_group_count_columns(p, denominator_help="column with the eligible patients (denominator)")
    p.add_argument(
        "--reference",
        default="overall",
        metavar="NAME|best|largest|overall",
        help="what each group is compared with: a group's name, best, largest or overall "
        "(default overall; see below)",
    )
    p.add_argument(
        "--improvement",
        choices=("increase", "decrease"),
        default="increase",
        help="whether a higher rate is better (increase, the default) or a lower one "
        "(decrease); decides the 'best' group",
    )
    p.add_argument(
        "--multiply",
        type=positive_number,
        default=100.0,
        metavar="M",
        help="scale of rates and differences (default 100: percent and percentage points)",
    )
    p.add_argument(
        "--summary",
        action="store_true",
        help="print one plain-language sentence per group instead of the CSV",
    )
    p.set_defaults(func=run)


def _periods(text: np.ndarray) -> np.ndarray:
    """Numbers when every period is a number (so 2 sorts before 10), else the text."""
    try:
        numbers = np.array([float(t) for t in text])
    except ValueError:
        return text
    return numbers if np.isfinite(numbers).all() else text


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: read, compute, write to stdout; the exit code.

    >>> import argparse, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "in.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(['quarter,race,controlled,patients', '1,A,30,100', '1,B,20,100', '2,A,28,100', '2,B,21,100', '3,A,26,100', '3,B,22,100']) + chr(10))
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["gaps", path, "--period", "quarter", "--group", "race", "--numerator", "controlled", "--denominator", "patients", "--reference", "B"]))
    period,group,reference,rate,reference_rate,difference,diff_ci_low,diff_ci_high,ratio,ratio_ci_low,ratio_ci_high,chart,cl,lcl,ucl,sigma_signal,signal,closing
    1,A,B,30,20,10.0,-2.0249,21.6734,1.5,0.9234,2.4452,run,7.0,,,false,false,false
    2,A,B,28.0,21,7.0,-4.9342,18.6932,1.3333,0.8203,2.1724,run,7.0,,,false,false,false
    3,A,B,26,22,4.0,-7.8305,15.696,1.1818,0.7251,1.9288,run,7.0,,,false,false,false
    0
    >>> tmp.cleanup()
    """
    table = read_table(args.file, args.period, args.group, args.numerator, args.denominator)
    source = table.source
    names = {
        "period": args.period,
        "group": args.group,
        "numerator": args.numerator,
        "denominator": args.denominator,
    }
    groups = labels(table, args.group, "value")
    periods = _periods(labels(table, args.period, "value"))
    num = table.numeric(args.numerator, non_negative=True)
    den = table.numeric(args.denominator, non_negative=True)
    try:
        result = gaps.gap_series(
            periods,
            groups,
            num,
            den,
            reference=args.reference,
            improvement=args.improvement,
            multiplier=args.multiply,
        )
    except InputError as exc:
        raise exc.located(file=source, columns=names) from None

    if args.summary:
        for sentence in result.summaries:
            print(sentence)
        return 0
    write_csv(result, sys.stdout)
    return 0


def write_csv(result: gaps.GapAnalysis, out) -> None:
    """The CSV described in the command's help.

    >>> import sys
    >>> write_csv(gaps.gap_series([1, 1, 2, 2], ["a", "b"] * 2, [30, 20, 25, 22], [100] * 4, reference="b"), sys.stdout)
    period,group,reference,rate,reference_rate,difference,diff_ci_low,diff_ci_high,ratio,ratio_ci_low,ratio_ci_high,chart,cl,lcl,ucl,sigma_signal,signal,closing
    1,a,b,30,20,10.0,-2.0249,21.6734,1.5,0.9234,2.4452,run,6.5,,,false,false,false
    2,a,b,25,22,3,-8.7407,14.6428,1.1364,0.6931,1.865,run,6.5,,,false,false,false
    """
    m = result.multiplier
    header = [
        "period",
        "group",
        "reference",
        "rate",
        "reference_rate",
        "difference",
        "diff_ci_low",
        "diff_ci_high",
        "ratio",
        "ratio_ci_low",
        "ratio_ci_high",
        "chart",
        "cl",
        "lcl",
        "ucl",
        "sigma_signal",
        "signal",
        "closing",
    ]
    periods = [
        number(p) if isinstance(p, (int, float, np.number)) else str(p)
        for p in result.periods.tolist()
    ]
    nan = np.full(len(periods), np.nan)
    rows: list[list[object]] = [header]
    for g in result.groups:
        chart = g.chart
        cl, lcl, ucl = (chart.cl, chart.lcl, chart.ucl) if chart is not None else (nan,) * 3
        sigma = chart.sigma_signal if chart is not None else np.zeros(len(periods), dtype=bool)
        rows += [
            [
                period,
                g.group,
                result.reference,
                g.rate[t] * m,
                g.reference_rate[t] * m,
                g.difference[t],
                g.diff_ci_low[t],
                g.diff_ci_high[t],
                g.ratio[t],
                g.ratio_ci_low[t],
                g.ratio_ci_high[t],
                g.chart_type or "",
                cl[t],
                lcl[t],
                ucl[t],
                bool(sigma[t]),
                g.signal,
                g.closing,
            ]
            for t, period in enumerate(periods)
        ]
    write_rows(out, rows)

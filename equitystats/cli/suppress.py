"""``equitystats suppress``: small-cell suppression of a two-way count table, as CSV."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from equitystats import suppress
from equitystats._arrays import first_appearance
from equitystats.cli._common import labels, positive_int, write_rows
from equitystats.errors import InputError
from equitystats.table import Table, read_csv

EPILOG = """\
input: one row per cell of a two-way table in long form: a --row label (e.g. group), a
--column label (e.g. period) and a --value that is a count (a whole number ≥ 0). Row and
column combinations missing from the file count as 0 (a count export that leaves out empty
cells means exactly that); a combination given twice is an error.

rules (CMS cell size suppression policy): counts from 1 to --threshold (default 10) are
suppressed ("primary"); 0 is published unless --suppress-zero. The table is published with
its row totals, column totals and grand total (the real totals), so further cells are
suppressed ("complementary") until no suppressed value can be worked out from what is
published — not by subtraction from a total, and not by solving all the totals together
(checked by linear programming). A total that is itself 1..threshold, or that would give
away a cell, is suppressed too. Without totals (--no-margins) only primary suppression
applies.

output (CSV on stdout), rows in order of first appearance, each row's cells then its total,
then the column totals and the grand total (labelled with --total-label):
  ROW,COLUMN,VALUE,suppressed,reason,display
  VALUE is empty where suppressed; suppressed is true/false; reason is primary,
  complementary or empty; display is what to print: the value, "suppressed (fewer than
  11)" (primary), "suppressed (to protect a small cell)" (complementary) or, for totals,
  "suppressed".

errors: exit code 2 with one line naming file, row and column — a missing column, a count
that is negative or not a whole number, a repeated row/column combination.

examples:
  equitystats suppress visits.csv --row race --column quarter --value patients
  equitystats suppress deaths.csv --row county --column year --value deaths \\
      --threshold 9 --suppress-zero
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run` (parsing reads no file).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["suppress", "in.csv", "--row", "race", "--column", "quarter", "--value", "patients"])
    >>> args.command, args.func is run
    ('suppress', True)
    """
    p = subparsers.add_parser(
        "suppress",
        help="suppress small cells of a count table (CMS cell size policy, 1-10)",
        description="Prepare a two-way count table for publication: suppress counts from 1 to "
        "the threshold, and enough other cells that none of them can be recovered from the "
        "published row, column and grand totals.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.csv", help="CSV file, one row per table cell")
    p.add_argument("--row", required=True, metavar="COL", help="column with the row label")
    p.add_argument("--column", required=True, metavar="COL", help="column with the column label")
    p.add_argument("--value", required=True, metavar="COL", help="column with the count")
    p.add_argument(
        "--threshold",
        type=positive_int,
        default=suppress.DEFAULT_THRESHOLD,
        metavar="K",
        help="suppress counts from 1 to K (default 10, the CMS policy); K = 1 needs "
        "--suppress-zero, since a hidden cell that can only be 1 is not hidden",
    )
    p.add_argument(
        "--suppress-zero", action="store_true", help="also suppress counts of 0 (primary)"
    )
    p.add_argument(
        "--no-margins",
        action="store_true",
        help="the totals will not be published: no totals in the output and no "
        "complementary suppression",
    )
    p.add_argument(
        "--total-label",
        default="Total",
        metavar="TEXT",
        help="label of the totals in the output (default: Total); it must not be a row or "
        "column label of the data",
    )
    p.set_defaults(func=run)


def _labels(table: Table, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The column's labels in order of first appearance, and each row's index into them."""
    names, index, _ = first_appearance(labels(table, name, "label"))
    return names, index


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: read, compute, write to stdout; the exit code.

    >>> import argparse, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "in.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(['race,quarter,patients', 'A,Q1,3', 'A,Q2,40', 'A,Q3,50', 'B,Q1,30', 'B,Q2,40', 'B,Q3,50']) + chr(10))
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["suppress", path, "--row", "race", "--column", "quarter", "--value", "patients"]))
    race,quarter,patients,suppressed,reason,display
    A,Q1,,true,primary,suppressed (fewer than 11)
    A,Q2,,true,complementary,suppressed (to protect a small cell)
    A,Q3,50,false,,50
    A,Total,93,false,,93
    B,Q1,,true,complementary,suppressed (to protect a small cell)
    B,Q2,,true,complementary,suppressed (to protect a small cell)
    B,Q3,50,false,,50
    B,Total,120,false,,120
    Total,Q1,33,false,,33
    Total,Q2,80,false,,80
    Total,Q3,100,false,,100
    Total,Total,213,false,,213
    0
    >>> tmp.cleanup()
    """
    table = read_csv(args.file)
    source = table.source
    table.require(args.row, args.column, args.value)
    if args.row == args.column:
        raise InputError("--row and --column must be different columns", file=source)
    if table.n_rows == 0:
        raise InputError("has no data rows", file=source)
    row_names, r = _labels(table, args.row)
    col_names, c = _labels(table, args.column)
    values = table.numeric(args.value, integer=True, non_negative=True)
    margins = not args.no_margins
    for names, col in ((row_names, args.row), (col_names, args.column)):
        if margins and args.total_label in names:
            raise InputError(
                f"{args.total_label!r} is a label in the data; choose another --total-label",
                file=source,
                column=col,
            )
    cell = r * col_names.size + c
    uniq, counts = np.unique(cell, return_counts=True)
    if (counts > 1).any():
        row = int(np.flatnonzero(cell == uniq[counts > 1][0])[1]) + 1
        raise InputError(
            f"{args.row} {str(row_names[r[row - 1]])!r} and {args.column} "
            f"{str(col_names[c[row - 1]])!r} appear more than once",
            file=source,
            row=row,
            column=args.column,
        )
    grid = np.zeros((row_names.size, col_names.size))
    grid[r, c] = values
    try:
        result = suppress.suppress_table(
            grid, threshold=args.threshold, suppress_zero=args.suppress_zero, margins=margins
        )
    except InputError as exc:
        raise InputError(exc.message, file=source) from None
    write_csv(result, row_names, col_names, args, sys.stdout)
    return 0


def write_csv(
    result: suppress.SuppressedTable,
    row_names: np.ndarray,
    col_names: np.ndarray,
    args: argparse.Namespace,
    out,
) -> None:
    """The long-form CSV described in the command's help.

    >>> import argparse, sys
    >>> import numpy as np
    >>> table = suppress.suppress_table([[3, 40], [30, 45]], margins=False)
    >>> write_csv(table, np.array(["A", "B"]), np.array(["Q1", "Q2"]), argparse.Namespace(row="race", column="quarter", value="patients", total_label="Total"), sys.stdout)
    race,quarter,patients,suppressed,reason,display
    A,Q1,,true,primary,suppressed (fewer than 11)
    A,Q2,40,false,,40
    B,Q1,30,false,,30
    B,Q2,45,false,,45
    """
    thr = result.threshold

    def line(rname, cname, value, hidden, primary, total):
        if not hidden:
            count = int(value)  # a whole number: the counts are checked on input
            return [rname, cname, count, False, "", count]
        reason = "primary" if primary else "complementary"
        if total:
            shown = suppress.label(thr, total=True)
        else:
            shown = suppress.label(thr, complementary=not primary)
        return [rname, cname, None, True, reason, shown]

    total = args.total_label
    rows = []
    for i, rname in enumerate(row_names.tolist()):
        for j, cname in enumerate(col_names.tolist()):
            rows.append(
                line(
                    rname,
                    cname,
                    result.values[i, j],
                    result.mask[i, j],
                    result.primary[i, j],
                    False,
                )
            )
        if result.row_totals is not None:
            rows.append(
                line(
                    rname,
                    total,
                    result.row_totals[i],
                    result.row_totals_mask[i],
                    result.row_totals_primary[i],
                    True,
                )
            )
    if result.column_totals is not None:
        for j, cname in enumerate(col_names.tolist()):
            rows.append(
                line(
                    total,
                    cname,
                    result.column_totals[j],
                    result.column_totals_mask[j],
                    result.column_totals_primary[j],
                    True,
                )
            )
        rows.append(
            line(
                total,
                total,
                result.grand_total,
                result.grand_total_mask,
                result.grand_total_primary,
                True,
            )
        )
    header = [args.row, args.column, args.value, "suppressed", "reason", "display"]
    write_rows(out, [header, *rows])

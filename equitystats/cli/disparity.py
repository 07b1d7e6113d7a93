"""``equitystats disparity``: summary disparity measures from one row per group, as JSON."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from equitystats import disparity
from equitystats.cli._common import labels
from equitystats.errors import InputError
from equitystats.table import read_csv

EPILOG = """\
input: one row per group with its rate, the rate's standard error and the population
(any rate: per person, per 1,000, per 100,000 — the measures keep its scale).

output (JSON on stdout):
  {"mean": μ, "reference": {"name", "rate", "se"},
   "measures": {NAME: {"value", "se", "ci_low", "ci_high"}, ...},
   "pairs": [{"group", "difference": {...}, "ratio": {...}}, ...]}
  Measures: range_difference, range_ratio, index_of_disparity (percent),
  between_group_variance, theil_index, mean_log_deviation (both unscaled),
  index_of_dissimilarity (proportion), population_attributable_fraction and, with
  --order, slope_index_of_inequality, relative_index_of_inequality,
  absolute_concentration_index, relative_concentration_index. Standard errors are
  Taylor-linearised (delta method), intervals 95 %; values that are undefined (for
  example a ratio against a zero rate) are null.

example:
  equitystats disparity rates.csv --group race --rate rate --se se \\
      --population pop --reference best
  equitystats disparity by_income.csv --group quintile --rate rate --se se \\
      --population pop --order quintile_rank --reference largest
"""

KEYWORDS = ("best", "largest", "mean")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the command's parser to ``subparsers``; its ``func`` is :func:`run` (parsing reads no file).

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["disparity", "in.csv", "--group", "group", "--rate", "rate", "--se", "se", "--population", "people"])
    >>> args.command, args.func is run
    ('disparity', True)
    """
    p = subparsers.add_parser(
        "disparity",
        help="disparity measures across groups (HD*Calc / Harper & Lynch 2005)",
        description="Summary measures of disparity between groups (range, index of disparity, "
        "between-group variance, Theil, mean log deviation, dissimilarity, PAF and, for "
        "ordered groups, slope/relative index of inequality and concentration indices), "
        "each with a delta-method standard error and 95 % interval, plus each group's "
        "rate difference and ratio against a reference.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.csv", help="CSV file with one row per group")
    p.add_argument("--group", required=True, metavar="COL", help="column naming the group")
    p.add_argument("--rate", required=True, metavar="COL", help="column with the group's rate")
    p.add_argument(
        "--se", required=True, metavar="COL", help="column with the standard error of the rate"
    )
    p.add_argument(
        "--population",
        required=True,
        metavar="COL",
        help="column with the group's population (weights the mean and the shares)",
    )
    p.add_argument(
        "--reference",
        default="mean",
        metavar="NAME|best|largest|mean",
        help="what the pairs, index of disparity and PAF compare against: a group's name, "
        "'best' (lowest rate, or highest with --higher-is-better), 'largest' (largest "
        "population) or 'mean' (population-weighted mean; the default)",
    )
    p.add_argument(
        "--order",
        metavar="COL",
        help="numeric column ranking the groups (e.g. income quintile 1-5, lowest first); "
        "adds the slope and relative index of inequality and the concentration indices",
    )
    p.add_argument(
        "--higher-is-better",
        action="store_true",
        help="a higher rate is better (e.g. screening); only changes which group is 'best'",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command for the parsed ``args``: read, compute, write JSON to stdout; the exit
    code.

    >>> import argparse, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "in.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(['group,rate,se,people', 'a,0.3,0.02,100', 'b,0.2,0.02,300']) + chr(10))
    >>> parser = argparse.ArgumentParser(prog="equitystats")
    >>> register(parser.add_subparsers(dest="command"))
    >>> import contextlib, io, json
    >>> out = io.StringIO()
    >>> with contextlib.redirect_stdout(out):
    ...     code = run(parser.parse_args(["disparity", path, "--group", "group", "--rate", "rate", "--se", "se", "--population", "people"]))
    >>> code, json.loads(out.getvalue())["measures"]["range_difference"]
    (0, {'value': 0.1, 'se': 0.0283, 'ci_low': 0.0446, 'ci_high': 0.1554})
    >>> tmp.cleanup()
    """
    table = read_csv(args.file)
    source = table.source
    cols = [args.group, args.rate, args.se, args.population]
    if args.order:
        cols.append(args.order)
    table.require(*cols)

    groups = labels(table, args.group, "group name")
    rates = table.numeric(args.rate, non_negative=True)
    ses = table.numeric(args.se, non_negative=True)
    pops = table.numeric(args.population, non_negative=True)
    order = table.numeric(args.order) if args.order else None

    if groups.size < 2:
        raise InputError(
            f"needs at least 2 groups to measure a disparity, found {groups.size}", file=source
        )
    uniq, counts = np.unique(groups, return_counts=True)
    if (counts > 1).any():
        dup = str(uniq[counts > 1][0])
        row = int(np.flatnonzero(groups == dup)[1]) + 1
        raise InputError(
            f"group {dup!r} appears more than once", file=source, row=row, column=args.group
        )
    if args.reference not in KEYWORDS and args.reference not in uniq:
        shown = ", ".join(map(str, uniq[:10])) + (", …" if uniq.size > 10 else "")
        raise InputError(
            f"reference group {args.reference!r} is not in the file "
            f"(groups: {shown}; or use best, largest, mean)",
            file=source,
            column=args.group,
        )

    try:
        result = disparity.measures(
            groups.tolist(),
            rates,
            ses,
            pops,
            reference=args.reference,
            order=order,
            higher_is_better=args.higher_is_better,
        )
    except InputError as exc:
        raise exc.located(file=source) from None

    json.dump(to_json(result), sys.stdout, indent=2, allow_nan=False)
    sys.stdout.write("\n")
    return 0


def _num(x: float) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def to_json(result: disparity.DisparityResult) -> dict:
    """The JSON document written by the command (non-finite numbers become ``null``).

    >>> from equitystats import disparity
    >>> doc = to_json(disparity.measures(["a", "b"], [0.3, 0.2], [0.02, 0.02], [100, 300]))
    >>> sorted(doc), doc["reference"]["name"], doc["pairs"][0]["group"]
    (['mean', 'measures', 'pairs', 'reference'], 'mean', 'a')
    """
    return {
        "mean": _num(result.mean),
        "reference": {
            "name": result.reference.name,
            "rate": _num(result.reference.rate),
            "se": _num(result.reference.se),
        },
        "measures": {name: est.as_dict() for name, est in result.measures.items()},
        "pairs": [
            {
                "group": pair.group,
                "difference": pair.difference.as_dict(),
                "ratio": pair.ratio.as_dict(),
            }
            for pair in result.pairs
        ],
    }

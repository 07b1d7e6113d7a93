"""The ``equitystats`` command: a thin layer that reads CSV, calls the library, writes CSV/JSON.

Each subcommand lives in its own module in this package and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` to a callable taking the parsed arguments and
returning an exit code. Every :class:`~equitystats.errors.InputError` becomes one line on
stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from equitystats.errors import InputError

COMMANDS = (
    "chart",
    "compare",
    "disparity",
    "gaps",
    "stratify",
    "suppress",
    "age_adjust",
    "quality",
    "synth",
)


def build_parser() -> argparse.ArgumentParser:
    """The ``equitystats`` argument parser with every command of :data:`COMMANDS`.

    >>> parser = build_parser()
    >>> args = parser.parse_args(["compare", "a.csv", "--group", "g", "--numerator", "x", "--denominator", "n", "--reference", "B"])
    >>> args.command, args.file, args.reference
    ('compare', 'a.csv', 'B')
    """
    parser = argparse.ArgumentParser(
        prog="equitystats",
        description="Equity measurement: stratified rates, control charts, equity gaps, "
        "disparity measures, suppression and age adjustment.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"equitystats.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); the exit code, 2 for bad input
    (its one-line message goes to stderr).

    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = str(pathlib.Path(tmp.name) / "a1c.csv")
    >>> _ = pathlib.Path(path).write_text(chr(10).join(["race,controlled,patients", "A,30,100", "B,20,100"]) + chr(10))
    >>> main(["stratify", path, "--period", "race", "--numerator", "controlled", "--denominator", "patients"])
    period,stratifier,group,numerator,denominator,rate,se,ci_low,ci_high
    A,overall,all,30,100,0.3,0.0458,0.2189,0.3958
    B,overall,all,20,100,0.2,0.04,0.1334,0.2888
    0
    >>> main(["compare", path, "--group", "race", "--numerator", "controlled", "--denominator", "patients", "--reference", "C"])
    2
    >>> tmp.cleanup()
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"equitystats {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"equitystats {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

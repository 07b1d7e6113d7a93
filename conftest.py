"""Order of the suite for ``make test`` (``-n 2 --dist loadfile --no-loadscope-reorder``), and
the doctests of the ``equitystats`` library.

Whole files go to the two workers in the order collected, the next file to whichever worker is
free. The longest files (the browser journeys, Spark, the cohort solver's fuzz tests) are put
first so that the run ends on short files and both workers finish close together.
"""

from __future__ import annotations

from pathlib import Path

from _pytest.doctest import DoctestModule

#: The library whose modules' ``>>>`` examples are collected as tests (not the web app's).
LIBRARY = Path(__file__).resolve().parent / "equitystats"

#: Files that take long per file (seconds each, not test counts), started first.
LONG_FILES = (
    "equitystats/tests/test_engines.py",
    "pursuing_equity/teams/tests/test_cohort_solver.py",
)


def _rank(item) -> int:
    path = item.nodeid.split("::")[0]
    if item.get_closest_marker("browser") is not None:
        return 0
    if path in LONG_FILES:
        return 1
    return 2


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_rank)  # stable: the order within each rank is the collection order


def pytest_collect_file(file_path, parent):
    """Every module of ``equitystats`` (not its tests, not ``__main__``, which runs the CLI) is
    also collected as a doctest module, as ``--doctest-modules`` would do for this folder only.
    The option flags are pyproject's ``doctest_optionflags``."""
    if (
        file_path.suffix == ".py"
        and LIBRARY in file_path.parents
        and "tests" not in file_path.relative_to(LIBRARY).parts
        and file_path.name != "__main__.py"
    ):
        return DoctestModule.from_parent(parent, path=file_path)
    return None

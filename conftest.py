"""Order of the suite for ``make test`` (``-n 2 --dist loadfile --no-loadscope-reorder``).

Whole files go to the two workers in the order collected, the next file to whichever worker is
free. The longest files (the browser journeys, Spark, the cohort solver's fuzz tests) are put
first so that the run ends on short files and both workers finish close together.
"""

from __future__ import annotations

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

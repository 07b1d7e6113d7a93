"""Query counts that do not grow with data: count each page's queries, grow the data, count again.

Each app's ``test_query_counts.py`` lists its main pages (who reads them, where) and how its data
grows (more teams, events, updates, periods, applications); the counts must be equal.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

Pages = Callable[[], dict[str, tuple]]


def count_queries(client, user, url: str) -> int:
    """Queries of a GET of ``url`` signed in as ``user``, which must answer 200.

    The page is read once first: a first visit may create what later visits read (a calendar
    feed's token, the affinity groups), which is not what grows with the data. What is counted is
    the page computed, not its kept HTML (``{% fresh %}``): the kept pages are emptied first.
    """
    client.force_login(user)
    client.get(url)
    caches["fragments"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def assert_counts_do_not_grow(client, pages: Pages, grow: Callable[[], None]) -> dict[str, int]:
    """Counts of ``pages()`` before and after ``grow()`` are equal; returns the counts."""
    before = {name: count_queries(client, user, url) for name, (user, url) in pages().items()}
    grow()
    after = {name: count_queries(client, user, url) for name, (user, url) in pages().items()}
    grown = {name: (before[name], n) for name, n in after.items() if n != before[name]}
    assert not grown, f"query counts grew with the data (before, after): {grown}"
    return before


def read_twice(client, user, url: str) -> str:
    """The page read a second time (signed in as ``user``, unless None): served from what the
    first read kept (``{% fresh %}``), so with fewer queries. The apps' ``test_fresh_pages.py``
    then change the data through a service and read it again."""
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    assert response.status_code == 200
    assert len(second) < len(first)
    return response.content.decode()

"""The live server the journeys run against (see ``live_server`` in conftest.py)."""

import pytest
from django.db import connection, connections


def test_on_sqlite_the_live_server_answers_on_the_tests_own_connection(live_server):
    """A second connection to the in-memory test database fails with "database table is locked"
    instead of waiting, so the request threads must share the test's connection."""
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite's in-memory test database is shared with the server's threads")
    assert connection.is_in_memory_db()
    assert live_server.thread.connections_override["default"] is connections["default"]

"""SQLite as the embedded default: the web server and the task worker write to one file at once.

Django's test databases are in memory, where WAL and lock waits do not apply, so these tests open a
file database in ``tmp_path`` with the very options settings.py gives the default database.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.utils import ConnectionHandler

ALIAS = "sqlite_file"


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A file-backed SQLite database, configured like the default one, under ``ALIAS``."""
    database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "shared.sqlite3"),
        "OPTIONS": settings.PE_SQLITE_OPTIONS,
    }
    # ConnectionHandler fills in every key Django expects (and insists on a default).
    configured = ConnectionHandler({"default": database, ALIAS: database}).settings[ALIAS]
    connections.settings[ALIAS] = configured
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, author TEXT, seen INTEGER)")
        yield
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def test_the_default_sqlite_database_gets_the_embedded_options():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("DATABASE_URL points at another engine")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_a_file_database_runs_in_wal_mode_with_a_busy_timeout(file_database):
    with connections[ALIAS].cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20000
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_two_writers_at_once_queue_instead_of_failing(file_database):
    """Each writer reads, pauses while the other starts, then writes: in SQLite's default
    DEFERRED mode the second writer fails at once with "database is locked"."""
    errors: list[Exception] = []
    both_started = threading.Barrier(2)

    def write(author: str) -> None:
        try:
            both_started.wait(timeout=5)
            with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
                seen = cursor.execute("SELECT count(*) FROM note").fetchone()[0]
                time.sleep(0.2)
                cursor.execute("INSERT INTO note (author, seen) VALUES (%s, %s)", [author, seen])
        except Exception as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)
        finally:
            connections[ALIAS].close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("web", "worker")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    with connections[ALIAS].cursor() as cursor:
        seen = sorted(row[0] for row in cursor.execute("SELECT seen FROM note").fetchall())
    assert seen == [0, 1], "the second writer saw the first one's row: they ran one after the other"

"""The data version: one number that changes whenever the data pages show may have changed, so a
page's rendered HTML can be kept and served again until it does.

How the number moves: every SQL statement the project runs passes through :func:`_watch` (a
Django execute wrapper, installed on each new database connection). A statement that writes
(``INSERT``/``UPDATE``/``DELETE``/``TRUNCATE``/``REPLACE``) to any table except those in
:data:`IGNORED` bumps the version (one upsert of the one row of ``core_dataversion``) once its
transaction has committed: at once in autocommit, else once per transaction from ``on_commit``
(a rolled-back transaction bumps nothing). So the web server, the task worker, services, bulk
loads, raw SQL and migrations all count, with nothing to remember at each write; a reader never
sees the new number before the new data; and no transaction holds the row while it works (on
PostgreSQL, a bump inside it would make every other writer wait for its commit). While a
connection has written and not yet committed, it does not use kept pages (:func:`data_version`
returns None): what it renders must show its own writes. Inside a test's transaction, which
never commits (``atomic._from_testcase``, as Django's ``TestCase`` marks it), the version is
bumped at once instead — again after each read of it, and again after a savepoint that took a
bump was rolled back. Written first, the row starts at a random number, so a database flushed
or restored under a running server does not meet its old numbers again.

How pages use it: ``{% fresh "name" %}…{% endfresh %}`` (:mod:`.templatetags.fresh`) keeps the
HTML of its block under the data version, the person, the request's full path, the CSRF secret of
the session (a kept form still posts), the clock minute (what depends on the time — "starts in an
hour", an event that just ended — moves on at the next minute) and any extra values given. The
view hands the block its computation uncalled (``from page``), so that nothing is computed when
the HTML is kept. :func:`data_version` is read at most once per request (:mod:`.request_cache`), and
again after this connection's version moved. If a bump ever fails, pages kept under the old
number live 90 s at most (their cache time).

Sessions (:data:`IGNORED`) do not count: no page shows them, and every sign-in writes one.
"""

from __future__ import annotations

import functools
import re
import secrets

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

from pursuing_equity.core.request_cache import once

TABLE = "core_dataversion"
IGNORED = frozenset({TABLE, "django_session"})
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
    r'\s+"?(\w+)"?',
    re.IGNORECASE,
)
_BUMP = (
    "INSERT INTO core_dataversion (id, version) VALUES (1, %s) "
    "ON CONFLICT (id) DO UPDATE SET version = core_dataversion.version + 1"
)
_READ = "SELECT version FROM core_dataversion WHERE id = 1"


def written_table(sql: str) -> str | None:
    """The table a data-changing statement writes, or None for reads and DDL.

    >>> written_table('UPDATE "teams_team" SET "name" = %s WHERE "id" = %s')
    'teams_team'
    >>> written_table('INSERT INTO "core_auditentry" ("at") VALUES (%s)')
    'core_auditentry'
    >>> written_table('SELECT "id" FROM "teams_team"') is None
    True
    """
    match = _WRITE.match(sql)
    return match.group(1).lower() if match else None


class _State:
    """Per connection: how often its version moved (the request's remembered read is keyed by
    it), whether it read the version since, and the ``on_commit`` callback of its pending bump."""

    __slots__ = ("bumps", "read_since_bump", "after_commit")

    def __init__(self, alias: str) -> None:
        self.bumps = 0
        self.read_since_bump = False
        self.after_commit = functools.partial(_bump_after_commit, alias)


def _state(connection) -> _State:
    state = connection.__dict__.get("_pe_data_version")
    if state is None:
        state = connection.__dict__["_pe_data_version"] = _State(connection.alias)
    return state


def _pending(connection, state: _State) -> bool:
    """This connection's open transaction has a bump to make (its callback is still there: a
    rolled-back savepoint drops it, with the writes it was for)."""
    return any(entry[1] is state.after_commit for entry in connection.run_on_commit)


def _in_test_transaction(connection) -> bool:
    return any(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


#: While ``migrate`` runs, the table may not exist yet: nothing is bumped until it ends.
_migrating = False


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _migrating:
        return result
    table = written_table(sql) if isinstance(sql, str) else None
    if table is not None and table not in IGNORED:
        _written(context["connection"])
    return result


def _written(connection) -> None:
    state = _state(connection)
    if not connection.in_atomic_block:
        _bump(connection, state)  # autocommit: the write is committed already
    elif _in_test_transaction(connection):
        if state.read_since_bump or not _pending(connection, state):
            _bump(connection, state)
            if not _pending(connection, state):  # marks "bumped in this savepoint"
                transaction.on_commit(state.after_commit, using=connection.alias, robust=True)
    elif not _pending(connection, state):
        transaction.on_commit(state.after_commit, using=connection.alias, robust=True)


def _bump_after_commit(alias: str) -> None:
    from django.db import connections

    connection = connections[alias]
    _bump(connection, _state(connection))


def _bump(connection, state: _State) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [secrets.randbelow(2**62)])
    state.bumps += 1
    state.read_since_bump = False


def install(connection, **kwargs) -> None:
    """Watch every statement of ``connection`` (connected to ``connection_created``): the
    project's database only, the one whose data pages show."""
    if connection.alias == DEFAULT_DB_ALIAS and _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _migration_starts(**kwargs) -> None:
    global _migrating
    _migrating = True


def _migration_ends(using="default", **kwargs) -> None:
    """Migrations may have changed data: bump once, if the table is there."""
    global _migrating
    _migrating = False
    from django.db import connections

    connection = connections[using]
    if TABLE in connection.introspection.table_names():
        _bump(connection, _state(connection))


def connect() -> None:
    """Install the watch on every connection opened from now on and on those already open
    (called by the core app's ``ready()``)."""
    from django.db import connections

    connection_created.connect(install, dispatch_uid="pe_data_version")
    pre_migrate.connect(_migration_starts, dispatch_uid="pe_data_version_pre")
    post_migrate.connect(_migration_ends, dispatch_uid="pe_data_version_post")
    for connection in connections.all(initialized_only=True):
        install(connection)


def data_version(using: str = "default") -> int | None:
    """The current data version (0 before anything was written), read once per request and again
    after this connection's version moved; None while this connection has written and not yet
    committed (nothing kept may stand for what it shows)."""
    from django.db import connections

    connection = connections[using]
    install(connection)
    state = _state(connection)
    if (
        connection.in_atomic_block
        and _pending(connection, state)
        and not _in_test_transaction(connection)
    ):
        return None

    def read() -> int:
        with connection.cursor() as cursor:
            cursor.execute(_READ)
            row = cursor.fetchone()
        state.read_since_bump = True
        return row[0] if row else 0

    return once(("data_version", using, id(connection), state.bumps), read)

"""The data version: one number that changes whenever the data pages show may have changed, so a
page's rendered HTML can be kept and served again until it does.

How the number moves: every SQL statement the project runs passes through :func:`_watch` (a
Django execute wrapper, installed on each new database connection). A statement that writes
(``INSERT``/``UPDATE``/``DELETE``/``TRUNCATE``/``REPLACE``) to any table except those in
:data:`IGNORED` bumps the version (one upsert of the one row of ``core_dataversion``) in the same
transaction, so a reader never sees the new version before the new data: the web server, the task
worker, services, bulk loads, raw SQL and migrations all count, with nothing to remember at each
write. Inside a transaction the version is bumped once, unless this connection read it in the
meantime (then a later write must bump again, or a page rendered between the two would be kept
under the newer number); a rolled-back savepoint takes its bump with it, and the next write bumps
again. Written first, the row starts at a random number, so a database flushed or restored under a
running server does not meet its old numbers again.

How pages use it: ``{% fresh "name" %}…{% endfresh %}`` (:mod:`.templatetags.fresh`) keeps the
HTML of its block under the data version, the person, the request's full path, the CSRF secret of
the session (a kept form still posts), the clock minute (what depends on the time — "starts in an
hour", an event that just ended — moves on at the next minute) and any extra values given. The
view hands the block its computation uncalled (``from page``), so that nothing is computed when
the HTML is kept. :func:`data_version` is read at most once per request (:mod:`.request_cache`), and
again after this connection wrote.

Sessions (:data:`IGNORED`) do not count: no page shows them, and every sign-in writes one.
"""

from __future__ import annotations

import re
import secrets

from django.db import transaction
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


def _sentinel() -> None:
    """Registered with ``on_commit`` when a transaction bumps the version: while it is pending,
    the transaction has bumped (a rolled-back savepoint drops it together with its bump)."""


def _bumped_in_transaction(connection) -> bool:
    return any(entry[1] is _sentinel for entry in connection.run_on_commit)


#: While ``migrate`` runs, the table may not exist yet: nothing is bumped until it ends.
_migrating = False


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _migrating:
        return result
    table = written_table(sql) if isinstance(sql, str) else None
    if table is not None and table not in IGNORED:
        connection = context["connection"]
        state = connection.__dict__.setdefault("_pe_data_version", _State())
        if not connection.in_atomic_block:
            _bump(connection, state)
        elif state.read_since_bump or not _bumped_in_transaction(connection):
            _bump(connection, state)
            if not _bumped_in_transaction(connection):
                transaction.on_commit(_sentinel, using=connection.alias)
    return result


class _State:
    """Per connection: how often it bumped (the request's remembered read is keyed by it) and
    whether it read the version since its last bump."""

    __slots__ = ("bumps", "read_since_bump")

    def __init__(self) -> None:
        self.bumps = 0
        self.read_since_bump = False


def _bump(connection, state: _State) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [secrets.randbelow(2**62)])
    state.bumps += 1
    state.read_since_bump = False


def install(connection, **kwargs) -> None:
    """Watch every statement of ``connection`` (connected to ``connection_created``)."""
    if _watch not in connection.execute_wrappers:
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
        _bump(connection, connection.__dict__.setdefault("_pe_data_version", _State()))


def connect() -> None:
    """Install the watch on every connection opened from now on and on those already open
    (called by the core app's ``ready()``)."""
    from django.db import connections

    connection_created.connect(install, dispatch_uid="pe_data_version")
    pre_migrate.connect(_migration_starts, dispatch_uid="pe_data_version_pre")
    post_migrate.connect(_migration_ends, dispatch_uid="pe_data_version_post")
    for connection in connections.all(initialized_only=True):
        install(connection)


def data_version(using: str = "default") -> int:
    """The current data version (0 before anything was written), read once per request and again
    after this connection wrote."""
    from django.db import connections

    connection = connections[using]
    install(connection)
    state = connection.__dict__.setdefault("_pe_data_version", _State())

    def read() -> int:
        with connection.cursor() as cursor:
            cursor.execute(_READ)
            row = cursor.fetchone()
        state.read_since_bump = True
        return row[0] if row else 0

    return once(("data_version", using, id(connection), state.bumps), read)

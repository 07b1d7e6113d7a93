"""The services of data connections (issue 19): register, remove and pull a measure's connection.
Credentials are encrypted, never shown, logged or audited; a pull runs in the task
:func:`data_connection_pull` (defined here, beside the service that queues it) and stores what
changed as a confirmed upload (:func:`.services.submission_confirm`)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from pursuing_equity.core import secrets
from pursuing_equity.core.services import audit_record
from pursuing_equity.measures import connections
from pursuing_equity.measures.checks import Checked
from pursuing_equity.measures.models import DataConnection, Measure, Submission, Upload
from pursuing_equity.measures.services import submission_confirm


@sensitive_variables("secret")
@transaction.atomic
def connection_save(
    *,
    measure: Measure,
    actor,
    kind: str,
    secret: str = "",
    table: str = "",
    spark_master: str = "",
    columns: dict[str, str] | None = None,
) -> DataConnection:
    """Register or change the data connection of ``measure``. ``secret`` is the database URL
    (postgres) or the source path (spark); blank keeps the stored one. It is stored encrypted
    and appears nowhere else: the audit entry says only what kind of connection changed."""
    existing = DataConnection.objects.select_for_update().filter(measure=measure).first()
    connection = existing or DataConnection(measure=measure, created_by=actor)
    errors: dict[str, str] = {}
    secret, table, spark_master = secret.strip(), table.strip(), spark_master.strip()
    if kind not in DataConnection.Kind.values:
        errors["kind"] = "Choose PostgreSQL or Spark."
    if not secret and (existing is None or existing.kind != kind):
        errors["secret"] = (
            "Enter the database URL." if kind == DataConnection.Kind.POSTGRES
            else "Enter the Parquet or CSV path."
        )  # fmt: skip
    elif secret and kind == DataConnection.Kind.POSTGRES:
        problem = connections.url_problem(secret)
        if problem:
            errors["secret"] = problem
    if kind == DataConnection.Kind.POSTGRES:
        if not connections.TABLE_NAME.match(table):
            errors["table"] = (
                "Name the table or view: letters, digits and underscores, optionally after "
                "its schema (for example extracts.hypertension)."
            )
        spark_master = ""
    else:
        table = ""
    cleaned: dict[str, str] = {}
    for key, value in (columns or {}).items():
        value = (value or "").strip()
        if len(value) > 200 or any(ord(c) < 32 for c in value):
            errors[f"column_{key}"] = "A column name of at most 200 printable characters."
        elif value:
            cleaned[key] = value
    if sum(1 for k in connections.AGE_KINDS if cleaned.get(k)) > 1:
        errors["column_age_band"] = "Map either ages in years or age bands, not both."
    if errors:
        raise ValidationError(errors)
    changed = existing is None or secret or kind != connection.kind
    connection.kind, connection.table, connection.spark_master = kind, table, spark_master
    connection.columns = cleaned
    if secret:
        connection.secret = secrets.encrypt(secret)
    connection.full_clean()
    connection.save()
    audit_record(
        actor=actor,
        action="measures.connection_save",
        obj=connection,
        after={
            "measure": measure.slug,
            "kind": kind,
            "table": table,
            "columns": cleaned,
            "credentials": "replaced" if secret else "kept",
        },
        note="connection created" if existing is None else "connection updated",
    )
    if changed and existing is not None:
        connection.last_error = ""
        connection.save(update_fields=["last_error"])
    return connection


@transaction.atomic
def connection_remove(*, connection: DataConnection, actor) -> None:
    """Forget a data connection and its credentials; the versions it pulled stay."""
    audit_record(
        actor=actor,
        action="measures.connection_remove",
        obj=connection,
        after={"measure": connection.measure.slug, "kind": connection.kind},
        note="connection removed",
    )
    connection.delete()


@transaction.atomic
def connection_pull_request(*, connection: DataConnection, actor) -> DataConnection:
    """Queue a pull of ``connection`` (the "Pull now" button, and ``pull_data_connections``)."""
    DataConnection.objects.filter(pk=connection.pk).update(status=DataConnection.Status.QUEUED)
    audit_record(
        actor=actor,
        actor_label=None if actor else "pull_data_connections",
        action="measures.connection_pull_request",
        obj=connection,
        note="pull queued",
    )
    data_connection_pull.enqueue(connection.pk, getattr(actor, "pk", None))
    return DataConnection.objects.get(pk=connection.pk)


def connection_pull(
    *, connection_id: int, actor=None, today: datetime.date | None = None
) -> DataConnection:
    """Pull ``connection``'s aggregates (computed on its engine) into new versions of every
    period whose counts changed, checked, versioned and stored like a confirmed extract upload
    (:func:`submission_confirm`: age counts, then the dashboards precomputed, so suppression
    applies as to any data). A failed pull stores its scrubbed problems as ``last_error``."""
    connection = DataConnection.objects.select_related("measure__team__cycle").get(pk=connection_id)
    # The query may take minutes on a warehouse: no transaction is held open meanwhile.
    checked = connections.pull_counts(connection, today=today or timezone.localdate())
    with transaction.atomic():
        connection = DataConnection.objects.select_for_update().get(pk=connection_id)
        created: list[Submission] = []
        if checked.ok:
            upload = _changed_counts_upload(connection, checked, actor)
            if upload is not None:
                created = submission_confirm(upload=upload, actor=actor)
        connection.status = DataConnection.Status.OK if checked.ok else DataConnection.Status.FAILED
        connection.last_error = "\n".join(str(p) for p in checked.problems[:20])
        connection.last_pulled_at = timezone.now()
        connection.last_versions = len(created)
        connection.save(update_fields=["status", "last_error", "last_pulled_at", "last_versions"])
        audit_record(
            actor=actor,
            actor_label=None if actor else "pull_data_connections",
            action="measures.connection_pull",
            obj=connection,
            after={"status": connection.status, "versions": len(created)},
        )
    return connection


def _changed_counts_upload(connection: DataConnection, checked: Checked, actor) -> Upload | None:
    """A pending upload of the periods whose counts differ from their current version (a
    monthly pull of unchanged data makes no new version), or None."""
    measure = connection.measure
    current: dict[str, set] = defaultdict(set)
    for sub in Submission.objects.filter(measure=measure, is_current=True).prefetch_related(
        "counts", "age_counts"
    ):
        key = sub.period.isoformat()
        current[key] |= {
            (c.stratifier, c.group, None, c.numerator, c.denominator) for c in sub.counts.all()
        }
        current[key] |= {
            (c.stratifier, c.group, c.age_band, c.numerator, c.denominator)
            for c in sub.age_counts.all()
        }
    pulled: dict[str, set] = defaultdict(set)
    for r in checked.rows:
        pulled[r["period"]].add(
            (r["stratifier"], r["group"], None, r["numerator"], r["denominator"])
        )
    for r in checked.age_rows:
        pulled[r["period"]].add(
            (r["stratifier"], r["group"], r["age_band"], r["numerator"], r["denominator"])
        )
    changed = {p for p, cells in pulled.items() if cells != current.get(p)}
    if not changed:
        return None
    upload = Upload(
        measure=measure,
        source=Upload.Source.CONNECTION,
        original_name=f"data connection ({connection.get_kind_display()})",
        rows=[r for r in checked.rows if r["period"] in changed],
        age_rows=[r for r in checked.age_rows if r["period"] in changed],
        uploaded_by=actor,
    )
    upload.full_clean()
    upload.save()
    return upload


@task()
def data_connection_pull(connection_id: int, actor_id: int | None = None) -> str:
    """Pull a data connection's aggregates into new versions (:func:`connection_pull`);
    returns the connection's status ("removed" if it no longer exists)."""
    if not DataConnection.objects.filter(pk=connection_id).exists():
        return "removed"  # removed by staff after the pull was queued
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return connection_pull(connection_id=connection_id, actor=actor).status

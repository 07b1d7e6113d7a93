"""Write helpers every app uses: the audit log."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import models

from pursuing_equity.core.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
    actor_label: str | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the service's transaction, after the change.

    ``actor`` is a user, or None for the system (management commands, scheduled tasks), in which
    case ``actor_label`` says which ("load_program", "scheduler").
    """
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor_label or getattr(actor, "email", "") or str(actor)
        actor_obj = actor
    else:
        label = actor_label or "system"
        actor_obj = None
    entry = AuditEntry(
        actor=actor_obj,
        actor_label=label[:200],
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        note=note,
    )
    entry.full_clean()
    entry.save()
    return entry


def model_snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited fields of a model instance, as JSON-able values (for before/after)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in names}

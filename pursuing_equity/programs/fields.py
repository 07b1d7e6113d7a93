"""The program document's column: decoded once per process per version, not once per row."""

from __future__ import annotations

import functools
import json

from django.db import models
from django.db.models.fields.json import KeyTransform


@functools.lru_cache(maxsize=32)
def _decoded(raw: str):
    return json.loads(raw)


def clear_decoded() -> None:
    """Forget every decoded document (tests that edit a document in place call it between tests)."""
    _decoded.cache_clear()


class DocumentField(models.JSONField):
    """A JSONField whose rows with the same stored text share one decoded value.

    A program file is tens of kB of JSON that takes about a millisecond to decode, and a page that
    lists teams, measures or updates joins it once per row. The stored text of one version never
    changes, so the decoded value is kept per process, keyed by that text (a new version is new
    text, so it is never stale). The value is shared: read it, and to change a document assign a
    new one (``cycle.document = {...}``), never edit it in place. Migrations see a plain
    ``JSONField`` (``deconstruct``), so the column and its history are unchanged.
    """

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str) and not isinstance(expression, KeyTransform):
            return _decoded(value)
        return super().from_db_value(value, expression, connection)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs

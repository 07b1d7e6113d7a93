"""Computed dashboard results in the database: a JSON codec for the frozen dataclasses of
:mod:`.stored`, and the reads and writes of :class:`~.models.DashboardResult`.

Why the database and not a cache: the results must be shared by the web server's processes and
the task worker that precomputes them, and survive restarts (the suppression behind a shared
view is audited by linear programming and takes a fraction of a second per measure, so a
network of 170 measures would take over a minute to recompute). Each row carries the key it was
computed for; a row whose key no longer matches is simply recomputed and overwritten.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import math
import types
from collections.abc import Iterable
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from pursuing_equity.measures.models import DashboardResult

Kind = DashboardResult.Kind


def encode(value: Any) -> Any:
    """A compact JSON-able copy of ``value`` for :func:`decode`: a dataclass becomes the list of
    its field values (the type says what they are), a list of dicts with the same keys a table
    ``{"__columns__": keys, "__rows__": values}``, a date ISO text, a numpy scalar a plain
    number, and a non-finite float None (JSON, and PostgreSQL, have no NaN)."""
    if type(value) in _PLAIN:  # most values: checked first because this runs per cell
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        columns = list(value[0]) if value and isinstance(value[0], dict) else None
        if columns and all(isinstance(v, dict) and list(v) == columns for v in value):
            return {_COLUMNS: columns, _ROWS: [[encode(x) for x in v.values()] for v in value]}
        return [encode(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_COLUMNS, _ROWS = "__columns__", "__rows__"
_PLAIN = frozenset({str, int, bool, type(None)})


def _expand(data: Any) -> Any:
    """Tables back to lists of dicts, at any depth (for values typed ``Any``)."""
    if isinstance(data, dict):
        if data.keys() == {_COLUMNS, _ROWS}:
            return [
                dict(zip(data[_COLUMNS], map(_expand, row), strict=True)) for row in data[_ROWS]
            ]
        return {k: _expand(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_expand(v) for v in data]
    return data


@cache
def _hints(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def decode(kind: Any, data: Any) -> Any:
    """The value of type ``kind`` that :func:`encode` turned into ``data``."""
    if data is None:
        return None
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(kind) if a is not type(None)]
        return decode(options[0], data) if len(options) == 1 else _expand(data)
    if dataclasses.is_dataclass(kind):
        return kind(*(decode(hint, v) for (_, hint), v in zip(_hints(kind), data, strict=True)))
    if kind is datetime.date:
        return datetime.date.fromisoformat(data)
    if origin in (tuple, list):
        if isinstance(data, dict):
            data = _expand(data)
        args = get_args(kind)
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            return origin(decode(args[0], v) for v in data)
        return tuple(decode(a, v) for a, v in zip(args, data, strict=True))
    if origin is dict:
        _, value_kind = get_args(kind)
        return {k: decode(value_kind, v) for k, v in data.items()}
    return _expand(data)


def fingerprint(*kinds: type) -> str:
    """A digest of the fields of these dataclasses and of those they contain: part of every
    stored result's key, so that changing a dataclass makes the stored results stale instead of
    undecodable."""
    seen: dict[str, list[str]] = {}

    def walk(kind: Any) -> None:
        if dataclasses.is_dataclass(kind) and kind.__qualname__ not in seen:
            seen[kind.__qualname__] = [f"{name}:{hint}" for name, hint in _hints(kind)]
            for _, hint in _hints(kind):
                walk(hint)
        for arg in get_args(kind):
            walk(arg)

    for kind in kinds:
        walk(kind)
    return hashlib.sha256(repr(sorted(seen.items())).encode()).hexdigest()[:16]


def load(kind: str, wanted: dict[int, tuple[str, str]]) -> dict[int, Any]:
    """Stored data of ``kind`` by measure id, for ``wanted`` = {measure id: (variant, key)};
    measures without a row, or whose row was computed for another key, are left out (1 query)."""
    return {pk: json.loads(text) for pk, text in load_texts(kind, wanted).items()}


def load_texts(kind: str, wanted: dict[int, tuple[str, str]]) -> dict[int, str]:
    """:func:`load` without decoding: the stored JSON text, for a caller that keeps what it
    decoded under the key (a result never changes under its key) and decodes only what is new."""
    if not wanted:
        return {}
    variants = {variant for variant, _ in wanted.values()}
    rows = DashboardResult.objects.filter(
        kind=kind, measure_id__in=list(wanted), variant__in=variants
    ).values_list("measure_id", "variant", "key", "data")
    return {
        measure_id: data
        for measure_id, variant, key, data in rows
        if wanted[measure_id] == (variant, key)
    }


def save(kind: str, items: Iterable[tuple[int, str, str, Any]]) -> None:
    """Store (measure id, variant, key, JSON-able data) rows of ``kind``, replacing the row of the
    same measure and variant (one upsert, so two processes computing the same result at once
    cannot collide)."""
    rows = [
        DashboardResult(
            measure_id=m,
            kind=kind,
            variant=variant,
            key=key,
            data=json.dumps(data, separators=(",", ":"), allow_nan=False),
        )  # fmt: skip
        for m, variant, key, data in items
    ]
    if rows:
        DashboardResult.objects.bulk_create(
            rows,
            batch_size=100,
            update_conflicts=True,
            unique_fields=["measure", "kind", "variant"],
            update_fields=["key", "data", "computed_at"],
        )

"""Program cycles for tests of every app: the real program file, loaded (optionally with demo dates).

Loading the file through ``program_load`` validates it and saves each of its ~70 rows one by one
with ``full_clean`` (~440 queries, the costliest fixture of the suite when every test did it).
The first load of each date shift in a test process goes through ``program_load``; its rows are
then remembered and later loads insert the same rows in four bulk inserts and write the same
audit entry, giving the tests the same objects. A cycle already in the database (loaded twice in
one test) still goes through ``program_load``, which keeps its "unchanged"/"updated" behaviour.
``test_factories.py`` checks that both paths store the same rows.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from pursuing_equity.core.services import audit_record
from pursuing_equity.programs.dates import demo_shift_for
from pursuing_equity.programs.models import Activity, ActivityMonth, Cohort, Cycle
from pursuing_equity.programs.services import ACTOR_LABEL, program_load

PROGRAM_FILE: Path = settings.PE_PROGRAM_FILE


@dataclass(frozen=True)
class _Rows:
    """A loaded cycle's rows as field values (no primary or foreign keys)."""

    cycle: dict[str, Any]
    cohorts: list[dict[str, Any]]
    activities: list[dict[str, Any]]
    months: list[tuple[str, str, datetime.date, bool]]  # activity key, cohort key, month, in person
    audit: dict[str, Any]


_rows: dict[tuple[str, int, int], _Rows] = {}


def _values(obj, exclude: tuple[str, ...]) -> dict[str, Any]:
    return {
        f.attname: copy.deepcopy(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in exclude and not getattr(f, "auto_now", False)
        if not getattr(f, "auto_now_add", False)
    }


def _remember(cycle: Cycle) -> _Rows:
    from pursuing_equity.core.models import AuditEntry

    entry = AuditEntry.objects.filter(
        action="program.created", object_type=cycle._meta.label, object_id=str(cycle.pk)
    ).latest("pk")
    return _Rows(
        cycle=_values(cycle, ("id",)),
        cohorts=[_values(c, ("id", "cycle_id")) for c in cycle.cohorts.order_by("pk")],
        activities=[_values(a, ("id", "cycle_id")) for a in cycle.activities.order_by("pk")],
        months=[
            (m.activity.key, m.cohort.key, m.month, m.in_person)
            for m in ActivityMonth.objects.filter(activity__cycle=cycle)
            .select_related("activity", "cohort")
            .order_by("pk")
        ],
        audit={"after": entry.after, "note": entry.note},
    )


def _insert(rows: _Rows) -> Cycle:
    cycle = Cycle(**copy.deepcopy(rows.cycle))
    cycle.save(force_insert=True)
    cohorts = Cohort.objects.bulk_create([Cohort(cycle=cycle, **values) for values in rows.cohorts])
    activities = Activity.objects.bulk_create(
        [Activity(cycle=cycle, **values) for values in rows.activities]
    )
    cohort_by_key = {c.key: c for c in cohorts}
    activity_by_key = {a.key: a for a in activities}
    ActivityMonth.objects.bulk_create(
        [
            ActivityMonth(
                activity=activity_by_key[activity],
                cohort=cohort_by_key[cohort],
                month=month,
                in_person=in_person,
            )
            for activity, cohort, month, in_person in rows.months
        ]
    )
    audit_record(
        actor=None,
        actor_label=ACTOR_LABEL,
        action="program.created",
        obj=cycle,
        after=copy.deepcopy(rows.audit["after"]),
        note=rows.audit["note"],
    )
    return cycle


def load_cycle(*, shift_months: int = 0) -> Cycle:
    """The Pursuing Equity 2023 cycle, loaded from its program file."""
    key = (str(PROGRAM_FILE), PROGRAM_FILE.stat().st_mtime_ns, shift_months)
    rows = _rows.get(key)
    if rows is not None:
        existing = Cycle.objects.filter(slug=rows.cycle["slug"]).first()
        if existing is None:
            return _insert(rows)
        if existing.source_sha256 == rows.cycle["source_sha256"]:
            return existing  # program_load's "unchanged": nothing written
    result = program_load(path=PROGRAM_FILE, shift_months=shift_months)
    if result.status == "created":
        _rows[key] = _remember(result.cycle)
    return result.cycle


def load_demo_cycle(today: datetime.date) -> Cycle:
    """The cycle with its dates moved so that ``today`` is in its ninth month."""
    return load_cycle(shift_months=demo_shift_for(datetime.date(2023, 1, 1), today))

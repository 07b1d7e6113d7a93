"""``load_cycle`` remembers the rows of its first load and inserts them in bulk afterwards: both
paths must store the same cycle as ``program_load`` (the suite relies on it)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs.models import ActivityMonth, Cycle
from pursuing_equity.programs.services import program_load
from pursuing_equity.programs.tests import factories
from pursuing_equity.programs.tests.factories import PROGRAM_FILE, load_cycle


def stored(cycle: Cycle) -> dict:
    cycle.refresh_from_db()
    entry = AuditEntry.objects.get(action="program.created", object_id=str(cycle.pk))
    return {
        "cycle": {
            name: getattr(cycle, name)
            for name in (
                "slug",
                "program_name",
                "title",
                "starts_on",
                "ends_on",
                "time_zone",
                "document",
                "source_sha256",
                "date_shift_months",
            )
        },
        "cohorts": list(cycle.cohorts.order_by("position").values_list(*COHORT)),
        "activities": list(cycle.activities.order_by("position").values_list(*ACTIVITY)),
        "months": sorted(
            ActivityMonth.objects.filter(activity__cycle=cycle).values_list(
                "activity__key", "cohort__key", "month", "in_person"
            )
        ),
        "audit": (entry.actor_id, entry.actor_label, entry.object_type, entry.after, entry.note),
    }


COHORT = (
    "key",
    "name",
    "capacity",
    "application_deadline",
    "rolling_review",
    "response_within_days",
    "decisions_by",
    "position",
)
ACTIVITY = ("key", "name", "duration_minutes", "duration_days", "modality", "audience", "position")


def test_the_bulk_path_stores_what_program_load_stores(db, monkeypatch):
    monkeypatch.setattr(factories, "_rows", {})
    first = load_cycle(shift_months=2)  # through program_load; remembered
    expected = stored(first)
    Cycle.objects.all().delete()
    AuditEntry.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        second = load_cycle(shift_months=2)  # the bulk path
    assert len(queries) < 20
    assert second.pk != first.pk
    assert stored(second) == expected
    # Loading the file again finds nothing to change, as after a real load.
    assert program_load(path=PROGRAM_FILE, shift_months=2).status == "unchanged"
    assert load_cycle(shift_months=2).pk == second.pk


def test_each_load_gets_its_own_document(db):
    cycle = load_cycle()
    cycle.document["contact"]["email"] = "changed@example.org"
    Cycle.objects.all().delete()
    assert load_cycle().document["contact"]["email"] != "changed@example.org"

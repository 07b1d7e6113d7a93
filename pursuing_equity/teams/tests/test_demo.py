"""The teams demo step: cohorts from the solver, coaches, affinity choices; idempotent."""

from __future__ import annotations

import io

import pytest

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.teams import demo
from pursuing_equity.teams.models import AffinityMembership, SmallCohort, Team

pytestmark = pytest.mark.django_db


def test_without_teams_the_step_does_nothing():
    cycle = load_cycle()
    out = io.StringIO()
    demo.populate(cycle=cycle, organizations={}, today=None, out=out)
    assert "skipped" in out.getvalue()
    assert not SmallCohort.objects.exists()


def test_the_step_builds_cohorts_with_coaches_and_affinity_choices_once(world):
    SmallCohort.objects.all().delete()
    demo.populate(cycle=world.cycle, organizations={}, today=None, out=io.StringIO())
    smalls = list(SmallCohort.objects.filter(cohort=world.ln))
    assert len(smalls) == 2
    assert all(s.coach_id for s in smalls)
    assert not Team.objects.filter(cohort=world.ln, small_cohort=None).exists()
    assert AffinityMembership.objects.filter(cycle=world.cycle).exists()
    entries = AuditEntry.objects.count()
    demo.populate(cycle=world.cycle, organizations={}, today=None, out=io.StringIO())
    assert AuditEntry.objects.count() == entries

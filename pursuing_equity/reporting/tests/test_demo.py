"""The demo's reports: past months with some late, one missing, one overdue reflection; once."""

import io

import pytest
from django.utils import timezone

from pursuing_equity.reporting import demo, selectors
from pursuing_equity.reporting.models import LeaderReflection, PdsaCycle, ProgressScore, Update
from pursuing_equity.reporting.tests import factories


@pytest.mark.django_db
def test_no_teams_means_nothing_is_made():
    out = io.StringIO()
    demo.populate(cycle=factories.cycle(), organizations={}, today=timezone.localdate(), out=out)
    assert "skipped" in out.getvalue() and not Update.objects.exists()


@pytest.mark.django_db
def test_the_demo_has_late_missing_and_overdue_reports_and_runs_once(network):
    measure = factories.measure(network.ac)
    factories.counts(measure, factories.started_period(network.ac, 1), {"white": (50, 100)})
    cycle = factories.cycle()
    demo.populate(cycle=cycle, organizations={}, today=timezone.localdate(), out=io.StringIO())
    states = [
        (row.team, cell)
        for grid in selectors.submission_grid(cycle)
        for row in grid.rows
        for cell in row.cells
    ]
    ac = [cell for team, cell in states if team.cohort.key == "action_community"]
    assert any(c.state == "late" for c in ac)
    assert len([c for c in ac if c.state == "missing" and c.team == network.ac_other]) == 1
    assert any(c.reflection == "overdue" for c in ac)
    assert any(c.reflection == "reflected" for c in ac)
    # The latest update of a team with a leader is left for the leader's home to ask about.
    latest = Update.objects.filter(team=network.ac).order_by("-period_start").first()
    assert latest.team.members.filter(part="senior_leader").exists()
    assert not LeaderReflection.objects.filter(update=latest).exists()
    assert PdsaCycle.objects.filter(measure=measure).count() == 3
    assert selectors.pdsa_annotations(measure)
    assert ProgressScore.objects.filter(team=network.ac, rater="faculty").exists()
    assert Update.objects.filter(team=network.ln).exists()  # Learning Network reflections
    count = Update.objects.count()
    again = io.StringIO()
    demo.populate(cycle=cycle, organizations={}, today=timezone.localdate(), out=again)
    assert "already there" in again.getvalue() and Update.objects.count() == count

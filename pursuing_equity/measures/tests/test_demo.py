"""The demo step: every team gets measures with real, detectable gaps; idempotent."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict

import pytest

from pursuing_equity.measures import demo
from pursuing_equity.measures.models import (
    Aim,
    DashboardResult,
    Measure,
    StratumCount,
    Submission,
)
from pursuing_equity.measures.selectors import current_counts
from pursuing_equity.measures.tests.factories import TeamFactory, cycle

TODAY = datetime.date(2025, 3, 10)


@pytest.mark.django_db
def test_no_teams_means_nothing_is_made():
    out = io.StringIO()
    demo.populate(cycle=cycle(), organizations={}, today=TODAY, out=out)
    assert "skipped" in out.getvalue()
    assert not Measure.objects.exists()


@pytest.mark.django_db
def test_every_team_gets_two_to_five_measures_with_nine_months_or_more():
    teams = [TeamFactory() for _ in range(8)]
    out = io.StringIO()
    demo.populate(cycle=teams[0].cycle, organizations={}, today=TODAY, out=out)
    for team in teams:
        measures = list(Measure.objects.filter(team=team))
        assert 2 <= len(measures) <= 5
        for measure in measures:
            rows = current_counts(measure)
            months = {r.period for r in rows}
            assert len(months) >= 9
            assert max(months) == datetime.date(2025, 2, 1)
            for month in months:
                overall = next(r for r in rows if r.period == month and r.stratifier == "overall")
                for stratifier in measure.stratifiers:
                    group_rows = [
                        r for r in rows if r.period == month and r.stratifier == stratifier
                    ]
                    assert sum(r.denominator for r in group_rows) == overall.denominator
                    assert sum(r.numerator for r in group_rows) == overall.numerator
    assert Aim.objects.exists()
    assert Submission.objects.filter(is_current=False).exists()  # corrected periods keep version 1
    # every measure's dashboards and network panel are stored, so no first page computes them
    stored = DashboardResult.objects.values_list("measure_id", "kind", "variant")
    assert sorted(stored) == sorted(
        (m, kind, variant)
        for m in Measure.objects.values_list("pk", flat=True)
        for kind, variant in (
            ("published", "shared"), ("dashboard", "shared"), ("dashboard", "team"),
            ("panel", "shared"),
        )
    )  # fmt: skip
    again = io.StringIO()
    demo.populate(cycle=teams[0].cycle, organizations={}, today=TODAY, out=again)
    assert "already there" in again.getvalue()


@pytest.mark.django_db
def test_demo_gaps_are_real_and_some_teams_have_poor_completeness():
    teams = [TeamFactory() for _ in range(8)]
    demo.populate(cycle=teams[0].cycle, organizations={}, today=TODAY, out=io.StringIO())
    pooled = defaultdict(lambda: [0, 0])
    unknown_share = {}
    for team in teams:
        counts = StratumCount.objects.filter(
            submission__measure__team=team, submission__is_current=True
        )
        known = total = 0
        for c in counts:
            if c.stratifier == "race_ethnicity":
                pooled[c.group][0] += c.numerator
                pooled[c.group][1] += c.denominator
                total += c.denominator
                if c.group not in ("unknown", "declined", "not_collected", "missing"):
                    known += c.denominator
        unknown_share[team.slug] = 1 - known / total
    white = pooled["white"][0] / pooled["white"][1]
    black = pooled["black"][0] / pooled["black"][1]
    assert white - black > 0.05
    assert max(unknown_share.values()) > 0.2 > min(unknown_share.values())

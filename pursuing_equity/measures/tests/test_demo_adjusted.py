"""The demo's measure fed by an extract with ages: uploaded through the services, counted by age
band, and its stored dashboard holds age-adjusted rates."""

from __future__ import annotations

import datetime
import io

import pytest

from pursuing_equity.measures import demo, stored
from pursuing_equity.measures.models import AgeCount, Measure, Upload
from pursuing_equity.measures.tests.factories import TeamFactory, member

TODAY = datetime.date(2025, 3, 10)


@pytest.mark.django_db
def test_the_demo_measure_from_an_extract_has_age_adjusted_rates():
    teams = [TeamFactory() for _ in range(2)]
    leader = member(teams[0])
    demo.populate(cycle=teams[0].cycle, organizations={}, today=TODAY, out=io.StringIO())
    m = Measure.objects.get(team=teams[0], name=demo.EXTRACT_MEASURE)
    assert Upload.objects.get(measure=m).source == Upload.Source.EXTRACT
    assert m.submissions.filter(is_current=True).count() == 12
    assert AgeCount.objects.filter(submission__measure=m).exists()
    board = stored.measure_dashboard(m, leader)
    view = board.adjusted
    assert view.standard_label == "Age-adjusted (2000 U.S. standard)"
    white = [p for p in view.points if p.group == "white"]
    assert len(white) == 12 and all(p.rate is not None for p in white)
    black = [p for p in view.points if p.group == "black" and p.difference is not None]
    assert len(black) >= 6
    # the other teams' measures (counts files) have no age-adjusted section
    other = Measure.objects.filter(team=teams[1]).first()
    assert stored.measure_dashboard(other, member(teams[1])).adjusted is None

"""The demo step: this cycle's call decided, a second call open, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from pursuing_equity.applications.models import Application
from pursuing_equity.programs.models import Cycle
from pursuing_equity.review.demo import OPEN_CALL_SLUG
from pursuing_equity.review.models import CohortMove, DecisionLetter, Review
from pursuing_equity.teams.models import Team, TeamMember


@pytest.fixture(autouse=True)
def _demo_settings(settings):
    settings.PE_DEMO = True  # as `make demo` runs it; without it the command refuses


@pytest.mark.django_db
def test_demo_decides_this_call_and_opens_the_next():
    call_command("demo", stdout=StringIO())
    cycle = Cycle.objects.exclude(slug=OPEN_CALL_SLUG).get()
    apps = Application.objects.filter(cycle=cycle)
    assert apps.count() == 60
    assert Team.objects.filter(cycle=cycle, cohort__key="action_community").count() == 10
    assert Team.objects.filter(cycle=cycle, cohort__key="learning_network").count() == 40
    assert apps.filter(state="declined").exclude(decline_reason="").count() == 10
    moved = CohortMove.objects.filter(application__cycle=cycle)
    assert moved.count() == 10
    assert moved.filter(application__state="accepted").count() == 6
    assert not apps.exclude(state__in=["accepted", "declined"]).exists()
    assert Review.objects.filter(submitted_at__isnull=False).count() >= 60
    # One letter per decision: 10 AC invitations, 10 offers, 6 welcomes after an accepted offer,
    # 40 LN letters; a declined offer needs no letter.
    assert DecisionLetter.objects.count() == 10 + 10 + 6 + 40
    ac_teams = Team.objects.filter(cycle=cycle, cohort__key="action_community")
    for team in ac_teams:
        parts = set(team.members.values_list("part", flat=True))
        assert {"senior_leader", "alternate_leader"} <= parts
    assert TeamMember.objects.filter(team__cycle=cycle).count() >= 150

    open_call = Cycle.objects.get(slug=OPEN_CALL_SLUG)
    today = timezone.localdate()
    assert all(c.application_deadline > today for c in open_call.cohorts.all())

    counts = (Application.objects.count(), Review.objects.count(), Cycle.objects.count())
    call_command("demo", stdout=StringIO())
    assert (Application.objects.count(), Review.objects.count(), Cycle.objects.count()) == counts

"""The demo's outcomes: milestones with evidence, the baseline answered, the midpoint open; once."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.outcomes import demo
from pursuing_equity.outcomes.models import Evidence, Milestone, Response
from pursuing_equity.outcomes.selectors_self_assessment import assessment_of
from pursuing_equity.outcomes.tests import factories as f
from pursuing_equity.reporting.tests import factories as rf

pytestmark = pytest.mark.django_db


def test_no_teams_means_nothing_is_made():
    out = io.StringIO()
    demo.populate(cycle=rf.cycle(), organizations={}, today=timezone.localdate(), out=out)
    assert "skipped" in out.getvalue() and not Milestone.objects.exists()


def test_the_demo_records_milestones_answers_the_baseline_and_opens_the_midpoint():
    person(Role.PROGRAM_STAFF)
    team = f.team("action_community")
    members = [f.member(team) for _ in range(3)]
    measure = rf.measure(team)
    rf.counts(measure, rf.started_period(team, 1), {"white": (50, 100), "black": (30, 100)})
    cycle = team.cycle
    today = timezone.localdate()
    demo.populate(cycle=cycle, organizations={}, today=today, out=io.StringIO())
    assert Milestone.objects.filter(team=team, status="in_progress").exists()
    assert Evidence.objects.filter(milestone__team=team, kind="measure").exists()
    assert Response.objects.filter(team=team, round_key="baseline").count() == 3
    assert assessment_of(cycle).open_round(today).key == "midpoint"
    client = Client()
    client.force_login(members[0])
    page = client.get(reverse("home"))
    assert b"Answer the midpoint equity self-assessment" in page.content
    results = client.get(reverse("self_assessment_team", args=[team.slug]))
    assert b"(n = 3)" in results.content
    again = io.StringIO()
    demo.populate(cycle=cycle, organizations={}, today=today, out=again)
    assert "already there" in again.getvalue()
    assert Response.objects.count() == 3
    assert team.partners.count() == 2 and not team.partners.filter(user__isnull=False).exists()
    assert team.partners.get(kind="person").payments.count() == 2


def test_the_demo_publishes_case_studies_through_the_workflow(client):
    from pursuing_equity.outcomes.models import CaseStudy
    from pursuing_equity.teams.models import TeamMember

    person(Role.PROGRAM_STAFF)
    teams = [f.team("action_community") for _ in range(2)]
    for team in teams:
        f.member(team)
        f.member(team, TeamMember.Part.SENIOR_LEADER)
    today = timezone.localdate()
    demo.populate(cycle=teams[0].cycle, organizations={}, today=today, out=io.StringIO())
    assert CaseStudy.objects.filter(state="published").count() == 2
    gallery = client.get(reverse("case_study_gallery")).content.decode()
    assert "A community advisory board shapes the clinic" in gallery
    demo.populate(cycle=teams[0].cycle, organizations={}, today=today, out=io.StringIO())
    assert CaseStudy.objects.count() == 2

"""The outcomes pages make as many queries with more teams, milestones, evidence, partners,
engagements, payments, answers and rounds as with few."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow
from pursuing_equity.outcomes import services
from pursuing_equity.outcomes.tests import factories as f
from pursuing_equity.reporting.tests import factories as rf
from pursuing_equity.teams.models import TeamMember

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FIRST_MILESTONE = {"action_community": "clinical_progress", "learning_network": "key_aims"}


def _answer(person, team, assessment, round_key: str, value: int) -> None:
    """``person`` answers ``round_key`` on a day it is open."""
    current = assessment.round(round_key)
    services.self_assessment_answer(
        actor=person,
        team=team,
        assessment=assessment,
        round_key=round_key,
        answers=f.answers(assessment, value),
        today=current.opens_on if not current.is_open(TODAY) else TODAY,
    )


def _partner(team, actor, name: str, engagements: int) -> None:
    """A consenting partner of ``team`` with ``engagements`` engagements, each one paid."""
    partner = services.partner_save(
        actor=actor, team=team, kind="person", name=name, consent_on=TODAY
    )
    for i in range(engagements):
        on = TODAY - datetime.timedelta(days=i)
        services.engagement_add(
            actor=actor, partner=partner, on=on, activity="Focus group", hours=Decimal("2")
        )
        services.payment_add(
            actor=actor, partner=partner, paid_on=on, amount=Decimal("50.00"), method="check"
        )


def _milestones(team, coach, measure_owner, keys: tuple[str, ...]) -> None:
    """Statuses recorded by the coach, and a measure dashboard linked as evidence to each."""
    measure = rf.measure(team)
    rf.counts(measure, rf.started_period(team, 1), {"white": (20, 40), "black": (15, 40)})
    for key in keys:
        services.milestone_status_set(actor=coach, team=team, key=key, status="in_progress")
        services.milestone_evidence_add(
            actor=measure_owner, team=team, key=key, kind="measure", object_id=measure.pk
        )


@pytest.fixture
def w():
    w = f.world()
    team = w["team_a"]
    w["assessment"] = f.open_round(team.cycle)
    _answer(w["writer"], team, w["assessment"], "midpoint", 3)
    _partner(team, w["writer"], "Maya Okafor", 1)
    _milestones(team, w["coach_a"], w["writer"], ("clinical_progress",))
    return w


def grow(w) -> None:
    """Three more teams coached by team A's coach (each with answers, partners, milestones), and
    team A with more milestones and evidence, partners, engagements, payments, answers and an
    earlier round answered."""
    team, assessment = w["team_a"], w["assessment"]
    _answer(w["leader"], team, assessment, "midpoint", 4)
    _answer(w["partner"], team, assessment, "midpoint", 2)
    _answer(w["writer"], team, assessment, "baseline", 2)
    _answer(w["leader"], team, assessment, "baseline", 3)
    _partner(team, w["writer"], "Ana Lima", 4)
    _partner(team, w["leader"], "Joe Park", 3)
    _milestones(
        team, w["coach_a"], w["writer"], ("population_process_progress", "close_equity_gaps")
    )
    for i, cohort in enumerate(("action_community", "learning_network", "action_community")):
        other = rf.team(cohort)
        other.coach = w["coach_a"]
        other.save()
        person = rf.member(other)
        _answer(person, other, assessment, "midpoint", 2 + i % 3)
        _partner(other, person, f"Partner {i}", 2)
        _milestones(other, w["coach_a"], person, (FIRST_MILESTONE[cohort],))
    rf.member(team, TeamMember.Part.MEMBER)


def test_the_main_outcomes_pages_make_the_same_queries_however_much_data(client, w):
    slug = w["team_a"].slug

    def pages():
        return {
            "team's milestones (member)": (w["writer"], reverse("team_outcomes", args=[slug])),
            "team's milestones (coach)": (w["coach_a"], reverse("team_outcomes", args=[slug])),
            "team's milestones (staff)": (w["staff"], reverse("team_outcomes", args=[slug])),
            "milestone board (coach)": (w["coach_a"], reverse("milestone_board")),
            "milestone board (staff)": (w["staff"], reverse("milestone_board")),
            "team's self-assessment (member)": (
                w["writer"],
                reverse("self_assessment_team", args=[slug]),
            ),
            "answering (member)": (
                w["writer"],
                reverse("self_assessment_answer", args=[slug, "midpoint"]),
            ),
            "network self-assessment (staff)": (w["staff"], reverse("self_assessment_network")),
            "team's partners (member)": (w["writer"], reverse("team_partners", args=[slug])),
            "team's partners (staff)": (w["staff"], reverse("team_partners", args=[slug])),
            "network partnership (staff)": (w["staff"], reverse("partnership_network")),
            "program report (staff)": (w["staff"], reverse("program_report")),
            "program report (funder)": (w["funder"], reverse("program_report")),
            "home, outcomes panels (funder)": (w["funder"], reverse("home")),
            "home, milestones to confirm (coach)": (w["coach_a"], reverse("home")),
            "team's case studies (member)": (
                w["writer"],
                reverse("team_case_studies", args=[slug]),
            ),
        }

    assert_counts_do_not_grow(client, pages, lambda: grow(w))

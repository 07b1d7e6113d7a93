"""Teams and people for the outcomes tests (the reporting factories' demo cycle and teams)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.outcomes import services
from pursuing_equity.outcomes.selectors_self_assessment import assessment_of
from pursuing_equity.reporting.tests import factories as rf
from pursuing_equity.teams.models import TeamMember

team = rf.team
member = rf.member


def open_round(cycle, key: str = "midpoint", days_left: int = 20):
    """Staff open ``key`` around today (as the demo does), returning the assessment."""
    today = timezone.localdate()
    services.round_dates_set(
        actor=None,
        cycle=cycle,
        key=key,
        opens_on=max(cycle.starts_on, today - datetime.timedelta(days=10)),
        closes_on=today + datetime.timedelta(days=days_left),
    )
    return assessment_of(cycle)


def answers(assessment, value: int = 3, **overrides) -> dict[str, int]:
    return {item.key: overrides.get(item.key, value) for item in assessment.items}


def world():
    """Team A (Action Community) with a leader, a member, a partner and a coach; team B
    (Learning Network) with its own member and coach; staff, a funder and a visitor."""
    team_a = team("action_community")
    team_b = team("learning_network")
    coach_a = person(Role.FACULTY)
    coach_b = person(Role.FACULTY)
    team_a.coach = coach_a
    team_a.save()
    team_b.coach = coach_b
    team_b.save()
    return {
        "team_a": team_a,
        "team_b": team_b,
        "leader": member(team_a, TeamMember.Part.SENIOR_LEADER),
        "writer": member(team_a),
        "partner": member(team_a, TeamMember.Part.COMMUNITY_PARTNER),
        "outsider": member(team_b),
        "coach_a": coach_a,
        "coach_b": coach_b,
        "staff": person(Role.PROGRAM_STAFF),
        "funder": person(Role.FUNDER),
        "visitor": person(),
    }

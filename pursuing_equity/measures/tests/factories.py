"""Teams, members and measures for the measures tests (the program cycle is the real file)."""

from __future__ import annotations

import datetime

import factory

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person
from pursuing_equity.measures import services
from pursuing_equity.measures.models import Measure
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.teams.models import Team, TeamMember

TODAY = datetime.date(2024, 6, 15)


def cycle() -> Cycle:
    existing = Cycle.objects.first()
    return existing or load_cycle()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    cycle = factory.LazyFunction(cycle)
    cohort = factory.LazyAttribute(
        lambda o: Cohort.objects.filter(cycle=o.cycle, key="action_community").first()
    )
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


def member(team: Team, part: str = TeamMember.Part.MEMBER, **kwargs):
    """A verified person on ``team`` with the matching program role."""
    role = {
        TeamMember.Part.SENIOR_LEADER: Role.SENIOR_LEADER,
        TeamMember.Part.COMMUNITY_PARTNER: Role.COMMUNITY_PARTNER,
    }.get(part, Role.TEAM_MEMBER)
    user = person(role, team.organization, **kwargs)
    TeamMember.objects.create(team=team, user=user, part=part)
    return user


def measure(team: Team, actor=None, **overrides) -> Measure:
    fields = {
        "name": "Blood pressure control",
        "focus_area": "hypertension_control",
        "kind": "outcome",
        "numerator_definition": "Patients whose last blood pressure was below 140/90",
        "denominator_definition": "Patients 18–85 with hypertension",
        "frequency": "monthly",
        "improvement": "increase",
        "stratifiers": ["race_ethnicity", "language"],
        "reference_groups": {"race_ethnicity": "white", "language": "en"},
    }
    fields.update(overrides)
    return services.measure_define(team=team, actor=actor, **fields)

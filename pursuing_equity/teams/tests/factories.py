"""Teams, members and a small world of teams for the teams app's tests."""

from __future__ import annotations

from dataclasses import dataclass

import factory

from pursuing_equity.accounts.models import Organization, Role, User
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.teams.models import SmallCohort, Team, TeamMember

REGION_STATES = {"Northeast": "MA", "Midwest": "IL", "South": "GA", "West": "CA"}


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.LazyAttribute(lambda t: f"{t.organization.name} team")
    slug = factory.LazyAttribute(lambda t: t.organization.slug)


def team_in(
    cohort: Cohort,
    *,
    name: str,
    region: str = "South",
    size: str = Organization.Size.MEDIUM,
    org_type: str = Organization.Type.COMMUNITY_HOSPITAL,
    populations: tuple[str, ...] = ("urban",),
    small_cohort: SmallCohort | None = None,
) -> Team:
    state = REGION_STATES[region]
    org = OrganizationFactory(
        name=name,
        slug=name.lower().replace(" ", "-"),
        state=state,
        census_region=region,
        size=size,
        org_type=org_type,
        populations_served=list(populations),
    )
    return TeamFactory(
        cycle=cohort.cycle, cohort=cohort, organization=org, small_cohort=small_cohort
    )


def member(team: Team, part: str = TeamMember.Part.MEMBER, **kwargs) -> User:
    role = {
        TeamMember.Part.SENIOR_LEADER: Role.SENIOR_LEADER,
        TeamMember.Part.ALTERNATE_LEADER: Role.SENIOR_LEADER,
        TeamMember.Part.COMMUNITY_PARTNER: Role.COMMUNITY_PARTNER,
    }.get(part, Role.TEAM_MEMBER)
    user = person(role, team.organization, **kwargs)
    TeamMember.objects.create(team=team, user=user, part=part)
    return user


@dataclass
class World:
    """Two Learning Network small cohorts of four teams, two Action Community teams, people."""

    cycle: Cycle
    ln: Cohort
    ac: Cohort
    small: list[SmallCohort]
    ln_teams: list[Team]
    ac_teams: list[Team]
    people: dict[str, User | None]


def make_world() -> World:
    cycle = load_cycle()
    ln = cycle.cohorts.get(key="learning_network")
    ac = cycle.cohorts.get(key="action_community")
    coach = person(Role.FACULTY, full_name="Casey Coach")
    small = [
        SmallCohort.objects.create(cycle=cycle, cohort=ln, name="Small cohort 1", coach=coach),
        SmallCohort.objects.create(cycle=cycle, cohort=ln, name="Small cohort 2"),
    ]
    regions = ["South", "South", "West", "West", "South", "Midwest", "West", "Midwest"]
    ln_teams = [
        team_in(ln, name=f"LN Team {i}", region=regions[i], small_cohort=small[i // 4])
        for i in range(8)
    ]
    ac_coach = person(Role.FACULTY, full_name="Alex Onecoach")
    ac_teams = [team_in(ac, name=f"AC Team {i}") for i in range(2)]
    ac_teams[0].coach = ac_coach
    ac_teams[0].save()
    people: dict[str, User | None] = {
        "anonymous": None,
        "staff": person(Role.PROGRAM_STAFF, full_name="Sam Staff"),
        "faculty": person(Role.FACULTY, full_name="Fran Faculty"),
        "ln_coach": coach,
        "ac_coach": ac_coach,
        "ln_member": member(ln_teams[0], full_name="Lee Member"),
        "ln_same_small": member(ln_teams[1], full_name="Lou Samesmall"),
        "ln_other_small": member(ln_teams[4], full_name="Lin Othersmall"),
        "ac_member": member(ac_teams[0], full_name="Ash Member"),
        "ac_leader": member(ac_teams[0], TeamMember.Part.SENIOR_LEADER, full_name="Ari Leader"),
        "ac_alternate": member(
            ac_teams[0], TeamMember.Part.ALTERNATE_LEADER, full_name="Avery Alternate"
        ),
        "ac_other_team": member(ac_teams[1], full_name="Bo Otherteam"),
        "ac_partner": member(
            ac_teams[1], TeamMember.Part.COMMUNITY_PARTNER, full_name="Pat Partner"
        ),
        "funder": person(Role.FUNDER, full_name="Fin Funder"),
    }
    return World(cycle, ln, ac, small, ln_teams, ac_teams, people)

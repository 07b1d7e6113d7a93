"""Data for the events tests: a loaded cycle with teams, small cohorts, coaches and people."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import factory
from django.utils import timezone

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person
from pursuing_equity.events.models import CoachingSlot, Event
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.teams.models import SmallCohort, Team, TeamMember


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


def member(team: Team, part: str = TeamMember.Part.MEMBER, **kwargs) -> TeamMember:
    role = Role.SENIOR_LEADER if part in ("senior_leader", "alternate_leader") else Role.TEAM_MEMBER
    user = person(role, team.organization, **kwargs)
    return TeamMember.objects.create(team=team, user=user, part=part)


@dataclass
class Program:
    """A cycle with 2 small cohorts of 2 Learning Network teams and 2 Action Community teams,
    each team with a senior leader and 2 members; coaches for the small cohorts and AC teams."""

    cycle: Cycle
    ln: Cohort
    ac: Cohort
    small_cohorts: list[SmallCohort]
    ln_teams: list[Team]
    ac_teams: list[Team]
    coach: object
    other_coach: object
    staff: object
    people: dict[str, list] = field(default_factory=dict)

    @property
    def teams(self) -> list[Team]:
        return self.ln_teams + self.ac_teams

    def members_of(self, team: Team) -> list:
        return [m.user for m in team.members.select_related("user").order_by("pk")]


def make_program(*, shift_months: int = 0) -> Program:
    cycle = load_cycle(shift_months=shift_months)
    ln = cycle.cohorts.get(key="learning_network")
    ac = cycle.cohorts.get(key="action_community")
    coach = person(Role.FACULTY, full_name="Cora Coach")
    other_coach = person(Role.FACULTY, full_name="Otto Othercoach")
    staff = person(Role.PROGRAM_STAFF, full_name="Stella Staff")
    small = [
        SmallCohort.objects.create(cycle=cycle, cohort=ln, name=f"Cohort {i}", coach=coach)
        for i in (1, 2)
    ]
    ln_teams = [
        TeamFactory(cycle=cycle, cohort=ln, small_cohort=small[i // 2], name=f"LN team {i}")
        for i in range(4)
    ]
    ac_teams = [
        TeamFactory(cycle=cycle, cohort=ac, coach=coach, name=f"AC team {i}") for i in range(2)
    ]
    for team in ln_teams + ac_teams:
        member(team, TeamMember.Part.SENIOR_LEADER)
        member(team)
        member(team)
    return Program(cycle, ln, ac, small, ln_teams, ac_teams, coach, other_coach, staff)


def past_event(cycle: Cycle, *, days_ago: int = 7, **kwargs) -> Event:
    """An event that already happened (for attendance)."""
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    values = {
        "kind": "ln_all_team_meetings",
        "title": "All-team call",
        "audience": Event.Audience.COHORT,
        "modality": Event.Modality.VIRTUAL,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
    }
    values.update(kwargs)
    return Event.objects.create(cycle=cycle, **values)


def future_slot(cycle: Cycle, coach, *, days: int = 10, hour: int = 15) -> CoachingSlot:
    starts = (timezone.now() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return CoachingSlot.objects.create(
        cycle=cycle, coach=coach, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
    )


def affinity_member(cycle: Cycle, user, key: str = "white", *, facilitator=None):
    """Put ``user`` in the affinity group ``key`` (its facilitator: ``facilitator``)."""
    from pursuing_equity.teams.models import AffinityGroup, AffinityMembership

    group, _ = AffinityGroup.objects.get_or_create(cycle=cycle, key=key, defaults={"name": key})
    if facilitator is not None:
        group.facilitators.add(facilitator)
    AffinityMembership.objects.update_or_create(cycle=cycle, user=user, defaults={"group": group})
    return group

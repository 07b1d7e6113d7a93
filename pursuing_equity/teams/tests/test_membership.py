"""The one membership module: each tie, each scope, coaching only while on the faculty, and the
number of queries it costs."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pursuing_equity.accounts.models import Role, RoleAssignment
from pursuing_equity.accounts.rules import roles_of
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.programs.schema import SHARING_SCOPES
from pursuing_equity.teams.membership import (
    DEFAULT_SCOPE,
    Scope,
    coach_q,
    coached_teams,
    forget,
    member_q,
    membership_of,
    peer_q,
    sharing_scope,
    teams_of,
)
from pursuing_equity.teams.models import Team, TeamMember


def fresh(user):
    """The same person as a new request sees them (no cached roles or membership)."""
    return type(user).objects.get(pk=user.pk)


def test_the_scope_enum_is_the_program_schemas_list():
    assert {s.value for s in Scope} == set(SHARING_SCOPES)
    assert set(DEFAULT_SCOPE.values()) <= set(Scope)


def test_sharing_scope_reads_the_program_file_else_the_default():
    assert sharing_scope(None, "action_community") is Scope.COHORT
    assert sharing_scope({}, "learning_network") is Scope.SMALL_COHORT
    assert sharing_scope({"action_community": "team"}, "action_community") is Scope.TEAM
    assert sharing_scope({"action_community": "team"}, "learning_network") is Scope.SMALL_COHORT
    assert sharing_scope(None, "a_cohort_nobody_named") is Scope.TEAM


def test_anonymous_people_belong_nowhere_without_a_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        m = membership_of(AnonymousUser())
    team = world.ac_teams[0]
    assert not (m.is_member(team) or m.is_coach(team) or m.is_peer(team))


@pytest.mark.parametrize(
    "part", ["member", "senior_leader", "alternate_leader", "community_partner"]
)
def test_every_part_is_a_member_and_only_leaders_lead(world, part):
    team = world.ac_teams[1]
    user = person(Role.TEAM_MEMBER, team.organization)
    TeamMember.objects.create(team=team, user=user, part=part)
    m = membership_of(fresh(user))
    assert m.is_member(team) and m.part_in(team) == part
    assert m.leads(team) == (part in ("senior_leader", "alternate_leader"))
    assert not m.is_member(world.ac_teams[0]) and m.part_in(world.ac_teams[0]) is None


def test_peers_follow_each_cohorts_default_scope(world):
    p = world.people
    ln0, ln1, ln4 = world.ln_teams[0], world.ln_teams[1], world.ln_teams[4]
    ac0, ac1 = world.ac_teams
    ln_member = membership_of(p["ln_member"])
    assert ln_member.is_peer(ln1) and not ln_member.is_peer(ln4)
    assert not ln_member.is_peer(ln0), "one's own team is not a peer team"
    assert not ln_member.is_peer(ac0), "another cohort never"
    ac_other = membership_of(p["ac_other_team"])
    assert ac_other.is_peer(ac0) and not ac_other.is_peer(ln0)


@pytest.mark.parametrize(
    ("scope", "sees_same_small", "sees_other_small"),
    [("cohort", True, True), ("small_cohort", True, False), ("team", False, False)],
)
def test_the_program_files_scope_decides_who_is_a_peer(
    world, scope, sees_same_small, sees_other_small
):
    cycle = world.cycle
    cycle.document.setdefault("measures", {})["sharing"] = {"learning_network": scope}
    cycle.save(update_fields=["document"])
    m = membership_of(fresh(world.people["ln_member"]))
    assert m.is_peer(world.ln_teams[1]) is sees_same_small
    assert m.is_peer(world.ln_teams[4]) is sees_other_small
    peers = set(Team.objects.filter(peer_q(world.people["ln_member"])))
    expected = {t for t in world.ln_teams[1:] if m.is_peer(t)}
    assert peers == expected


def test_a_team_without_small_cohort_shares_with_nobody_in_a_small_cohort_scope(world):
    lonely_team = world.ln_teams[1]
    lonely_team.small_cohort = None
    lonely_team.save()
    m = membership_of(fresh(world.people["ln_same_small"]))
    assert not any(m.is_peer(t) for t in world.ln_teams)
    assert not Team.objects.filter(peer_q(world.people["ln_same_small"])).exists()


def test_coaches_one_to_one_and_of_a_small_cohort(world):
    p = world.people
    ln_coach, ac_coach = membership_of(p["ln_coach"]), membership_of(p["ac_coach"])
    assert all(ln_coach.is_coach(t) for t in world.ln_teams[:4])
    assert not any(ln_coach.is_coach(t) for t in world.ln_teams[4:])
    assert ac_coach.is_coach(world.ac_teams[0]) and not ac_coach.is_coach(world.ac_teams[1])
    assert not membership_of(p["faculty"]).is_coach(world.ac_teams[0])
    assert set(coached_teams(p["ln_coach"])) == set(world.ln_teams[:4])
    assert set(Team.objects.filter(coach_q(p["ac_coach"]))) == {world.ac_teams[0]}
    assert not ln_coach.is_member(world.ln_teams[0]), "coaching is not membership"


def test_a_coach_whose_faculty_role_is_gone_coaches_nobody(world):
    coach = world.people["ac_coach"]
    RoleAssignment.objects.filter(user=coach, role=Role.FACULTY).delete()
    coach = fresh(coach)
    assert world.ac_teams[0].coach_id == coach.pk
    assert not membership_of(coach).is_coach(world.ac_teams[0])
    assert not Team.objects.filter(coach_q(coach)).exists()


def test_member_q_and_teams_of_agree_with_is_member(world):
    leader = world.people["ac_leader"]
    assert list(teams_of(leader)) == [world.ac_teams[0]]
    assert set(Team.objects.filter(member_q(leader))) == {world.ac_teams[0]}
    assert TeamMember.objects.filter(member_q(leader, prefix="team__")).count() == 3


@pytest.mark.parametrize("who", ["ln_member", "ac_leader", "ln_coach", "staff", "funder"])
def test_one_query_per_request_whoever_asks(world, who):
    user = fresh(world.people[who])
    roles_of(user)  # the roles, which the navigation has loaded on every page
    with CaptureQueriesContext(connection) as queries:
        m = membership_of(user)
        for team in [*world.ln_teams, *world.ac_teams]:
            m.is_member(team), m.is_coach(team), m.is_peer(team), m.part_in(team)
        membership_of(user)
    assert len(queries) == 1


def test_forget_reads_the_membership_again(world):
    user = world.people["ac_member"]
    assert membership_of(user).is_member(world.ac_teams[0])
    TeamMember.objects.filter(user=user).delete()
    assert membership_of(user).is_member(world.ac_teams[0]), "cached for the request"
    forget(user)
    assert not membership_of(user).is_member(world.ac_teams[0])

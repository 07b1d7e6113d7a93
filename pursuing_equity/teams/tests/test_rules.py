"""The teams app's permission rules as a matrix of people × objects."""

from __future__ import annotations

import pytest

from pursuing_equity.core.tests.shared_data import shared
from pursuing_equity.teams import rules
from pursuing_equity.teams.groups import affinity_groups_ensure
from pursuing_equity.teams.tests.factories import make_world

# One world for the module, rolled back after each test (see core/tests/shared_data.py).
world, world_built = shared(make_world, name="world")

PEOPLE = [
    "anonymous",
    "staff",
    "faculty",
    "ln_coach",
    "ac_coach",
    "ln_member",
    "ln_same_small",
    "ln_other_small",
    "ac_member",
    "ac_leader",
    "ac_alternate",
    "ac_other_team",
    "ac_partner",
    "funder",
]

# Who may open the page of: LN Team 0 (small cohort 1, coached by ln_coach), LN Team 4 (small
# cohort 2), AC Team 0 (1:1 coach ac_coach), AC Team 1.
TEAM_PAGES = {
    "ln0": {"staff", "ln_coach", "ln_member", "ln_same_small"},
    "ln4": {"staff", "ln_other_small"},
    "ac0": {
        "staff",
        "ac_coach",
        "ac_member",
        "ac_leader",
        "ac_alternate",
        "ac_other_team",
        "ac_partner",
    },
    "ac1": {"staff", "ac_member", "ac_leader", "ac_alternate", "ac_other_team", "ac_partner"},
}


def _team(world, key):
    return {
        "ln0": world.ln_teams[0],
        "ln4": world.ln_teams[4],
        "ac0": world.ac_teams[0],
        "ac1": world.ac_teams[1],
    }[key]


def _anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.django_db
@pytest.mark.parametrize("team_key", TEAM_PAGES)
@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_view_a_team_page(world, who, team_key):
    user = world.people[who] or _anon()
    team = _team(world, team_key)
    assert rules.can_view_team(user, team) is (who in TEAM_PAGES[team_key])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        (rules.can_list_teams, {"staff", "faculty", "ln_coach", "ac_coach"}),
        (rules.can_build_cohorts, {"staff"}),
        (rules.can_manage_affinity_facilitators, {"staff"}),
        (rules.can_view_affinity_groups, set(PEOPLE) - {"anonymous"}),
    ],
)
@pytest.mark.parametrize("who", PEOPLE)
def test_program_wide_rules(world, rule, allowed, who):
    user = world.people[who] or _anon()
    assert rule(user) is (who in allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_choose_an_affinity_group_and_see_the_workgroup(world, who):
    user = world.people[who] or _anon()
    ac_people = {"ac_member", "ac_leader", "ac_alternate", "ac_other_team", "ac_partner"}
    assert rules.can_choose_affinity_group(user, world.cycle) is (who in ac_people)
    workgroup = {"staff", "faculty", "ln_coach", "ac_coach", "ac_leader", "ac_alternate"}
    assert rules.can_view_leadership_workgroup(user, world.cycle) is (who in workgroup)


@pytest.mark.django_db
@pytest.mark.parametrize("who", PEOPLE)
def test_only_staff_and_the_groups_facilitators_see_its_members(world, who):
    group, other = affinity_groups_ensure(cycle=world.cycle)
    group.facilitators.add(world.people["faculty"])
    user = world.people[who] or _anon()
    assert rules.can_view_affinity_members(user, group) is (who in {"staff", "faculty"})
    assert rules.can_view_affinity_members(user, other) is (who == "staff")

"""A small world for the community tests: two Action Community teams, a Learning Network small
cohort with two teams, an affinity group with a member and a facilitator, staff and faculty."""

from __future__ import annotations

from dataclasses import dataclass

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.community.models import Space
from pursuing_equity.community.services import spaces_ensure
from pursuing_equity.reporting.tests import factories as rf
from pursuing_equity.teams.groups import affinity_choose, affinity_facilitator_add
from pursuing_equity.teams.models import TeamMember


@dataclass
class World:
    cycle: object
    ac_team: object
    ac_other: object
    ln_team: object
    ln_peer: object
    people: dict
    spaces: dict


def make_world() -> World:
    coach = person(Role.FACULTY, full_name="Cora Coach")
    small = rf.small_cohort("Small cohort North", coach=coach)
    ac_team = rf.team("action_community", name="Harbor Team")
    ac_other = rf.team("action_community", name="Ridge Team")
    ln_team = rf.team("learning_network", name="Lake Team", small_cohort=small)
    ln_peer = rf.team("learning_network", name="Pine Team", small_cohort=small)
    ln_far = rf.team("learning_network", name="Far Team", small_cohort=rf.small_cohort("South"))
    people = {
        "ac_member": rf.member(ac_team, full_name="Ada Member", email="ada@harbor.example.org"),
        "ac_leader": rf.member(ac_team, TeamMember.Part.SENIOR_LEADER, full_name="Lou Leader"),
        "ac_other": rf.member(ac_other, full_name="Rui Ridge", email="rui@ridge.example.org"),
        "ln_member": rf.member(ln_team, full_name="Lina Lake", email="lina@lake.example.org"),
        "ln_peer": rf.member(ln_peer, full_name="Pat Pine", email="pat@pine.example.org"),
        "ln_far": rf.member(ln_far, full_name="Fay Far", email="fay@far.example.org"),
        "staff": person(Role.PROGRAM_STAFF, full_name="Sky Staff"),
        "faculty": person(Role.FACULTY, full_name="Fern Faculty"),
        "facilitator": person(Role.FACULTY, full_name="Flo Facilitator"),
        "coach": coach,
        "applicant": person(full_name="Al Applicant"),
    }
    cycle = ac_team.cycle
    affinity_choose(actor=people["ac_member"], cycle=cycle, choice="people_of_color")
    spaces_list = spaces_ensure(cycle=cycle)
    spaces = {}
    for s in spaces_list:
        if s.kind == Space.Kind.AFFINITY:
            spaces[f"affinity:{s.affinity_group.key}"] = s
        elif s.kind == Space.Kind.SMALL_COHORT:
            spaces[f"small:{s.small_cohort.name}"] = s
        elif s.kind == Space.Kind.COHORT:
            spaces[f"cohort:{s.cohort.key}"] = s
        else:
            spaces[s.kind] = s
    group = spaces["affinity:people_of_color"].affinity_group
    affinity_facilitator_add(actor=people["staff"], group=group, user=people["facilitator"])
    return World(cycle, ac_team, ac_other, ln_team, ln_peer, people, spaces)

"""Who may see and change what in the teams app: pure ``can_<verb>_<noun>(user, obj) -> bool``.

Applied with :func:`pursuing_equity.accounts.rules.rule_required`; tested as a matrix of people ×
objects in tests/test_rules.py. Who is on, coaches or is a peer of a team is
:mod:`pursuing_equity.teams.membership`'s answer.
"""

from __future__ import annotations

from typing import Any

from pursuing_equity.accounts.rules import FACULTY, STAFF, has_role, is_program_staff
from pursuing_equity.teams.groups import is_affinity_participant, is_workgroup_leader
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.models import AffinityGroup, Team, TeamMember


def can_view_team(user, team: Team) -> bool:
    """Staff; the team's own people (members, leaders, partners); its coach; and its peers, as
    far as the cohort's sharing scope reaches (``[measures.sharing]``: the same rule as the
    team's measures and updates, :mod:`pursuing_equity.teams.membership`)."""
    if is_program_staff(user):
        return True
    m = membership_of(user)
    return m.is_member(team) or m.is_coach(team) or m.is_peer(team)


def can_name_team_leaders(user, team: Team) -> bool:
    """Program staff, and the team's current senior leader (handing over). Nobody else: naming the
    senior leader gives the senior leader role, so a member or a community partner must not be
    able to name themselves."""
    if is_program_staff(user):
        return True
    return team is not None and membership_of(user).part_in(team) == TeamMember.Part.SENIOR_LEADER


def can_remove_team_member(user, team: Any = None) -> bool:
    """Taking someone off a team is a staff decision (the team asks program staff)."""
    return is_program_staff(user)


def can_list_teams(user, obj: Any = None) -> bool:
    return has_role(user, STAFF, FACULTY)


def can_build_cohorts(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_view_affinity_groups(user, cycle: Any = None) -> bool:
    """Everyone signed in may know the groups exist (never who is in them)."""
    return bool(getattr(user, "is_authenticated", False))


def can_choose_affinity_group(user, cycle) -> bool:
    return cycle is not None and is_affinity_participant(user, cycle)


def can_view_affinity_members(user, group: AffinityGroup) -> bool:
    """Program staff and the group's own facilitators."""
    if is_program_staff(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return group.facilitators.filter(pk=user.pk).exists()


def can_manage_affinity_facilitators(user, group: Any = None) -> bool:
    return is_program_staff(user)


def can_view_leadership_workgroup(user, cycle) -> bool:
    """Staff, faculty, and the leaders in the workgroup themselves."""
    if has_role(user, STAFF, FACULTY):
        return True
    return cycle is not None and is_workgroup_leader(user, cycle)


def can_assign_coaches(user, obj: Any = None) -> bool:
    """The 1:1 coaches page: program staff name each Action Community team's coach."""
    return is_program_staff(user)

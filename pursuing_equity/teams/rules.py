"""Who may see and change what in the teams app: pure ``can_<verb>_<noun>(user, obj) -> bool``.

Applied with :func:`pursuing_equity.accounts.rules.rule_required`; tested as a matrix of people ×
objects in tests/test_rules.py. Team membership (TeamMember) is read once per request and cached
on the user object, like the role cache of accounts.rules.
"""

from __future__ import annotations

from typing import Any

from pursuing_equity.accounts.rules import FACULTY, STAFF, has_role, is_program_staff
from pursuing_equity.teams.cohorts import uses_small_cohorts
from pursuing_equity.teams.groups import is_affinity_participant, is_workgroup_leader
from pursuing_equity.teams.models import AffinityGroup, Team, TeamMember


def _memberships(user) -> list[tuple[int, int, int, int | None]]:
    """(team, cycle, cohort, small cohort) of each of the user's teams (1 query, cached)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_pe_team_cache", None)
    if cached is None:
        cached = list(
            TeamMember.objects.filter(user=user).values_list(
                "team_id", "team__cycle_id", "team__cohort_id", "team__small_cohort_id"
            )
        )
        user._pe_team_cache = cached
    return cached


def is_coach_of(user, team: Team) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if team.coach_id == user.pk:
        return True
    return bool(team.small_cohort_id and team.small_cohort.coach_id == user.pk)


def can_view_team(user, team: Team) -> bool:
    """Staff; the team's own people (members, leaders, partners); its coach; and its peers.

    Peers: in a cohort that meets in small cohorts (the Learning Network), the teams of the same
    small cohort; in another cohort (the Action Community), every team of that cohort.
    """
    if is_program_staff(user) or is_coach_of(user, team):
        return True
    for team_id, cycle_id, cohort_id, small_cohort_id in _memberships(user):
        if team_id == team.pk:
            return True
        if cycle_id != team.cycle_id or cohort_id != team.cohort_id:
            continue
        if uses_small_cohorts(team.cohort):
            if team.small_cohort_id and small_cohort_id == team.small_cohort_id:
                return True
        else:
            return True
    return False


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

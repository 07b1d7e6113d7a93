"""Who belongs to a team, who coaches it and who is its peer: the one answer every app's rules use.

A person's ties to teams are read once per request into a frozen :class:`Membership` (cached on
the user object); rules in every app ask it (``is_member``, ``part_in``, ``is_coach``,
``is_peer``) and selectors filter querysets with the matching ``*_q`` functions, so "member",
"coach" and "peer" have one definition each:

* **member**: a ``TeamMember`` row (any part: member, senior leader, alternate, community
  partner). Removing a member or revoking their role deletes the row (``teams.services``), so it
  takes effect on the next request.
* **coach**: a person holding the faculty role who is the team's 1:1 coach (``Team.coach``) or
  the coach of its small cohort. A coach whose faculty role is revoked coaches nobody.
* **peer**: on another team of the same cycle and cohort that the cohort's sharing scope reaches
  (``[measures.sharing]`` in the program file: the whole cohort, the small cohort, or nobody).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import FilteredRelation, Q

from pursuing_equity.accounts.rules import FACULTY, has_role


class Scope(StrEnum):
    """How far a cohort's teams share their measures and updates with other teams."""

    COHORT = "cohort"  # every team of the cohort
    SMALL_COHORT = "small_cohort"  # the teams of the same small cohort
    TEAM = "team"  # nobody outside the team


#: The scope of a cohort the program file's ``[measures.sharing]`` does not name.
DEFAULT_SCOPE: dict[str, Scope] = {
    "action_community": Scope.COHORT,
    "learning_network": Scope.SMALL_COHORT,
}

LEADER_PARTS = frozenset({"senior_leader", "alternate_leader"})
#: Parts that define measures and submit data (community partners read them).
DATA_ENTRY_PARTS = frozenset({"member", "senior_leader", "alternate_leader"})


def sharing_scope(sharing: Mapping[str, Any] | None, cohort_key: str) -> Scope:
    """``cohort_key``'s scope from the program file's ``[measures.sharing]`` table, else the default."""
    scope = sharing.get(cohort_key) if isinstance(sharing, Mapping) else None
    return Scope(scope) if scope else DEFAULT_SCOPE.get(cohort_key, Scope.TEAM)


@dataclass(frozen=True)
class Tie:
    """One of the person's teams and their part on it."""

    team_id: int
    cycle_id: int
    cohort_id: int
    cohort_key: str
    small_cohort_id: int | None
    part: str
    scope: Scope
    slug: str = ""

    @property
    def is_leader(self) -> bool:
        return self.part in LEADER_PARTS


@dataclass(frozen=True)
class Membership:
    """A person's ties to teams and the teams they coach, as read at the start of the request.

    ``ties`` are in :func:`teams_of`'s order (newest cycle first, then by name), so the first is
    the person's own team as the navigation shows it."""

    ties: tuple[Tie, ...] = ()
    coached_team_ids: frozenset[int] = frozenset()
    coached_small_cohort_ids: frozenset[int] = frozenset()

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(t.team_id for t in self.ties)

    def tie(self, team) -> Tie | None:
        team_id = getattr(team, "pk", team)
        return next((t for t in self.ties if t.team_id == team_id), None)

    def part_in(self, team) -> str | None:
        tie = self.tie(team)
        return tie.part if tie else None

    def is_member(self, team) -> bool:
        return self.tie(team) is not None

    def is_coach(self, team) -> bool:
        """Coaches ``team`` one to one or as its small cohort's coach (faculty only)."""
        if team is None:
            return False
        return team.pk in self.coached_team_ids or (
            team.small_cohort_id is not None
            and team.small_cohort_id in self.coached_small_cohort_ids
        )

    def leads(self, team) -> bool:
        """The team's senior leader or alternate."""
        tie = self.tie(team)
        return tie is not None and tie.is_leader

    def is_peer(self, team) -> bool:
        """On another team whose cohort's sharing scope reaches ``team``."""
        if team is None:
            return False
        return any(t.team_id != team.pk and _reaches(t, team) for t in self.ties)

    def in_cohort(self, cycle_id: int, cohort_key: str, *, leaders_only: bool = False) -> bool:
        """On a team of ``cohort_key`` in the cycle (the affinity groups' and the leadership
        workgroup's people, whom the program file names by cohort)."""
        return any(
            t.cycle_id == cycle_id
            and t.cohort_key == cohort_key
            and (t.is_leader or not leaders_only)
            for t in self.ties
        )


def _reaches(tie: Tie, team) -> bool:
    if tie.cycle_id != team.cycle_id or tie.cohort_id != team.cohort_id:
        return False
    if tie.scope == Scope.COHORT:
        return True
    if tie.scope == Scope.SMALL_COHORT:
        return tie.small_cohort_id is not None and tie.small_cohort_id == team.small_cohort_id
    return False


_CACHE = "_pe_membership"


def membership_of(user) -> Membership:
    """The person's :class:`Membership`, cached on the user for the request.

    One query: the teams the person is on or coaches (their part through a filtered join, so a
    coach's other team members are not read). Coaching counts only for a holder of the faculty
    role, read from the roles accounts.rules caches (every page has loaded them for its
    navigation).
    """
    if not getattr(user, "is_authenticated", False):
        return Membership()
    cached = user.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    from pursuing_equity.teams.models import Team

    rows = (
        Team.objects.annotate(mine=FilteredRelation("members", condition=Q(members__user=user)))
        .filter(Q(mine__isnull=False) | Q(coach=user) | Q(small_cohort__coach=user))
        .values_list(
            "pk",
            "cycle_id",
            "cohort_id",
            "cohort__key",
            "small_cohort_id",
            "mine__part",
            "cycle__document__measures__sharing",
            "coach_id",
            "small_cohort__coach_id",
            "slug",
        )
        .order_by("-cycle__starts_on", "name")
    )
    ties: list[Tie] = []
    coached_teams: set[int] = set()
    coached_small: set[int] = set()
    for team, cycle, cohort, key, small, part, sharing, coach, small_coach, slug in rows:
        if part is not None:
            scope = sharing_scope(sharing, key)
            ties.append(Tie(team, cycle, cohort, key, small, part, scope, slug))
        if coach == user.pk:
            coached_teams.add(team)
        if small_coach == user.pk:
            coached_small.add(small)
    if (coached_teams or coached_small) and not has_role(user, FACULTY):
        # Team.coach of someone whose faculty role was taken away: they coach nobody.
        coached_teams, coached_small = set(), set()
    membership = Membership(tuple(ties), frozenset(coached_teams), frozenset(coached_small))
    user.__dict__[_CACHE] = membership
    return membership


def forget(user) -> None:
    """Drop the cached membership (after a service changed it within the same request)."""
    user.__dict__.pop(_CACHE, None)
    user.__dict__.pop(_TEAMS, None)


_TEAMS = "_pe_my_teams"


def own_teams(user) -> list:
    """:func:`teams_of` as a list, read once per request (cached on the user beside the
    membership, dropped with it by :func:`forget`): a home's panels each ask for the person's
    teams. Read-only: callers must not change the shared rows; no query without a team."""
    if not getattr(user, "is_authenticated", False) or not membership_of(user).team_ids:
        return []
    cached = user.__dict__.get(_TEAMS)
    if cached is None:
        cached = user.__dict__[_TEAMS] = list(teams_of(user))
    return cached


# --- the same definitions as queryset filters on Team ------------------------------------------


def member_q(user, prefix: str = "") -> Q:
    """Teams ``user`` is on (``prefix``: the path to the team, e.g. ``"team__"``)."""
    return Q(**{f"{prefix}pk__in": membership_of(user).team_ids})


def coach_q(user, prefix: str = "") -> Q:
    m = membership_of(user)
    return Q(**{f"{prefix}pk__in": m.coached_team_ids}) | Q(
        **{f"{prefix}small_cohort_id__in": m.coached_small_cohort_ids}
    )


def peer_q(user, prefix: str = "") -> Q:
    """Teams other than the person's own that their cohorts' sharing scopes reach."""
    m = membership_of(user)
    q = Q(**{f"{prefix}pk__in": []})
    for tie in m.ties:
        same = {f"{prefix}cycle_id": tie.cycle_id, f"{prefix}cohort_id": tie.cohort_id}
        if tie.scope == Scope.COHORT:
            q |= Q(**same)
        elif tie.scope == Scope.SMALL_COHORT and tie.small_cohort_id is not None:
            q |= Q(**same, **{f"{prefix}small_cohort_id": tie.small_cohort_id})
    return q & ~Q(**{f"{prefix}pk__in": m.team_ids})


def teams_of(user):
    """The person's own teams, newest cycle first."""
    from pursuing_equity.teams.models import Team

    return (
        Team.objects.filter(member_q(user))
        .select_related("cycle", "cohort", "organization", "small_cohort")
        .order_by("-cycle__starts_on", "name")
    )


def coached_teams(user):
    from pursuing_equity.teams.models import Team

    return (
        Team.objects.filter(coach_q(user))
        .select_related("cycle", "cohort", "organization", "small_cohort")
        .order_by("-cycle__starts_on", "name")
    )

"""Who may see a team's measures, and whether they see them suppressed: pure rule functions.

The sharing rules follow the seed: Action Community teams share "data on changes tested with
other Action Community teams" (so they see each other's measures); Learning Network teams share
and learn in their small cohort of 4–5 teams (so they see that small cohort's measures). How far
each cohort shares is the program's choice, ``[measures.sharing]`` in the program file (see
:func:`sharing_scope`), with those two as the defaults. Faculty see the teams they coach (one to
one, ``Team.coach``, or as the coach of the team's small cohort); program staff see every team;
senior leaders and community partners see their own team like any other team member.

Everything anyone outside the team sees passes small-cell suppression first: only the team's
own members see unsuppressed numbers (:func:`can_view_unsuppressed_measures`). Staff and faculty
are outside the team too.

The functions read the person's team memberships once per request (cached on the user object,
as :mod:`pursuing_equity.accounts.rules` caches roles), together with the sharing scope of each
membership's cohort from its cycle's program file, and the team's own fields; they take no other
decisions from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pursuing_equity.accounts.rules import FACULTY, STAFF, has_role, is_program_staff

#: How far a cohort's teams share their measures with other teams of the same cycle when the
#: program file does not say (``[measures.sharing]``, whose values programs.schema.SHARING_SCOPES
#: lists): ``"cohort"`` — every team of the cohort; ``"small_cohort"`` — the teams of their small
#: cohort; ``"team"`` — nobody outside the team, as for any cohort not listed here.
DEFAULT_SHARING_SCOPE: dict[str, str] = {
    "action_community": "cohort",
    "learning_network": "small_cohort",
}


def sharing_scope(sharing: Mapping[str, Any] | None, cohort_key: str) -> str:
    """How far ``cohort_key``'s teams share: the program file's ``[measures.sharing]`` table
    (``sharing``, None when the file has none), else the default."""
    scope = sharing.get(cohort_key) if isinstance(sharing, Mapping) else None
    return scope or DEFAULT_SHARING_SCOPE.get(cohort_key, "team")


@dataclass(frozen=True)
class Membership:
    """The facts about one of the person's teams that the sharing rules need."""

    team_id: int
    cycle_id: int
    cohort_key: str
    small_cohort_id: int | None
    sharing: str  # the cohort's sharing scope in this cycle (see sharing_scope)


def memberships(user) -> tuple[Membership, ...]:
    """The person's team memberships with their cohorts' sharing scopes (1 query: the scopes
    come from the cycle's program file in the same query), cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_pe_sharing_cache", None)
    if cached is None:
        rows = user.team_memberships.values_list(
            "team_id",
            "team__cycle_id",
            "team__cohort__key",
            "team__small_cohort_id",
            "team__cycle__document__measures__sharing",
        )
        cached = tuple(
            Membership(team, cycle, cohort_key, small, sharing_scope(sharing, cohort_key))
            for team, cycle, cohort_key, small, sharing in rows
        )
        user._pe_sharing_cache = cached
    return cached


def is_team_member(user, team) -> bool:
    """Anyone on the team, whatever their part (member, senior leader, community partner …)."""
    return any(m.team_id == team.pk for m in memberships(user))


def coaches_team(user, team) -> bool:
    """Faculty coaching the team one to one or as the coach of its small cohort."""
    if not has_role(user, FACULTY):
        return False
    if team.coach_id is not None and team.coach_id == user.pk:
        return True
    small = team.small_cohort if team.small_cohort_id is not None else None
    return small is not None and small.coach_id is not None and small.coach_id == user.pk


def _peer_of(membership: Membership, team) -> bool:
    """Does the sharing scope of ``membership``'s cohort include ``team``?"""
    # Same cycle, so the membership's scope is the one of ``team``'s own program file.
    if membership.cycle_id != team.cycle_id or membership.cohort_key != team.cohort.key:
        return False
    scope = membership.sharing
    if scope == "cohort":
        return True
    if scope == "small_cohort":
        return membership.small_cohort_id is not None and (
            membership.small_cohort_id == team.small_cohort_id
        )
    return False


def is_peer_team_member(user, team) -> bool:
    """On another team that the program's sharing rules let see ``team``'s measures."""
    return any(m.team_id != team.pk and _peer_of(m, team) for m in memberships(user))


# --- the rules views apply ---------------------------------------------------------------------


def can_view_team_measures(user, team) -> bool:
    """Staff, the team, its coaches, and peer teams (same AC cohort / same LN small cohort)."""
    if not getattr(user, "is_authenticated", False) or team is None:
        return False
    return (
        is_program_staff(user)
        or is_team_member(user, team)
        or coaches_team(user, team)
        or is_peer_team_member(user, team)
    )


def can_view_unsuppressed_measures(user, team) -> bool:
    """Only the team's own members see counts of 1–10; everyone else sees them suppressed."""
    return team is not None and is_team_member(user, team)


def can_view_measure(user, measure) -> bool:
    """A measure's dashboard and exports: whoever may see the team's measures."""
    return measure is not None and can_view_team_measures(user, measure.team)


def can_view_shared_measures(user, obj: Any = None) -> bool:
    """The page of measures shared with the person: anyone signed in (applicants, reviewers,
    funders and faculty included). It lists only the measures the rules above let them see, so a
    person with nothing shared reads that nothing is; anonymous visitors are sent to sign in."""
    return bool(getattr(user, "is_authenticated", False))


def can_view_network(user, obj: Any = None) -> bool:
    """The network view of every team's gaps is for program staff and faculty."""
    return has_role(user, STAFF, FACULTY)


# --- data entry (defining measures, aims, submitting data) ------------------------------------

#: Parts of a team whose members define measures and submit data; community partners read them.
DATA_ENTRY_PARTS = frozenset({"member", "senior_leader", "alternate_leader"})


def can_edit_team_measures(user, team) -> bool:
    """Define measures and aims, upload or type data, restore versions: the team's own members
    (community partners read the team's data but do not enter it)."""
    if not getattr(user, "is_authenticated", False) or team is None:
        return False
    parts = getattr(user, "_pe_team_parts", None)
    if parts is None:
        parts = dict(user.team_memberships.values_list("team_id", "part"))
        user._pe_team_parts = parts
    return parts.get(team.pk) in DATA_ENTRY_PARTS


def can_view_team_data(user, team) -> bool:
    """The submitted counts, versions and upload previews (unsuppressed): the team only."""
    return can_view_unsuppressed_measures(user, team)


def can_edit_measure(user, measure) -> bool:
    return measure is not None and can_edit_team_measures(user, measure.team)


def can_view_measure_data(user, measure) -> bool:
    return measure is not None and can_view_team_data(user, measure.team)

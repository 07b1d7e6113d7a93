"""Who may see a team's measures, and whether they see them suppressed: pure rule functions.

The sharing rules follow the seed: Action Community teams share "data on changes tested with
other Action Community teams" (so they see each other's measures); Learning Network teams share
and learn in their small cohort of 4–5 teams (so they see that small cohort's measures). How far
each cohort shares is the program's choice, ``[measures.sharing]`` in the program file (see
:func:`pursuing_equity.teams.membership.sharing_scope`), with those two as the defaults. Faculty see the teams they coach (one to
one, ``Team.coach``, or as the coach of the team's small cohort); program staff see every team;
senior leaders and community partners see their own team like any other team member.

Everything anyone outside the team sees passes small-cell suppression first: only the team's
own members see unsuppressed numbers (:func:`can_view_unsuppressed_measures`). Staff and faculty
are outside the team too.

Who is on, coaches or is a peer of a team (with the sharing scope of each cohort) is
:mod:`pursuing_equity.teams.membership`'s answer, read once per request; the functions here take
no other decisions from the database.
"""

from __future__ import annotations

from typing import Any

from pursuing_equity.accounts.rules import FACULTY, STAFF, has_role, is_program_staff
from pursuing_equity.teams.membership import DATA_ENTRY_PARTS, membership_of

# --- the rules views apply ---------------------------------------------------------------------


def can_view_team_measures(user, team) -> bool:
    """Staff, the team, its coaches, and peer teams (same AC cohort / same LN small cohort)."""
    if not getattr(user, "is_authenticated", False) or team is None:
        return False
    if is_program_staff(user):
        return True
    m = membership_of(user)
    return m.is_member(team) or m.is_coach(team) or m.is_peer(team)


def can_view_unsuppressed_measures(user, team) -> bool:
    """Only the team's own members see counts of 1–10; everyone else sees them suppressed."""
    return team is not None and membership_of(user).is_member(team)


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


def can_edit_team_measures(user, team) -> bool:
    """Define measures and aims, upload or type data, restore versions: the team's own members
    (community partners read the team's data but do not enter it)."""
    return team is not None and membership_of(user).part_in(team) in DATA_ENTRY_PARTS


def can_view_team_data(user, team) -> bool:
    """The submitted counts, versions and upload previews (unsuppressed): the team only."""
    return can_view_unsuppressed_measures(user, team)


def can_edit_measure(user, measure) -> bool:
    return measure is not None and can_edit_team_measures(user, measure.team)


def can_view_measure_data(user, measure) -> bool:
    return measure is not None and can_view_team_data(user, measure.team)


# --- data connections (issue 19) ---------------------------------------------------------------


def can_manage_data_connections(user, team) -> bool:
    """Register, change, remove and pull the data connections of a team's measures (and read
    their status and last error): program staff only. A connection holds credentials to a
    health system's warehouse, so neither the team nor its coaches edit it."""
    return team is not None and is_program_staff(user)


def can_manage_data_connection(user, measure) -> bool:
    return measure is not None and can_manage_data_connections(user, measure.team)

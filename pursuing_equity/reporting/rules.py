"""Who may read and write updates, reflections, PDSA cycles and progress scores: pure rules.

The program's sharing rules, from the seed: an update is always visible to its team (every
part: members, the senior leader and the alternate, community partners), to the team's coach and
to program staff. Once submitted it is also visible to the other Action Community teams of the
cycle ("sharing data on changes tested with other Action Community teams"), and a Learning
Network reflection to the teams of the team's small cohort; faculty read every submitted update
and may comment on it. Drafts stay inside the team (and its coach and staff).

Team memberships, coaches and sharing scopes are :mod:`pursuing_equity.teams.membership`'s, as for
the measures app, so that an update and the charts embedded in it are shared with exactly the
same people.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from pursuing_equity.accounts.rules import (
    FACULTY,
    STAFF,
    has_role,
    is_program_staff,
    organizations_of,
)
from pursuing_equity.reporting.dates import rule_from_document
from pursuing_equity.teams.membership import LEADER_PARTS, membership_of

#: Parts of a team that write the team's update; the senior leader and the alternate reply to it.
WRITING_PARTS = frozenset({"member", "community_partner"})


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def part_in(user, team) -> str | None:
    """The person's part on ``team``, None when they are not on it."""
    return membership_of(user).part_in(team) if team is not None else None


def sees_drafts(user, team) -> bool:
    """The team itself, its coach, and program staff: those who see drafts too."""
    if is_program_staff(user):
        return True
    m = membership_of(user)
    return m.is_member(team) or m.is_coach(team)


def has_reflection(update) -> bool:
    """Has a leader replied to ``update`` (read from the loaded relation when there is one)?"""
    try:
        return update.reflection is not None
    except ObjectDoesNotExist:
        return False


# --- updates ----------------------------------------------------------------------------------


def can_view_team_reports(user, team) -> bool:
    """A team's page of updates and PDSA cycles (each update still checked on its own)."""
    if not _signed_in(user) or team is None:
        return False
    return sees_drafts(user, team) or has_role(user, FACULTY) or membership_of(user).is_peer(team)


def can_view_update(user, update) -> bool:
    if not _signed_in(user) or update is None:
        return False
    if sees_drafts(user, update.team):
        return True
    if not update.is_submitted:
        return False
    return has_role(user, FACULTY) or membership_of(user).is_peer(update.team)


def can_write_update(user, team) -> bool:
    """Write, save and submit the team's update (members and community partners)."""
    return part_in(user, team) in WRITING_PARTS


def can_edit_update(user, update) -> bool:
    return update is not None and not update.is_submitted and can_write_update(user, update.team)


def can_reflect_on_update(user, update) -> bool:
    """The senior leader or the alternate, once, on a submitted update asking for a leader's reply."""
    if update is None or not update.is_submitted or has_reflection(update):
        return False
    if part_in(user, update.team) not in LEADER_PARTS:
        return False
    rule = rule_from_document(update.team.cycle.document, update.team.cohort.key)
    return rule is not None and rule.leader_reply


def can_comment_on_update(user, update) -> bool:
    return update is not None and update.is_submitted and has_role(user, FACULTY, STAFF)


def can_view_attachment(user, attachment) -> bool:
    return attachment is not None and can_view_update(user, attachment.update)


def can_remove_attachment(user, attachment) -> bool:
    return attachment is not None and can_edit_update(user, attachment.update)


# --- PDSA cycles ------------------------------------------------------------------------------


def can_view_pdsa_cycle(user, cycle) -> bool:
    return cycle is not None and can_view_team_reports(user, cycle.team)


def can_log_pdsa_cycle(user, team) -> bool:
    """Anyone on the team logs and edits its PDSA cycles."""
    return team is not None and membership_of(user).is_member(team)


def can_edit_pdsa_cycle(user, cycle) -> bool:
    return cycle is not None and can_log_pdsa_cycle(user, cycle.team)


# --- progress scores --------------------------------------------------------------------------


def can_view_progress(user, team) -> bool:
    """The two rating histories: the team, its coach, faculty and staff (not other teams)."""
    if not _signed_in(user) or team is None:
        return False
    return sees_drafts(user, team) or has_role(user, FACULTY)


def can_rate_own_progress(user, team) -> bool:
    return team is not None and membership_of(user).is_member(team)


def can_rate_progress_as_faculty(user, team: Any = None) -> bool:
    return has_role(user, FACULTY)


# --- overviews --------------------------------------------------------------------------------


def can_view_submission_grid(user, obj: Any = None) -> bool:
    return has_role(user, STAFF, FACULTY)


def can_export_digest(user, obj: Any = None) -> bool:
    return has_role(user, STAFF, FACULTY)


def can_view_reporting(user, obj: Any = None) -> bool:
    """The "Updates" page: team people, faculty and staff."""
    if not _signed_in(user):
        return False
    return has_role(user, STAFF, FACULTY) or bool(organizations_of(user))

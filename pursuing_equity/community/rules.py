"""Who may read and write where in the community: pure ``can_<verb>_<noun>(user, obj) -> bool``.

Team ties come from :mod:`pursuing_equity.teams.membership`, affinity groups from
:mod:`pursuing_equity.events.affinity` (the only places that know them). An affinity group's
space is private to its members and facilitators: nobody else — program staff included — reads
it, and nothing here tells an outsider who is in it.
"""

from __future__ import annotations

from typing import Any

from pursuing_equity.accounts.rules import FACULTY, STAFF, has_role, is_program_staff
from pursuing_equity.community.models import Space
from pursuing_equity.events import affinity
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.rules import can_view_leadership_workgroup


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_participant(user) -> bool:
    """On any team: the people the community is for (with faculty and staff)."""
    return bool(membership_of(user).team_ids)


def can_view_community(user, obj: Any = None) -> bool:
    """The list of one's spaces: participants, faculty and staff."""
    return has_role(user, STAFF, FACULTY) or is_participant(user)


def can_read_space(user, space: Space) -> bool:
    if not _signed_in(user) or space is None:
        return False
    if space.kind == Space.Kind.AFFINITY:
        group = space.affinity_group
        return (space.cycle_id, group.key) in affinity.groups_of(user) or user.pk in (
            _facilitator_ids(space)
        )
    if space.kind == Space.Kind.WORKGROUP:
        return can_view_leadership_workgroup(user, space.cycle)
    if has_role(user, STAFF, FACULTY):
        return True
    ties = [t for t in membership_of(user).ties if t.cycle_id == space.cycle_id]
    if space.kind == Space.Kind.NETWORK:
        return bool(ties)
    if space.kind == Space.Kind.COHORT:
        return any(t.cohort_id == space.cohort_id for t in ties)
    return any(t.small_cohort_id == space.small_cohort_id for t in ties)


def _facilitator_ids(space: Space) -> set[int]:
    """The affinity group's facilitators: prefetched with the space by a list of spaces
    (``selectors.readable_spaces``, one query for every group), else asked of ``events.affinity``."""
    prefetched = getattr(space.affinity_group, "_prefetched_objects_cache", {})
    if "facilitators" in prefetched:
        return {person.pk for person in prefetched["facilitators"]}
    return affinity.facilitator_ids(space.cycle, space.affinity_group.key)


def can_post_in_space(user, space: Space) -> bool:
    """Everyone who reads a space may write in it (funders hold no tie and read none)."""
    return can_read_space(user, space)


def can_read_thread(user, thread) -> bool:
    return thread is not None and can_read_space(user, thread.space)


def can_report_post(user, post) -> bool:
    return post is not None and can_read_space(user, post.thread.space)


def can_moderate(user, obj: Any = None) -> bool:
    """Program staff see reports and hide posts."""
    return is_program_staff(user)


def can_announce(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_view_notifications(user, obj: Any = None) -> bool:
    return _signed_in(user)


def can_view_directory(user, obj: Any = None) -> bool:
    """Signed-in participants, faculty and staff."""
    return can_view_community(user)


def can_edit_directory_entry(user, obj: Any = None) -> bool:
    """Everyone signed in sets their own entry from their profile page; the directory lists only
    participants and faculty."""
    return _signed_in(user)

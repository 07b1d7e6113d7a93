"""Who may do what with the calendar, coaching slots and attendance: pure functions
``can_<verb>_<noun>(user, obj) -> bool``, applied in views through ``accounts.rules.rule_required``
and tested as a roles × objects matrix (tests/test_rules.py).

Affinity groups are private: only the group's members (their own calendar), its facilitators and
program staff see an affinity event, and only facilitators and staff see who attended.
"""

from __future__ import annotations

from typing import Any

from pursuing_equity.accounts.rules import (
    FACULTY,
    STAFF,
    has_role,
    is_program_staff,
    organizations_of,
)
from pursuing_equity.events import audience
from pursuing_equity.events.models import CoachingBooking, CoachingSlot, Event
from pursuing_equity.teams.membership import membership_of


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def has_team(user) -> bool:
    return bool(membership_of(user).team_ids)


def can_view_calendar(user, obj: Any = None) -> bool:
    """My calendar and its feed: people of the teams' organizations (team services give every
    team member a role at their organization), and staff and faculty. Read from the roles, which
    every page has loaded already (the navigation asks this on every page)."""
    return has_role(user, STAFF, FACULTY) or bool(organizations_of(user))


def can_view_event(user, event: Event) -> bool:
    if is_program_staff(user):
        return True
    if not _signed_in(user):
        return False
    if audience.is_in_audience(user, event) or audience.is_facilitator(user, event):
        return True
    # Faculty see the program's shared events, never an affinity group's unless they facilitate it.
    return has_role(user, FACULTY) and not event.is_affinity


def can_view_event_attendees(user, event: Event) -> bool:
    """The list of who is expected and who came: staff and the event's facilitators; for events
    other than affinity groups, faculty too."""
    if is_program_staff(user) or audience.is_facilitator(user, event):
        return True
    return has_role(user, FACULTY) and not event.is_affinity


def can_take_attendance(user, event: Event) -> bool:
    return is_program_staff(user) or audience.is_facilitator(user, event)


def can_manage_calendar(user, obj: Any = None) -> bool:
    """Generate the calendar, list every event, edit any event."""
    return is_program_staff(user)


def can_view_attendance(user, obj: Any = None) -> bool:
    """Attendance rates of every team (the "Attendance" page)."""
    return has_role(user, STAFF, FACULTY)


def can_send_attendance_note(user, team: Any = None) -> bool:
    return is_program_staff(user)


def can_publish_slot(user, obj: Any = None) -> bool:
    """Coaches (faculty) publish 1:1 coaching slots; staff may too."""
    return has_role(user, STAFF, FACULTY)


def can_withdraw_slot(user, slot: CoachingSlot) -> bool:
    return is_program_staff(user) or (_signed_in(user) and slot.coach_id == user.pk)


def can_book_slot(user, obj: Any = None) -> bool:
    """Members of an Action Community team book 1:1 coaching (the service checks the team)."""
    return has_team(user)


def can_cancel_booking(user, booking: CoachingBooking) -> bool:
    if is_program_staff(user):
        return True
    if not _signed_in(user):
        return False
    return booking.slot.coach_id == user.pk or membership_of(user).is_member(booking.team_id)


# --- the learning library, pre-work and in-person logistics ------------------------------------


def can_add_materials(user, event: Event) -> bool:
    """Staff, the event's facilitators, and faculty for the events they may see (never an affinity
    group's unless they facilitate it) add materials and suggested activities."""
    if is_program_staff(user) or audience.is_facilitator(user, event):
        return True
    return has_role(user, FACULTY) and not event.is_affinity


def can_download_material(user, material) -> bool:
    """A material is as private as its event."""
    return can_view_event(user, material.event)


def can_mark_activity_tried(user, event: Event) -> bool:
    """Members of a team the event is for (the service checks the team and its PDSA cycle)."""
    return has_team(user) and audience.is_in_audience(user, event)


def can_view_library(user, obj: Any = None) -> bool:
    """The library lists the materials of the events each reader may see."""
    return can_view_calendar(user)


def can_do_checklists(user, obj: Any = None) -> bool:
    """Pre-work and trainings are for people on a team."""
    return has_team(user)


def can_view_checklist_progress(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_register(user, event: Event) -> bool:
    """Anyone the event is for registers (or RSVPs) for it; the view refuses events that take no
    registration."""
    return _signed_in(user) and (
        audience.is_in_audience(user, event) or (has_role(user, FACULTY) and not event.is_affinity)
    )


def can_view_roster(user, event: Any = None) -> bool:
    """The roster holds dietary and access needs: program staff only."""
    return is_program_staff(user)


def can_add_materials_somewhere(user, obj: Any = None) -> bool:
    return has_role(user, STAFF, FACULTY)

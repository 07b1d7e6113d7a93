"""Who may do what with an application: pure functions ``can_<verb>_<noun>(user, obj) -> bool``.

An application's *applicants* are the person who started it and the team members on its roster
who confirmed their membership while signed in with the roster's email address. Reviewers reach
applications through the review app's own rules.
"""

from __future__ import annotations

from typing import Any

from pursuing_equity.accounts.rules import is_program_staff
from pursuing_equity.applications.states import State


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_applicant(user, application) -> bool:
    """The person who started the application, or a confirmed roster member with that email."""
    if not _signed_in(user) or application is None:
        return False
    if application.created_by_id == user.pk:
        return True
    return application.roster.filter(email__iexact=user.email, confirmed_at__isnull=False).exists()


def can_start_application(user, cycle: Any = None) -> bool:
    """Any signed-in person may apply (an account is the first step of the call)."""
    return _signed_in(user)


def can_view_application(user, application) -> bool:
    return is_program_staff(user) or is_applicant(user, application)


def can_edit_application(user, application) -> bool:
    """Applicants edit their draft; once submitted it is read-only for everyone."""
    return application.state == State.DRAFT and is_applicant(user, application)


def can_submit_application(user, application) -> bool:
    return is_applicant(user, application)


def can_withdraw_application(user, application) -> bool:
    return is_applicant(user, application)


def can_respond_to_offer(user, application) -> bool:
    """The team answers an offer of the fallback cohort (staff do not answer for them)."""
    return is_applicant(user, application)


def can_decide_application(user, application: Any = None) -> bool:
    """Review decisions (start review, not selected, accept, waitlist, decline) are for staff."""
    return is_program_staff(user)


def can_extend_deadline(user, application: Any = None) -> bool:
    return is_program_staff(user)


def can_view_document(user, document) -> bool:
    return can_view_application(user, document.application)


def can_view_video(user, video) -> bool:
    return can_view_application(user, video.application)

"""Who may do what in review: pure functions ``can_<verb>_<noun>(user, obj) -> bool``.

Program staff run the queue, assign reviewers, decide, send letters and read the portfolio.
Reviewers see only the applications assigned to them, and the other reviews of an application only
after submitting their own. Applicants never reach review pages (their status page is the
applications app's, and shows no reviewer or score).
"""

from __future__ import annotations

from typing import Any

from pursuing_equity.accounts.rules import REVIEWER, has_role, is_program_staff


def _assignment_of(user, application):
    """The user's assignment to review ``application`` in its current cohort, or None."""
    if not getattr(user, "is_authenticated", False) or application is None:
        return None
    return (
        application.reviewer_assignments.filter(
            reviewer=user, cohort_id=application.current_cohort_id
        )
        .select_related("review")
        .first()
    )


def _reviewed_any(user, application) -> bool:
    return application.reviewer_assignments.filter(reviewer=user).exists()


def can_view_review_queue(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_view_portfolio(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_decide_application(user, application: Any = None) -> bool:
    return is_program_staff(user)


def can_assign_reviewer(user, application: Any = None) -> bool:
    return is_program_staff(user)


def can_send_decision_letter(user, application: Any = None) -> bool:
    return is_program_staff(user)


def can_chase_draft(user, application: Any = None) -> bool:
    """Drafts are the applicants' own until submitted: only staff see them (to remind the team
    or extend the deadline), never reviewers."""
    return is_program_staff(user)


def can_view_assigned_reviews(user, obj: Any = None) -> bool:
    """A reviewer's list of assignments and conflicts of interest."""
    return has_role(user, REVIEWER)


def can_declare_conflict(user, obj: Any = None) -> bool:
    return has_role(user, REVIEWER)


def can_view_application_for_review(user, application) -> bool:
    """Staff; a reviewer only when assigned to the application (in any of its cohorts)."""
    if is_program_staff(user):
        return True
    return has_role(user, REVIEWER) and _reviewed_any(user, application)


def can_score_application(user, application) -> bool:
    """The reviewer assigned in the application's current cohort, while it is still open and
    their review is not yet submitted."""
    if not has_role(user, REVIEWER) or application.state not in ("submitted", "under_review"):
        return False
    assignment = _assignment_of(user, application)
    review = getattr(assignment, "review", None) if assignment else None
    return assignment is not None and (review is None or review.submitted_at is None)


def can_view_other_reviews(user, application) -> bool:
    """Staff always; a reviewer once their own review of the current cohort is submitted."""
    if is_program_staff(user):
        return True
    if not has_role(user, REVIEWER):
        return False
    assignment = _assignment_of(user, application)
    review = getattr(assignment, "review", None) if assignment else None
    return review is not None and review.submitted_at is not None

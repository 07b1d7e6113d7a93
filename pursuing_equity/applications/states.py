"""The states an application can be in, and the named sets of them that code asks about.

The transitions between them are declared in :mod:`pursuing_equity.applications.workflow`; this
module imports nothing of ours, so that the models and the permission rules can read the states
without importing the workflow (which names the rules).
"""

from __future__ import annotations

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    WAITLISTED = "waitlisted", "Waitlisted"
    OFFERED = "offered", "Offered the fallback cohort"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Received and awaiting a decision: staff decide on these, the applicant may still withdraw.
OPEN_STATES = frozenset({State.SUBMITTED, State.UNDER_REVIEW, State.WAITLISTED})
# Reviewers are assigned to, and score, applications in these states.
IN_REVIEW_STATES = frozenset({State.SUBMITTED, State.UNDER_REVIEW})
# States in which the applicant reads a decision letter (the offer is a decision for the cohort
# applied for).
LETTER_STATES = frozenset({State.OFFERED, State.ACCEPTED, State.DECLINED})

"""Review of applications: conflicts of interest, reviewer assignments, rubric scores, moves between
cohorts, decision letters and the daily digest.

The application's state lives on ``applications.Application`` and changes only through its
workflow (``applications.transitions.application_transition``); this app records what surrounds the
decision. Rubric scores are stored by criterion key, because the criteria come from the program
file, not from code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from pursuing_equity.accounts.models import Organization
from pursuing_equity.applications.models import Application
from pursuing_equity.programs.models import Cohort


class ConflictOfInterest(models.Model):
    """A reviewer declared a conflict with an organization: they are never assigned its applications."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts_of_interest"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="conflicts_of_interest"
    )
    note = models.CharField(max_length=500, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name"]
        verbose_name_plural = "conflicts of interest"
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "organization"], name="conflict_once_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ↔ {self.organization}"


class ReviewerAssignment(models.Model):
    """A reviewer asked to score one application (for the cohort it was in when assigned)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviewer_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "cohort"], name="reviewer_assigned_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.application}"


class Review(models.Model):
    """A reviewer's scores (criterion key → score on the program file's scale) and comments.

    Saved as a draft until ``submitted_at`` is set; then it is final, and the reviewer may read the
    other reviews of the application.
    """

    assignment = models.OneToOneField(
        ReviewerAssignment, on_delete=models.CASCADE, related_name="review"
    )
    scores = models.JSONField(default=dict, blank=True)
    comments = models.JSONField(default=dict, blank=True)
    overall_comment = models.TextField(blank=True)
    video_watched = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment"]

    def __str__(self) -> str:
        return f"Review by {self.assignment.reviewer}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class CohortMove(models.Model):
    """An application moved into another cohort's review ("not selected for the Action Community").

    The move's date starts the new cohort's response clock (within N days of receipt).
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="cohort_moves"
    )
    from_cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="+")
    to_cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="+")
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "moved_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_cohort=models.F("to_cohort")), name="cohort_move_changes_cohort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_cohort} → {self.to_cohort}"


class DecisionLetter(models.Model):
    """A decision letter as sent (rendered from the program file's template), once per kind."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="decision_letters"
    )
    kind = models.SlugField(max_length=50, help_text="The letter's key in the program file.")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    recipients = models.JSONField(default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="decision_letter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.application})"


class DigestSent(models.Model):
    """The daily digest of due responses went out for ``day``: never twice the same day."""

    day = models.DateField(unique=True)
    recipients = models.JSONField(default=list)
    items = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = "digests sent"

    def __str__(self) -> str:
        return f"Review digest {self.day:%Y-%m-%d}"


class DraftReminder(models.Model):
    """Program staff emailed the people drafting an application a reminder (what is missing, the
    deadline). Kept so that a second reminder within a short time is not sent by accident."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="draft_reminders"
    )
    recipients = models.JSONField(default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"Reminder to {', '.join(self.recipients)} ({self.application})"

"""A program cycle as data, loaded from a TOML file (programs/*.toml) by ``load_program``.

The whole validated document is kept in ``Cycle.document`` (dates as ISO strings) so that every fact
of the program file is available to every page; the facts that software queries (cohorts,
capacities, deadlines, activities and their months) are also normalised into tables.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from pursuing_equity.programs.fields import DocumentField


class Cycle(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    program_name = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    time_zone = models.CharField(max_length=64, default="America/New_York")
    document = DocumentField(help_text="The validated program file, with dates as ISO strings.")
    source_sha256 = models.CharField(max_length=64)
    date_shift_months = models.IntegerField(
        default=0,
        help_text="Whole months the file's dates were moved by (demo dates); 0 = real dates.",
    )
    loaded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="cycle_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_name} {self.title}"

    @property
    def demo_dates(self) -> bool:
        return self.date_shift_months != 0

    def month_number(self, day: datetime.date) -> int | None:
        """1-based month of the cycle that ``day`` falls in, or None outside the cycle."""
        if not (self.starts_on <= day <= self.ends_on):
            return None
        return (day.year - self.starts_on.year) * 12 + day.month - self.starts_on.month + 1


class Cohort(models.Model):
    """One of the cycle's cohorts (the Learning Network, the Action Community)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="cohorts")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    capacity = models.PositiveIntegerField()
    application_deadline = models.DateField()
    rolling_review = models.BooleanField(default=False)
    response_within_days = models.PositiveIntegerField(null=True, blank=True)
    decisions_by = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "key"], name="cohort_key_unique_in_cycle"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="cohort_capacity_positive"),
            models.CheckConstraint(
                condition=Q(response_within_days__isnull=False) | Q(decisions_by__isnull=False),
                name="cohort_has_decision_commitment",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def facts(self) -> dict:
        """This cohort's part of the program document."""
        return self.cycle.document["cohorts"][self.key]


class Activity(models.Model):
    """A kind of activity (all-team call, learning session …) with its duration and modality.

    The duration is in minutes or in days, or unknown (the seed does not give every duration).
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="activities")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    duration_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="For activities that last days (a three-day Learning Session).",
    )
    modality = models.CharField(max_length=30)
    audience = models.CharField(max_length=50)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "position"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "key"], name="activity_key_unique_in_cycle"),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0),
                name="activity_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(duration_days__isnull=True) | Q(duration_days__gt=0),
                name="activity_duration_days_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityMonth(models.Model):
    """A month in which an activity happens for a cohort (a cross in the seed's grids)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="months")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="activity_months")
    month = models.DateField(help_text="The first day of the month.")
    in_person = models.BooleanField(default=False)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "cohort", "month"], name="activity_month_once"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="activity_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.cohort} · {self.month:%b %Y}"


class CallLinks(models.Model):
    """What staff add to a cycle's informational call (the program file has no such links): the
    link to join it and, after it, the recording. Empty until staff fill them in."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="call_links")
    join_url = models.URLField(
        "Link to join the call",
        max_length=500,
        blank=True,
        help_text="Sent to everyone registered, now and as they register.",
    )
    join_details = models.TextField(
        "Other joining details",
        max_length=1000,
        blank=True,
        help_text="Optional: meeting ID, passcode, dial-in numbers.",
    )
    recording_url = models.URLField(
        "Link to the recording",
        max_length=500,
        blank=True,
        help_text="Shown on the call's page once added.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Informational call links of {self.cycle}"


class CallRegistration(models.Model):
    """A person registered for a cycle's informational call. One per email address and cycle
    (compared without case), so registering twice changes nothing and sends nothing more."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="call_registrations")
    name = models.CharField(max_length=200)
    organization = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, help_text="Stored in lower case.")
    registered_at = models.DateTimeField(auto_now_add=True)
    join_link_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the link to join was emailed (empty: not yet)."
    )

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "email"], name="call_registered_once"),
            models.CheckConstraint(
                condition=Q(email=Lower("email")),
                name="call_registration_email_lower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization}) for {self.cycle}"

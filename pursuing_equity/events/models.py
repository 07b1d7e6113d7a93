"""The program's calendar: events for each audience, 1:1 coaching slots, attendance and feeds.

Events are generated from the program file's grid (``services.calendar_generate``) and then edited
one by one by program staff. Times are stored in UTC and shown in the program's time zone.
An event's audience says who it is for: every team of a cohort, one small cohort, one team
(1:1 coaching), one affinity group (by its key in the program file, so that the calendar does not
depend on how membership is stored), the leadership workgroup of a cohort, or everyone in the
cycle (the optional IHI Forum meet-up).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pursuing_equity.programs.models import Activity, Cohort, Cycle
from pursuing_equity.teams.models import SmallCohort, Team

FORUM_MEETUP = "forum_meetup"


class Event(models.Model):
    class Audience(models.TextChoices):
        COHORT = "cohort", "All teams of a cohort"
        SMALL_COHORT = "small_cohort", "A small cohort"
        TEAM = "team", "One team (1:1 coaching)"
        AFFINITY_GROUP = "affinity_group", "A racial justice affinity group"
        LEADERS = "leaders", "Leadership workgroup"
        CYCLE = "cycle", "Everyone in the program"

    class Modality(models.TextChoices):
        VIRTUAL = "virtual", "Virtual"
        IN_PERSON = "in_person", "In person"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events")
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    kind = models.SlugField(
        max_length=50, help_text="The program file's activity key, or forum_meetup."
    )
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    # RESTRICT, not CASCADE: a small cohort with events (and their attendance) cannot be deleted
    # on its own (the cohort builder retires it instead); deleting the whole cycle still works.
    small_cohort = models.ForeignKey(
        SmallCohort, null=True, blank=True, on_delete=models.RESTRICT, related_name="events"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    affinity_group = models.SlugField(
        max_length=50, blank=True, help_text="The affinity group's key in the program file."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    modality = models.CharField(max_length=20, choices=Modality.choices)
    video_url = models.URLField("video-call link", blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="City, or where it happens.")
    venue = models.CharField(max_length=200, blank=True)
    optional = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_events"
    )
    generated_key = models.CharField(
        max_length=200,
        blank=True,
        help_text="Identity of a generated event (activity, audience, month); blank if added by hand.",
    )
    edited = models.BooleanField(
        default=False, help_text="Changed by staff or by a booking: generation leaves it alone."
    )
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE.")
    attendance_taken_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "title"]
        indexes = [models.Index(fields=["cycle", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["cycle", "generated_key"],
                condition=~Q(generated_key=""),
                name="event_generated_once",
            ),
            models.CheckConstraint(
                condition=Q(modality__in=["virtual", "in_person"]), name="event_modality_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(audience="cohort", cohort__isnull=False)
                    | Q(audience="small_cohort", small_cohort__isnull=False)
                    | Q(audience="team", team__isnull=False)
                    | (Q(audience="affinity_group") & ~Q(affinity_group=""))
                    | Q(audience="leaders", cohort__isnull=False)
                    | Q(audience="cycle")
                ),
                name="event_audience_has_its_group",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_affinity(self) -> bool:
        return self.audience == self.Audience.AFFINITY_GROUP

    @property
    def where(self) -> str:
        """Where it happens, in words (no colour or icon needed)."""
        if self.modality == self.Modality.IN_PERSON:
            return ", ".join(p for p in (self.venue or "Venue to be announced", self.location) if p)
        return "Video call" + ("" if self.video_url else " (link to come)")


class CoachingSlot(models.Model):
    """A time a coach offers for a 1:1 coaching session; one team may book it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="coaching_slots")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_slots"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    video_url = models.URLField("video-call link", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["coach", "starts_at"], name="slot_once_per_coach_and_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coach} · {self.starts_at:%Y-%m-%d %H:%M} UTC"


class CoachingBooking(models.Model):
    """A team's booking of a coaching slot. At most one active (not cancelled) booking a slot."""

    slot = models.ForeignKey(CoachingSlot, on_delete=models.CASCADE, related_name="bookings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="coaching_bookings")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["slot__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(cancelled_at__isnull=True),
                name="slot_booked_once",
                violation_error_message="This slot is already booked.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.slot}"

    @property
    def active(self) -> bool:
        return self.cancelled_at is None


class Attendance(models.Model):
    """Whether one person attended one event, from a facilitator's form or a Zoom report."""

    class Source(models.TextChoices):
        FORM = "form", "Attendance form"
        ZOOM = "zoom", "Zoom participant report"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    present = models.BooleanField()
    minutes = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "user"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(source__in=["form", "zoom"]), name="attendance_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event} · {'present' if self.present else 'absent'}"


class ZoomImport(models.Model):
    """An uploaded Zoom participant report, kept until a facilitator confirms the matches."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="zoom_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    rows = models.JSONField(help_text="The report's participants, one per person (see zoom.py).")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} · {self.event}"


class CalendarFeed(models.Model):
    """A person's private iCalendar feed: whoever has the token can read the person's calendar."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

"""The program's calendar: events for each audience, 1:1 coaching slots, attendance and feeds.

Events are generated from the program file's grid (``events.generation.calendar_generate``) and then edited
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
    def takes_registration(self) -> bool:
        """In-person sessions (Boston) take registrations; the Forum meet-up takes RSVPs."""
        return not self.cancelled and (
            self.modality == self.Modality.IN_PERSON or self.kind == FORUM_MEETUP
        )

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


# --- the learning library: each event's materials and suggested activities ---------------------


class Material(models.Model):
    """An agenda, slides, a document (each upload kept as a version) or a recording link."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda"
        SLIDES = "slides", "Slides"
        DOCUMENT = "document", "Document"
        RECORDING = "recording", "Recording"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=100, blank=True)
    recording_url = models.URLField("recording link", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["agenda", "slides", "document", "recording"]),
                name="material_kind_valid",
            ),
            models.CheckConstraint(
                condition=(Q(kind="recording") & ~Q(recording_url=""))
                | (~Q(kind="recording") & Q(recording_url="")),
                name="material_recording_has_link",
                violation_error_message="A recording needs its link; files are uploaded instead.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class MaterialVersion(models.Model):
    """One uploaded version of a material's file; every version is kept."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="event-materials/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (version {self.number})"


class SuggestedActivity(models.Model):
    """An activity to try at your organization after the call."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="suggested_activities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "pk"]
        verbose_name_plural = "suggested activities"

    def __str__(self) -> str:
        return self.title


class ActivityTry(models.Model):
    """A team tried a suggested activity, optionally as one of its PDSA cycles."""

    activity = models.ForeignKey(SuggestedActivity, on_delete=models.CASCADE, related_name="tries")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="activity_tries")
    pdsa_cycle = models.ForeignKey(
        "reporting.PdsaCycle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_tries",
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity", "team"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "team"], name="activity_tried_once_a_team")
        ]

    def __str__(self) -> str:
        return f"{self.team} tried {self.activity}"


# --- pre-work and trainings, and registration for in-person sessions ---------------------------


class ChecklistTick(models.Model):
    """One person did one item of a checklist of the program file's ``[[checklists]]``."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="checklist_ticks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checklist_ticks"
    )
    checklist = models.SlugField(max_length=50)
    item = models.SlugField(max_length=50)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "checklist", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "user", "checklist", "item"], name="checklist_item_ticked_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.checklist}.{self.item}"


class Registration(models.Model):
    """A person's registration for an in-person session or RSVP for the Forum meet-up.

    Dietary and access needs are sensitive: only program staff read them (rules.py)."""

    class Attending(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUALLY = "virtually", "Virtually"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    attending = models.CharField(max_length=20, choices=Attending.choices)
    dietary_needs = models.TextField(blank=True, max_length=1000)
    access_needs = models.TextField(blank=True, max_length=1000)
    arrives_on = models.DateField("arriving on", null=True, blank=True)
    departs_on = models.DateField("leaving on", null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "user"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once"),
            models.CheckConstraint(
                condition=Q(attending__in=["in_person", "virtually"]),
                name="registration_attending_valid",
            ),
            models.CheckConstraint(
                condition=Q(arrives_on__isnull=True)
                | Q(departs_on__isnull=True)
                | Q(departs_on__gte=F("arrives_on")),
                name="registration_leaves_after_arriving",
                violation_error_message="The day you leave must not be before the day you arrive.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event}"

"""Applications to a program cycle: the application itself, its team roster, its documents and
videos (every upload kept as a version) and deadline extensions.

States live in :mod:`pursuing_equity.applications.states`, the transitions between them in
:mod:`pursuing_equity.applications.workflow`; every write goes through the services
(:mod:`~pursuing_equity.applications.services` for drafts,
:mod:`~pursuing_equity.applications.transitions` for the workflow).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from pursuing_equity.accounts.models import Organization
from pursuing_equity.applications.states import State
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.teams.models import Team, TeamMember

# Largest upload accepted for a letter (bytes); the "at most 10 MB".
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Largest team video file (bytes); the "at most 1 GB".
VIDEO_MAX_BYTES = 1024 * 1024 * 1024


class DataReadiness(models.TextChoices):
    ACCESSIBLE_AND_USABLE = "accessible_and_usable", "Accessible and usable"
    ACCESSIBLE_NOT_USABLE = "accessible_not_usable", "Accessible but not yet usable"
    NOT_ACCESSIBLE = "not_accessible", "Not accessible"


Lens = TeamMember.Lens


class Application(models.Model):
    """One organization's application to one cycle.

    ``cohort_choice`` is what the applicant asked for; ``current_cohort`` is where it is being
    considered now (the Learning Network after "not selected for the Action Community").
    ``version`` grows with every saved step: a save states the version it read, and a stale save
    is refused (two team members editing the same draft).
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="applications")
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="Empty until the organization step is saved.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications_started"
    )
    cohort_choice = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="applications_choosing"
    )
    current_cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)

    # Readiness.
    equity_work_so_far = models.TextField("Equity work so far", blank=True)
    qi_results = models.TextField("Quality improvement results achieved", blank=True)
    real_data = models.CharField(
        "REAL data (race, ethnicity and preferred language)",
        max_length=30,
        choices=DataReadiness.choices,
        blank=True,
    )
    sogi_data = models.CharField(
        "SOGI data (sexual orientation and gender identity)",
        max_length=30,
        choices=DataReadiness.choices,
        blank=True,
    )
    community_partnerships = models.TextField("Community partnerships", blank=True)
    # Hopes.
    hopes = models.TextField("What the team hopes to achieve", blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the application was received."
    )
    deadline_override = models.DateField(
        null=True, blank=True, help_text="The latest deadline extension granted by staff."
    )
    waitlist_rank = models.PositiveIntegerField(null=True, blank=True)
    not_selected_feedback = models.TextField(
        blank=True, help_text="Feedback given when not selected for the Action Community."
    )
    decline_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    team = models.OneToOneField(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="application_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="application_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(real_data="") | Q(real_data__in=DataReadiness.values),
                name="application_real_data_valid",
            ),
            models.CheckConstraint(
                condition=Q(sogi_data="") | Q(sogi_data__in=DataReadiness.values),
                name="application_sogi_data_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[State.DRAFT, State.WITHDRAWN])
                | Q(submitted_at__isnull=False, organization__isnull=False),
                name="application_submitted_has_time_and_organization",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.DECLINED) | ~Q(decline_reason=""),
                name="application_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(waitlist_rank__isnull=True)
                | Q(state=State.WAITLISTED, waitlist_rank__gte=1),
                name="application_waitlist_rank_only_when_waitlisted",
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(state=State.ACCEPTED),
                name="application_team_only_when_accepted",
            ),
            models.CheckConstraint(
                condition=Q(cohort_choice=F("current_cohort")) | ~Q(not_selected_feedback=""),
                name="application_moved_cohort_has_feedback",
            ),
            models.UniqueConstraint(
                fields=["cycle", "organization"],
                condition=Q(organization__isnull=False) & ~Q(state=State.WITHDRAWN),
                name="application_one_per_organization_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        who = self.organization.name if self.organization_id else f"application {self.pk}"
        return f"{who} · {self.current_cohort.name}"


class RosterMember(models.Model):
    """A person named on the application's team, invited by email to confirm their membership."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="roster")
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    title = models.CharField("job title", max_length=200)
    lenses = models.JSONField(default=list, blank=True)
    community_partner = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    token = models.CharField(max_length=64, unique=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "application", name="roster_member_email_once_per_application"
            ),
            models.CheckConstraint(condition=~Q(full_name=""), name="roster_member_has_name"),
            models.CheckConstraint(condition=~Q(email=""), name="roster_member_has_email"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def lenses_display(self) -> list[str]:
        labels = dict(Lens.choices)
        return [labels[lens] for lens in self.lenses if lens in labels]


def _upload_to(instance, filename: str) -> str:
    kind = "videos" if isinstance(instance, TeamVideo) else "documents"
    return (
        f"applications/{instance.application_id}/{kind}/v{instance.version}-{instance.sha256[:16]}"
    )


class ApplicationDocument(models.Model):
    """One version of a required letter (``kind``: its key in the program file's ``[letters]``,
    e.g. ceo_letter, board_chair_letter), each letter its own slot.

    Every upload is kept; the current document of a kind is its highest version.
    ``signatories`` are the signatures the applicant confirms the letter carries (program file).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.SlugField(max_length=50, help_text="The material's key in the program file.")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    signatories = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "version"], name="document_version_once"
            ),
            models.CheckConstraint(
                condition=Q(size__gt=0, size__lte=DOCUMENT_MAX_BYTES), name="document_size_limits"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="document_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version} ({self.original_name})"


class TeamVideo(models.Model):
    """One version of the team video: an uploaded file (duration read from it) or a hosted link
    (duration stated), with the checklist of required items and the chosen optional questions."""

    class Source(models.TextChoices):
        FILE = "file", "Uploaded file"
        LINK = "link", "Link to a hosted video"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="videos")
    version = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    file = models.FileField(upload_to=_upload_to, max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    duration_seconds = models.PositiveIntegerField()
    required_items = models.JSONField(default=list, help_text="Keys of required items confirmed.")
    optional_questions = models.JSONField(default=list, help_text="Keys of questions answered.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="video_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="video_version_positive"),
            models.CheckConstraint(
                condition=Q(duration_seconds__gt=0), name="video_duration_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(source="file", url="", size__gt=0, size__lte=VIDEO_MAX_BYTES) & ~Q(file="")
                )
                | Q(source="link", file="", size__isnull=True) & ~Q(url=""),
                name="video_file_xor_link",
            ),
        ]

    def __str__(self) -> str:
        return f"Team video v{self.version}"

    @property
    def duration_display(self) -> str:
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes} min {seconds:02d} s"


class DeadlineExtension(models.Model):
    """Program staff moved one application's deadline, with a reason."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="extensions"
    )
    new_deadline = models.DateField()
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-granted_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="extension_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Extension to {self.new_deadline:%Y-%m-%d}"

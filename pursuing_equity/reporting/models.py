"""Monthly updates and periodic reflections, leader reflections, PDSA cycles and progress scores.

A team writes one :class:`Update` per reporting period (the program file decides the period and
the due day per cohort, see :mod:`pursuing_equity.reporting.dates`). Several people edit the
draft; ``version`` goes up with every save so that a save made from a stale copy is refused
instead of silently overwriting a colleague's text. Submitting freezes the text and stores a
snapshot of the team's charts as they were that day (``charts``, and ``charts_html`` as the page
shows them), so the update keeps showing what the team saw even after later data arrive.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from pursuing_equity.measures.models import Measure
from pursuing_equity.teams.models import Team


class UpdateManager(models.Manager):
    """Updates without their drawn snapshot (``charts_html``, about 100 kB each): only the update
    page shows it, and asks for it (``reporting.selectors.update_for``); every list, panel and
    export would otherwise read it for every row."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer("charts_html")


class Update(models.Model):
    """A team's report for one period: a monthly update (AC) or a periodic reflection (LN)."""

    class Kind(models.TextChoices):
        MONTHLY_UPDATE = "monthly_update", "Monthly update"
        REFLECTION = "reflection", "Periodic reflection"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class ChartsStatus(models.TextChoices):
        # The snapshot is computed by a background task after the submission commits, so that
        # submitting answers at once and never holds the write lock while charts are drawn.
        NONE = "none", "No charts"
        PREPARING = "preparing", "Charts being prepared"
        READY = "ready", "Charts ready"
        FAILED = "failed", "Charts could not be prepared"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="updates")
    period_start = models.DateField(help_text="First day of the period's first month.")
    period_months = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    progress = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    help_wanted = models.TextField("help wanted", blank=True)
    pdsa_cycles = models.ManyToManyField(
        "PdsaCycle", blank=True, related_name="updates", verbose_name="changes tested"
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="contributors"
    )
    # [{"measure_id", "measure_name", "spec": Vega-Lite, "columns": [...], "rows": [[...]]}, …]
    charts = models.JSONField(default=list, blank=True)
    # The snapshot drawn once as the page shows it (``charts.snapshot_html``): the charts' tables
    # are thousands of cells, too many to render on every visit.
    charts_html = models.TextField(blank=True, default="")
    charts_as_of = models.DateField(null=True, blank=True)
    charts_status = models.CharField(
        max_length=10, choices=ChartsStatus.choices, default=ChartsStatus.NONE
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    late = models.BooleanField(default=False)

    objects = UpdateManager()

    class Meta:
        ordering = ["team", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["team", "period_start"], name="update_once_per_period"),
            models.CheckConstraint(
                condition=Q(period_start__day=1), name="update_period_starts_on_first"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["monthly_update", "reflection"])
                & Q(status__in=["draft", "submitted"]),
                name="update_kind_and_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="update_submitted_has_time",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="update_version_from_1"),
        ]
        indexes = [
            # The latest submitted updates ("shared with you"): read from the index, not by
            # scanning every update row past its chart snapshots; with the team, so a member's
            # peer filter is checked without reading the row either.
            models.Index(
                fields=["status", "-submitted_at", "team"], name="update_status_submitted"
            ),
            # Every column a cell of the submission grid reads (selectors.STATE_FIELDS), so the
            # grid reads the index alone (SQLite stores a row's columns after its snapshots).
            models.Index(
                fields=[
                    "team",
                    "period_start",
                    "period_months",
                    "status",
                    "late",
                    "due_on",
                    "submitted_at",
                ],
                name="update_grid_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} — {self.get_kind_display()} {self.period_key}"

    @property
    def period_key(self) -> str:
        return f"{self.period_start:%Y-%m}"

    @property
    def period_label(self) -> str:
        from pursuing_equity.reporting.dates import period_label

        return period_label(self.period_start, self.period_months)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never comes from the uploader: only the checked extension is kept.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"reporting/{instance.update.team_id}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A file attached to an update, its type checked from its content (see ``files.py``)."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0, size__lte=10 * 1024 * 1024),
                name="attachment_size_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class PdsaCycle(models.Model):
    """A Plan-Do-Study-Act cycle testing one change idea; ``parent`` links the ramp it is part of."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pdsa_cycles")
    change_idea = models.CharField("change idea", max_length=300)
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pdsa_cycles",
        help_text="The measure this change should move.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name="builds on",
        help_text="The earlier cycle of the same ramp that this one builds on.",
    )
    started_on = models.DateField("started on")
    prediction = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    done = models.TextField("what was done", blank=True)
    study = models.TextField("what was learned (study)", blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["", "adopt", "adapt", "abandon"]),
                name="pdsa_decision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="pdsa_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.change_idea

    @property
    def annotation_label(self) -> str:
        decision = f" ({self.get_decision_display().lower()})" if self.decision else ""
        return f"PDSA: {self.change_idea}{decision}"


class LeaderReflection(models.Model):
    """The senior leader's (or the alternate's) written reply to a submitted update."""

    update = models.OneToOneField(Update, on_delete=models.CASCADE, related_name="reflection")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_part = models.CharField(max_length=30)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(author_part__in=["senior_leader", "alternate_leader"]),
                name="reflection_by_a_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"Reflection on {self.update}"


class Comment(models.Model):
    """A faculty member's (or program staff's) comment on a submitted update."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.update}"


SCORE_VALUES = [Decimal(n) / 2 for n in range(1, 11)]  # the database's guard; the file decides


class ProgressScore(models.Model):
    """A month's rating of a team's progress on IHI's collaborative assessment scale."""

    class Rater(models.TextChoices):
        TEAM = "team", "Team self-rating"
        FACULTY = "faculty", "Faculty rating"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="progress_scores")
    month = models.DateField()
    rater = models.CharField(max_length=20, choices=Rater.choices)
    score = models.DecimalField(max_digits=2, decimal_places=1)
    justification = models.TextField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "month", "rater"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "month", "rater"], name="progress_score_once_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="progress_score_month_first"),
            models.CheckConstraint(
                condition=Q(score__in=SCORE_VALUES), name="progress_score_on_scale"
            ),
            models.CheckConstraint(
                condition=Q(rater__in=["team", "faculty"]), name="progress_score_rater_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.month:%Y-%m} {self.rater}: {self.score}"


class SentReminder(models.Model):
    """A reminder that was sent, so that the daily command never sends the same one twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Update due soon"
        UPDATE_OVERDUE = "update_overdue", "Update overdue"
        REFLECTION_OVERDUE = "reflection_overdue", "Reflection overdue"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "team", "period_start", "recipient"], name="reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.team} {self.period_start:%Y-%m} → {self.recipient}"


class Digest(models.Model):
    """The PDF of every submitted update covering one month, drawn by the worker on request
    (WeasyPrint takes tens of seconds for a month) and kept for staff and faculty to download."""

    class Status(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    cycle = models.ForeignKey("programs.Cycle", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    pdf = models.BinaryField(blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="digest_month_starts_on_first"),
            models.CheckConstraint(
                condition=Q(status__in=["preparing", "ready", "failed"]), name="digest_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest {self.month:%Y-%m}"

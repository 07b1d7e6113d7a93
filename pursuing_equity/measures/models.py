"""Measures a team tracks, the aims tied to them, and the data the team submits period by period.

Data arrive as an :class:`Upload` (a counts file, a patient-level extract already aggregated, or
counts typed into the grid). An upload is validated completely before it is stored; a valid one
waits as *pending* until the team has seen the preview and confirmed it. Confirming creates one
:class:`Submission` per period it covers — the next version of that period — holding
:class:`StratumCount` rows. Nothing is ever overwritten: the previous version of the period stops
being current, and restoring an old version copies it into a new one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pursuing_equity.measures.vocabulary import (  # noqa: F401 (re-exported: importers use models)
    ALL,
    OVERALL,
    ReferenceChoice,
    StandardStratifier,
)
from pursuing_equity.teams.models import Team


class FocusArea(models.TextChoices):
    """Clinical focus areas a team can choose (issue 5), or ``custom`` with its own words."""

    HYPERTENSION = "hypertension_control", "Hypertension control"
    DIABETES = "diabetes_a1c_control", "Diabetes A1c control"
    COLORECTAL_SCREENING = "colorectal_cancer_screening", "Colorectal cancer screening"
    BREAST_SCREENING = "breast_cancer_screening", "Breast cancer screening"
    PRENATAL = "prenatal_care", "Prenatal care"
    POSTPARTUM = "postpartum_care", "Postpartum care"
    SEVERE_MATERNAL_MORBIDITY = "severe_maternal_morbidity", "Severe maternal morbidity"
    WELL_CHILD = "well_child_visits", "Well-child visits"
    IMMUNIZATIONS = "immunizations", "Immunisations"
    DEPRESSION = "depression_screening", "Depression screening and follow-up"
    ED_USE = "emergency_department_use", "Emergency department use"
    READMISSION = "readmission_30_day", "30-day readmission"
    PAIN = "pain_management", "Pain management"
    PATIENT_EXPERIENCE = "patient_experience", "Patient experience"
    CUSTOM = "custom", "Another area (describe it)"


class Measure(models.Model):
    """One measure a team reports, stratified by the stratifiers it chose."""

    class Kind(models.TextChoices):
        OUTCOME = "outcome", "Outcome"
        PROCESS = "process", "Process"
        BALANCING = "balancing", "Balancing"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    class Improvement(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, help_text="Used in URLs, unique within the team.")
    focus_area = models.CharField(max_length=40, choices=FocusArea.choices)
    custom_focus_area = models.CharField(
        max_length=200, blank=True, help_text="The team's own focus area, when it chose another."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OUTCOME)
    numerator_definition = models.TextField()
    denominator_definition = models.TextField()
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default="monthly")
    improvement = models.CharField(max_length=20, choices=Improvement.choices, default="increase")
    target = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Target rate in percent (0–100), for everyone.",
    )
    # Keys of the stratifiers reported: standard ones (StandardStratifier) and custom ones.
    stratifiers = models.JSONField(default=list, blank=True)
    # Custom stratifiers: key → {"label": "Payer", "categories": ["medicaid", "medicare", …]}.
    custom_stratifiers = models.JSONField(default=dict, blank=True)
    # Stratifier key → a group code of that stratifier, or a ReferenceChoice value.
    reference_groups = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "slug"], name="measure_slug_unique_in_team"),
            models.UniqueConstraint(fields=["team", "name"], name="measure_name_unique_in_team"),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0, target__lte=100),
                name="measure_target_is_percent",
            ),
            models.CheckConstraint(
                condition=~Q(focus_area="custom") | ~Q(custom_focus_area=""),
                name="measure_custom_focus_area_described",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def focus_area_label(self) -> str:
        if self.focus_area == FocusArea.CUSTOM:
            return self.custom_focus_area
        return self.get_focus_area_display()

    def stratifier_label(self, key: str) -> str:
        if key == OVERALL:
            return "Overall"
        if key in StandardStratifier.values:
            return StandardStratifier(key).label
        return self.custom_stratifiers.get(key, {}).get("label", key)


class Aim(models.Model):
    """An aim in the seed's words: reduce the gap between a group and its reference by a date.

    Gaps are in percentage points. Progress is computed from the data (dashboard), never typed.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="aims")
    stratifier = models.CharField(max_length=60)
    group = models.CharField(max_length=100)
    reference = models.CharField(
        max_length=100, help_text="A group of the stratifier, or best / largest / overall."
    )
    baseline_gap = models.DecimalField(max_digits=6, decimal_places=2)
    target_gap = models.DecimalField(max_digits=6, decimal_places=2)
    target_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "target_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_gap__gte=0) & Q(baseline_gap__gte=0),
                name="aim_gaps_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(target_gap__lt=F("baseline_gap")), name="aim_reduces_the_gap"
            ),
            models.UniqueConstraint(
                fields=["measure", "stratifier", "group", "reference"], name="aim_once_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        from pursuing_equity.measures.categories import group_label

        m = self.measure
        group = group_label(m, self.stratifier, self.group)
        reference = group_label(m, self.stratifier, self.reference)
        return (
            f"Reduce the gap in {m.name} between {group} and {reference} "
            f"from {_points(self.baseline_gap)} to {_points(self.target_gap)} "
            f"by {self.target_date:%B %-d, %Y}"
        )


def _points(value) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} percentage point{'' if text == '1' else 's'}"


class Upload(models.Model):
    """One batch of data as the team sent it: validated, then pending until confirmed.

    A counts file is kept (``file``, private storage) only while the upload is pending: it is
    deleted once confirmed or discarded, when its counts live in the versions; a patient-level
    extract is aggregated on upload and deleted, only its aggregated ``rows`` are kept. ``rows`` holds the validated counts
    ``[{"period": "2024-01-01", "stratifier", "group", "numerator", "denominator"}, …]``.
    """

    class Source(models.TextChoices):
        COUNTS = "upload_counts", "Counts file (CSV or Excel)"
        EXTRACT = "upload_extract", "Patient-level extract (aggregated on upload)"
        GRID = "grid", "Counts typed into the grid"
        CONNECTION = "connection", "Pulled from a data connection"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        DISCARDED = "discarded", "Discarded"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="uploads")
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="measures/uploads/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    rows = models.JSONField(default=list)
    # An extract with ages, counted by age band too (measures.adjusted):
    # [{"period", "stratifier", "group", "age_band", "numerator", "denominator"}, …]
    age_rows = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    source__in=["upload_counts", "upload_extract", "grid", "connection"],
                    status__in=["pending", "confirmed", "discarded"],
                ),
                name="upload_source_and_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} — {self.get_source_display()} ({self.get_status_display()})"

    @property
    def periods(self) -> list[datetime.date]:
        return sorted({datetime.date.fromisoformat(r["period"]) for r in self.rows})


class Submission(models.Model):
    """One version of one period of a measure. Exactly one version per period is current."""

    class Source(models.TextChoices):
        COUNTS = "upload_counts", "Counts file"
        EXTRACT = "upload_extract", "Patient-level extract"
        GRID = "grid", "Grid"
        CONNECTION = "connection", "Data connection"
        RESTORE = "restore", "Restored from an earlier version"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="submissions")
    period = models.DateField(help_text="First day of the month or quarter.")
    version = models.PositiveIntegerField()
    source = models.CharField(max_length=20, choices=Source.choices)
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="restorations"
    )
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "period", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "version"], name="submission_version_unique"
            ),
            models.UniqueConstraint(
                fields=["measure", "period"],
                condition=Q(is_current=True),
                name="submission_one_current_per_period",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="submission_version_from_1"),
            models.CheckConstraint(
                condition=Q(source="restore", restored_from__isnull=False)
                | (~Q(source="restore") & Q(upload__isnull=False)),
                name="submission_has_origin",
            ),
        ]
        indexes = [models.Index(fields=["measure", "is_current", "period"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.period:%Y-%m} v{self.version}"


class StratumCount(models.Model):
    """Numerator and denominator of one group of one stratifier in one submitted period.

    The total is stored as stratifier ``overall``, group ``all``.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="counts")
    stratifier = models.CharField(max_length=60)
    group = models.CharField(max_length=100)
    numerator = models.PositiveBigIntegerField()
    denominator = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["submission", "stratifier", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "stratifier", "group"], name="stratum_count_once"
            ),
            models.CheckConstraint(
                condition=Q(numerator__gte=0) & Q(denominator__gte=0),
                name="stratum_count_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(numerator__lte=F("denominator")),
                name="stratum_count_numerator_within_denominator",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.submission} {self.stratifier}={self.group}: {self.numerator}/{self.denominator}"
        )


class AgeCount(models.Model):
    """Numerator and denominator of one group in one age band of one submitted period: what
    direct age standardisation needs (:mod:`.adjusted`), kept only for patient-level extracts
    with ages. Each group's bands add up to its :class:`StratumCount`."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="age_counts")
    stratifier = models.CharField(max_length=60)
    group = models.CharField(max_length=100)
    age_band = models.CharField(max_length=20)
    numerator = models.PositiveBigIntegerField()
    denominator = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["submission", "stratifier", "group", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "stratifier", "group", "age_band"], name="age_count_once"
            ),
            models.CheckConstraint(
                condition=Q(numerator__lte=F("denominator")),
                name="age_count_numerator_within_denominator",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.submission} {self.stratifier}={self.group} age {self.age_band}: "
            f"{self.numerator}/{self.denominator}"
        )


class DashboardResult(models.Model):
    """A computed result of one measure, stored so that every process shares it (the web server
    and the task worker) and it survives restarts: a dashboard, a network panel, or the counts
    as published outside the team. Derived data, not a record: :mod:`.stored` recomputes it
    whenever ``key`` (a digest of the current versions, the aims, the measure's definition and
    the program's chart settings) no longer matches, so it is never audited or edited."""

    class Kind(models.TextChoices):
        DASHBOARD = "dashboard", "Dashboard"
        PANEL = "panel", "Network panel"
        PUBLISHED = "published", "Published counts"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # who sees it ("shared" or "team") and, for dashboards, the stratifier asked for
    variant = models.CharField(max_length=120, blank=True)
    key = models.CharField(max_length=64)
    # JSON text, not a JSONField: PostgreSQL's jsonb reorders object keys, and the order of the
    # groups and stratifiers is part of the result; nothing ever queries inside it.
    data = models.TextField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "kind", "variant"], name="dashboard_result_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["dashboard", "panel", "published"]),
                name="dashboard_result_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.kind} {self.variant}"


class DataConnection(models.Model):
    """Where a measure's patient-level data live, registered by program staff (issue 19): a
    PostgreSQL table or view, or a Spark source (a Parquet/CSV path, optionally a master URL).

    ``secret`` is the database URL (postgres) or the source path (spark), encrypted with
    :mod:`pursuing_equity.core.secrets`: it may hold a password or cloud keys, so it is never
    shown again, never logged and never audited. ``columns`` maps the extract's columns (as the
    extract upload names them: ``period``, ``numerator``, ``denominator``, each stratifier key, and
    optionally ``age``/``age_band``) to the source's column names. A pull (measures.connections)
    aggregates on the engine and stores new versions like a confirmed extract upload.
    """

    class Kind(models.TextChoices):
        POSTGRES = "postgres", "PostgreSQL table or view"
        SPARK = "spark", "Apache Spark (Parquet or CSV path)"

    class Status(models.TextChoices):
        NEVER = "never", "Not pulled yet"
        QUEUED = "queued", "Pull queued"
        OK = "ok", "Pulled"
        FAILED = "failed", "Last pull failed"

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="connection")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    secret = models.TextField(help_text="Encrypted database URL or source path.")
    table = models.CharField(max_length=200, blank=True)
    spark_master = models.CharField(max_length=300, blank=True)
    columns = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEVER)
    last_error = models.TextField(blank=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    last_versions = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="spark") | ~Q(table=""), name="connection_postgres_has_table"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["postgres", "spark"], status__in=["never", "queued", "ok", "failed"]
                ),
                name="connection_kind_and_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} — {self.get_kind_display()}"

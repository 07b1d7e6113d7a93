"""Milestones with evidence and the equity self-assessment (issue 16).

A team's milestones are its cohort's expected outcomes (program file, ``[outcomes.milestones]``):
a :class:`Milestone` row exists once someone recorded a status or evidence; until then the
milestone is "not started". Evidence is a typed link to an existing object of the team (an
update, an aim, a measure's dashboard, a document attached to an update). Self-assessment answers
are one :class:`Response` per person, team and round, with one :class:`Answer` per item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pursuing_equity.measures.models import Aim, Measure
from pursuing_equity.programs.models import Cycle
from pursuing_equity.reporting.models import Attachment, Update
from pursuing_equity.teams.models import Team


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"


class Milestone(models.Model):
    """One team's progress on one expected outcome of its cohort."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="milestones")
    key = models.SlugField(max_length=60, help_text="The milestone's key in the program file.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    status_on = models.DateField(null=True, blank=True, help_text="When the status was reached.")
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "key"]
        constraints = [
            models.UniqueConstraint(fields=["team", "key"], name="milestone_once_per_team"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="milestone_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="not_started") | Q(status_on__isnull=False),
                name="milestone_status_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.key}"


class Evidence(models.Model):
    """A typed link from a milestone to one object of the same team."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Update"
        AIM = "aim", "Aim"
        MEASURE = "measure", "Measure dashboard"
        DOCUMENT = "document", "Document"

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    update = models.ForeignKey(
        Update, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    aim = models.ForeignKey(Aim, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["milestone", "added_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="update",
                        update__isnull=False,
                        aim__isnull=True,
                        measure__isnull=True,
                        document__isnull=True,
                    )
                    | Q(
                        kind="aim",
                        update__isnull=True,
                        aim__isnull=False,
                        measure__isnull=True,
                        document__isnull=True,
                    )
                    | Q(
                        kind="measure",
                        update__isnull=True,
                        aim__isnull=True,
                        measure__isnull=False,
                        document__isnull=True,
                    )
                    | Q(
                        kind="document",
                        update__isnull=True,
                        aim__isnull=True,
                        measure__isnull=True,
                        document__isnull=False,
                    )
                ),
                name="evidence_links_one_object_of_its_kind",
            ),
            *(
                models.UniqueConstraint(
                    fields=["milestone", field], name=f"evidence_{field}_once_per_milestone"
                )
                for field in ("update", "aim", "measure", "document")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} ← {self.kind}"

    @property
    def target(self):
        return getattr(self, self.kind)


class RoundDates(models.Model):
    """A self-assessment round's window as staff set it (else derived from the cycle)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=50)
    opens_on = models.DateField()
    closes_on = models.DateField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "round dates"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "key"], name="round_dates_once"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="round_closes_after_it_opens"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.key}"


class Response(models.Model):
    """One person's self-assessment for their team in one round."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="self_assessments")
    round_key = models.SlugField(max_length=50)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "round_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "round_key", "person"], name="self_assessment_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.round_key} · {self.person_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item_key = models.SlugField(max_length=60)
    value = models.SmallIntegerField()

    class Meta:
        ordering = ["response", "item_key"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item_key"], name="answer_once_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_key}={self.value}"


# --- community partnership and lived experience -------------------------------------------------


class Partner(models.Model):
    """A community partner of a team: an organization, or a person with lived experience.

    A person is named only with their consent (``consent_on``), and then only to the team and
    program staff; without it every page and export counts them under ``label`` without a name.
    ``user`` links the record to the person's own account, so their home shows what was recorded
    for them.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person with lived experience"
        ORGANIZATION = "organization", "Community organization"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="How they work with the team.")
    consent_on = models.DateField(
        null=True, blank=True, help_text="When the person agreed to be named to the team and staff."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_records",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["person", "organization"]), name="partner_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="partner_has_a_name"),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(user__isnull=False),
                name="partner_account_once_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.label}"

    @property
    def named(self) -> bool:
        return self.kind == self.Kind.ORGANIZATION or self.consent_on is not None

    @property
    def label(self) -> str:
        """What every page and export shows: the name only with consent."""
        if self.named:
            return self.name
        return f"Person with lived experience no. {self.pk} (not named: no consent)"


class Engagement(models.Model):
    """One piece of work a partner did with the team."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="engagements")
    on = models.DateField()
    activity = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner", "-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="engagement_hours_in_a_day"
            ),
            models.CheckConstraint(condition=~Q(activity=""), name="engagement_has_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.on} · {self.activity}"


class Payment(models.Model):
    """One compensation payment to a partner, in US dollars."""

    class Method(models.TextChoices):
        CHECK = "check", "Check"
        TRANSFER = "transfer", "Bank transfer / direct deposit"
        GIFT_CARD = "gift_card", "Gift card"
        CASH = "cash", "Cash"
        OTHER = "other", "Other"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    method = models.CharField(max_length=20, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner", "-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(currency="USD"), name="payment_in_usd"),
            models.CheckConstraint(
                condition=Q(method__in=["check", "transfer", "gift_card", "cash", "other"]),
                name="payment_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.paid_on} · {self.amount} {self.currency}"


# --- case studies -------------------------------------------------------------------------------


class CaseStudy(models.Model):
    """A team's story of its work, built from what the platform holds, approved by the senior
    leader then program staff, and published on the public gallery. ``state`` moves only by the
    transitions of :mod:`pursuing_equity.outcomes.case_studies`. Text is Markdown (sanitised when
    shown); ``charts`` are stored from the team's latest submitted update (the shared, suppressed
    view): ``{"title", "svg", "note", "columns", "rows", "changes"}``."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        LEADER_REVIEW = "leader_review", "With the senior leader"
        STAFF_REVIEW = "staff_review", "With program staff"
        PUBLISHED = "published", "Published"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="case_studies")
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    aim = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    changes = models.TextField("changes tested", blank=True)
    learning = models.TextField(blank=True)
    quotes = models.TextField(blank=True)
    charts = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    leader_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-updated_at", "-id"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "leader_review", "staff_review", "published"]),
                name="case_study_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="case_study_published_dated",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="case_study_has_a_title"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.title}"

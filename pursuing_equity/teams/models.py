"""Teams taking part in a cycle, their members, and the Learning Network's small cohorts.

A team is created when an application is accepted (applications app). Team membership is what the
permission rules use to decide what a person may see of a team; the person's program-wide role
(accounts.RoleAssignment) decides which home page and navigation they get, and team services keep
the two in step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from pursuing_equity.accounts.models import Organization
from pursuing_equity.programs.models import Cohort, Cycle


class SmallCohort(models.Model):
    """A group of 4–5 Learning Network teams that meets for group coaching, with its coach."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="small_cohorts")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="small_cohorts")
    name = models.CharField(max_length=100)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_small_cohorts",
    )
    in_use = models.BooleanField(
        default=True,
        help_text=(
            "False: the builder needed fewer small cohorts, but this one is kept, without teams, "
            "because it has a history (events on the calendar, attendance)."
        ),
    )

    class Meta:
        ordering = ["cycle", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="small_cohort_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """An organization's team in one cohort of one cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="teams")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="teams")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in URLs: /teams/<slug>/.")
    small_cohort = models.ForeignKey(
        SmallCohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_teams",
        help_text="The faculty member who coaches this team one to one (Action Community).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "cohort", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organization"], name="one_team_per_organization_per_cycle"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A person on a team, with their part in it and the lenses they bring."""

    class Part(models.TextChoices):
        MEMBER = "member", "Team member"
        SENIOR_LEADER = "senior_leader", "Senior leader"
        ALTERNATE_LEADER = "alternate_leader", "Alternate senior leader"
        COMMUNITY_PARTNER = "community_partner", "Community partner"

    class Lens(models.TextChoices):
        DATA = "data", "Data"
        QI = "quality_improvement", "Quality improvement"
        EQUITY = "equity", "Equity"
        PATIENT_FACING = "patient_facing", "Patient-facing care"
        EXECUTIVE = "executive", "Executive leadership"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    part = models.CharField(max_length=30, choices=Part.choices, default=Part.MEMBER)
    lenses = models.JSONField(default=list, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "part", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_once"),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(part="senior_leader"),
                name="one_senior_leader_per_team",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(part="alternate_leader"),
                name="one_alternate_leader_per_team",
            ),
            models.CheckConstraint(
                condition=Q(
                    part__in=["member", "senior_leader", "alternate_leader", "community_partner"]
                ),
                name="team_member_part_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_part_display()}, {self.team})"


# --- the cohort builder ------------------------------------------------------------------------


class CohortRun(models.Model):
    """One run of the cohort builder: the preferences staff set, and what the solver found.

    ``preferences`` maps a factor key to ``{"weight": 0–5, "alike": bool}``; ``result`` holds the
    solver's totals (score, bound, gap, method, optimal, seconds) once the run is done.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the solver"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="cohort_runs")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="cohort_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preferences = models.JSONField()
    cohort_count = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "done", "failed"]), name="cohort_run_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(cohort_count__gt=0), name="cohort_run_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Cohort run {self.pk} ({self.get_status_display()})"


class CohortPin(models.Model):
    """Staff keep this team in this small cohort whenever the builder runs again."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="cohort_pin")
    small_cohort = models.ForeignKey(SmallCohort, on_delete=models.CASCADE, related_name="pins")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.team} pinned to {self.small_cohort}"


class KeepApart(models.Model):
    """Staff keep these two teams in different small cohorts (stored with the lower id first)."""

    team_a = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    team_b = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team_a__name", "team_b__name"]
        constraints = [
            models.UniqueConstraint(fields=["team_a", "team_b"], name="keep_apart_once"),
            models.CheckConstraint(
                condition=Q(team_a__lt=models.F("team_b")), name="keep_apart_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_a} apart from {self.team_b}"


# --- racial justice affinity groups ------------------------------------------------------------


class AffinityGroup(models.Model):
    """One of the program file's racial justice affinity groups (``affinity_groups.groups``)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="affinity_groups")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_affinity_groups"
    )

    class Meta:
        ordering = ["cycle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "key"], name="affinity_group_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AffinityMembership(models.Model):
    """A person's private choice of affinity group in a cycle; no group = chose not to say."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affinity_memberships"
    )
    group = models.ForeignKey(
        AffinityGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="affinity_choice_once"),
        ]

    def __str__(self) -> str:
        return f"Affinity choice {self.pk}"

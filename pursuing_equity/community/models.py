"""Discussion spaces, announcements, notifications, the directory and moderation reports.

A :class:`Space` is one of the program's groups (the whole network, a cohort, a small cohort, an
affinity group, the leadership workgroup); who may read it is :mod:`.rules`' answer, from
``teams.membership`` and the events app's affinity questions, never stored here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from pursuing_equity.accounts.models import Role
from pursuing_equity.measures.models import FocusArea
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.teams.models import AffinityGroup, SmallCohort

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
User = settings.AUTH_USER_MODEL


class Space(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", "Whole network"
        COHORT = "cohort", "Cohort"
        SMALL_COHORT = "small_cohort", "Small cohort"
        AFFINITY = "affinity", "Affinity group"
        WORKGROUP = "workgroup", "Leadership workgroup"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="spaces")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.CASCADE)
    small_cohort = models.ForeignKey(
        SmallCohort, null=True, blank=True, on_delete=models.CASCADE, related_name="spaces"
    )
    affinity_group = models.ForeignKey(
        AffinityGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="spaces"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "position", "name"]
        constraints = [
            models.CheckConstraint(
                name="space_kind_matches_its_group",
                condition=(
                    Q(kind="cohort", cohort__isnull=False)
                    | Q(kind="small_cohort", small_cohort__isnull=False)
                    | Q(kind="affinity", affinity_group__isnull=False)
                    | Q(kind__in=["network", "workgroup"])
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_post_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """The thread's opening post or a reply; ``body`` is Markdown, rendered sanitised."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"


class PostAttachment(models.Model):
    """A file attached to a post, its kind checked from its content like update attachments."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="community/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0, size__lte=MAX_ATTACHMENT_BYTES),
                name="post_attachment_size_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class Report(models.Model):
    """Someone asked program staff to look at a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_person"),
        ]

    def __str__(self) -> str:
        return f"Report on post {self.post_id}"


class Announcement(models.Model):
    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        COHORT = "cohort", "A cohort"
        ROLE = "role", "A role"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.CASCADE)
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="announcement_audience_is_complete",
                condition=(
                    Q(audience="everyone", cohort__isnull=True, role="")
                    | Q(audience="cohort", cohort__isnull=False, role="")
                    | (Q(audience="role", cohort__isnull=True) & ~Q(role=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Kind(models.TextChoices):
    """What a notification is about; each person chooses how each kind reaches them."""

    MENTION = "mention", "Someone mentions you"
    REPLY = "reply", "Replies in threads you take part in"
    ATTENDANCE = "attendance", "Falling attendance of a team you coach"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately by email"
    DIGEST = "digest", "In a daily digest email"
    OFF = "off", "Off"


class Notification(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    #: Non-empty for notifications that must be sent once (falling attendance per episode).
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class DirectoryEntry(models.Model):
    """What a person agrees to show other participants; nothing is shown without a yes."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="directory_entry")
    show_name = models.BooleanField("Show my name (and list me in the directory)", default=False)
    show_organization = models.BooleanField("Show my organization", default=False)
    show_role = models.BooleanField("Show my job title", default=False)
    show_pronouns = models.BooleanField("Show my pronouns", default=False)
    clinical_focus = models.CharField(
        "My clinical focus", max_length=40, choices=FocusArea.choices, blank=True
    )
    show_clinical_focus = models.BooleanField("Show my clinical focus", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="directory_shows_fields_only_when_listed",
                violation_error_message=(
                    "Choose to show your name (to be listed) before showing anything else."
                ),
                condition=Q(show_name=True)
                | Q(
                    show_organization=False,
                    show_role=False,
                    show_pronouns=False,
                    show_clinical_focus=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Directory entry of {self.user_id}"

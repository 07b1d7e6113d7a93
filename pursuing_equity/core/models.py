"""The audit log and the outbox of captured email."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One change that matters: who did what to which object, when, with before and after."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=200, help_text="Who, kept even if the account is deleted."
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def changed_keys(self) -> list[str]:
        keys = set(self.before) | set(self.after)
        return sorted(k for k in keys if self.before.get(k) != self.after.get(k))


class CapturedEmail(models.Model):
    """An email delivered to the capture backend (development, tests, demo) instead of SMTP."""

    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    subject = models.CharField(max_length=998)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class DataVersion(models.Model):
    """One row: the number :mod:`pursuing_equity.core.freshness` moves on every data write, which
    kept page fragments are keyed by."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.version)

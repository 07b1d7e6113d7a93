"""Personal access tokens for the REST API, and the log of every request made with one.

A token's secret is shown once, when it is created; only its SHA-256 digest is stored
(``secrets.token_urlsafe(32)`` carries 256 bits, so a plain hash, not a slow password hash,
is enough: nobody can guess a preimage). The log keeps the token's id, never its secret.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Scope(models.TextChoices):
    READ = "read", "Read what you may see on the site"
    SUBMIT_DATA = "submit-data", "Submit measure data and monthly updates"


class AccessToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, in your words.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret, hex.")
    prefix = models.CharField(
        max_length=12, help_text="The secret's first characters, to tell tokens apart."
    )
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="access_token_name_unique_while_active",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("created_at")),
                name="access_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiRequest(models.Model):
    """One request made with a token: which token, which endpoint, the answer's status."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    token = models.ForeignKey(
        AccessToken, null=True, on_delete=models.SET_NULL, related_name="requests"
    )
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=200, help_text="The route, e.g. teams/{slug}/measures.")
    status = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.method} {self.endpoint} {self.status}"

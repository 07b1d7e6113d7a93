"""Creating and revoking personal access tokens, and logging the requests made with them."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pursuing_equity.api.models import AccessToken, ApiRequest, Scope
from pursuing_equity.core.services import audit_record

#: Every secret starts with this, so that a leaked one is recognisable (and scannable).
SECRET_PREFIX = "pe_"  # noqa: S105 - a prefix, not a secret


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor, name: str, scopes: list[str], expires_in_days: int | None = None
) -> tuple[AccessToken, str]:
    """A new token of ``actor``; returns it with its secret, which is never stored or shown again."""
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Name the token (what it is for)."
    elif AccessToken.objects.filter(user=actor, name=name, revoked_at__isnull=True).exists():
        errors["name"] = f"You already have a token named “{name}”; choose another name."
    unknown = [s for s in scopes if s not in Scope.values]
    if not scopes:
        errors["scopes"] = "Choose at least one scope."
    elif unknown:
        errors["scopes"] = f"Unknown scope “{unknown[0]}”."
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        errors["expires_in_days"] = "A token lasts between 1 and 366 days (or leave it empty)."
    if errors:
        raise ValidationError(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = AccessToken(
        user=actor,
        name=name,
        digest=digest_of(secret),
        prefix=secret[:10],
        scopes=sorted(set(scopes)),
        expires_at=now + datetime.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    token.full_clean(exclude=["created_at"])
    token.save()
    audit_record(
        actor=actor,
        action="api.token_create",
        obj=token,
        after={"name": token.name, "scopes": token.scopes, "expires_at": str(token.expires_at)},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: AccessToken) -> AccessToken:
    """Revoke one of ``actor``'s tokens: refused (401) from the next request on."""
    token = AccessToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise ValidationError("You may revoke only your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api.token_revoke", obj=token, after={"name": token.name})
    return token


def request_log(*, token_id: int, method: str, endpoint: str, status: int) -> ApiRequest:
    """Record one request made with a token (never the secret), and when the token was last used."""
    with transaction.atomic():
        entry = ApiRequest.objects.create(
            token_id=token_id, method=method[:10], endpoint=endpoint[:200], status=status
        )
        AccessToken.objects.filter(pk=token_id).update(last_used_at=entry.at)
    return entry

"""Bearer tokens for the API: look the token up by its digest, check it, count it, name its scope.

A missing, unknown, revoked or expired token is refused with 401; a token without the endpoint's
scope with 403; a token over its rate with 429 (``Retry-After`` says when to try again). The
person the token belongs to becomes ``request.user``, so every endpoint asks the same rule
functions as the pages; a session cookie is never enough (the API takes no CSRF token).
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from pursuing_equity.api.models import AccessToken, Scope
from pursuing_equity.api.services import digest_of


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many requests; try again in {retry_after} s.")
        self.retry_after = retry_after


_RATE = re.compile(r"^(\d+)/(s|m|h)$")
_SECONDS = {"s": 1, "m": 60, "h": 3600}


def rate_limit() -> tuple[int, int]:
    """(requests, seconds) from ``PE_API_RATE_LIMIT`` ("120/m")."""
    match = _RATE.match(settings.PE_API_RATE_LIMIT)
    if match is None:
        raise ValueError(
            f"PE_API_RATE_LIMIT must read like 120/m, not {settings.PE_API_RATE_LIMIT!r}"
        )
    return int(match[1]), _SECONDS[match[2]]


def _count(token_id: int) -> None:
    """A fixed window per token in the cache (shared by every worker when the cache is)."""
    limit, seconds = rate_limit()
    window = int(time.time()) // seconds
    key = f"pe-api-rate:{token_id}:{window}"
    if cache.add(key, 1, timeout=seconds + 1):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=seconds + 1)
            used = 1
    if used > limit:
        raise RateLimited(seconds - int(time.time()) % seconds or 1)


class TokenAuth(HttpBearer):
    """Admit a request whose bearer token is active and holds ``scope``."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        found = AccessToken.objects.select_related("user").filter(digest=digest_of(token)).first()
        if found is None:
            return None
        request.api_token_id = found.pk  # logged, whatever the answer
        if not found.is_active(timezone.now()) or not found.user.is_active:
            return None
        _count(found.pk)
        if self.scope not in found.scopes:
            raise HttpError(403, f"This token lacks the “{self.scope}” scope.")
        request.user = found.user
        return found


read_token = TokenAuth(Scope.READ.value)
submit_token = TokenAuth(Scope.SUBMIT_DATA.value)

"""Facts read once per request: what several parts of one page ask for (the current cycle is
asked by the home and most of its panels), kept only for the request that read them.

:class:`RequestCacheMiddleware` opens a fresh store for each request and drops it after; outside a
request (commands, tasks, tests calling selectors) :func:`once` simply computes, so nothing read
there can go stale.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar

_STORE: ContextVar[dict[Hashable, object] | None] = ContextVar("pe_request_cache", default=None)


def once[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, computed at most once per request for ``key``."""
    store = _STORE.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]  # type: ignore[return-value]


class RequestCacheMiddleware:
    """Gives each request its own, empty store for :func:`once`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _STORE.set({})
        try:
            return self.get_response(request)
        finally:
            _STORE.reset(token)

from django.http import HttpResponse
from django.test import RequestFactory

from pursuing_equity.core.request_cache import RequestCacheMiddleware, once


def test_outside_a_request_every_call_computes():
    calls = []
    once("k", lambda: calls.append(1))
    once("k", lambda: calls.append(1))
    assert len(calls) == 2


def test_within_a_request_a_key_is_computed_once_and_forgotten_after():
    calls = []

    def view(request):
        first = once("k", lambda: calls.append(1) or len(calls))
        second = once("k", lambda: calls.append(1) or len(calls))
        other = once("other", lambda: "other")
        return HttpResponse(f"{first} {second} {other}")

    middleware = RequestCacheMiddleware(view)
    assert middleware(RequestFactory().get("/")).content == b"1 1 other"
    assert middleware(RequestFactory().get("/")).content == b"2 2 other"
    assert len(calls) == 2

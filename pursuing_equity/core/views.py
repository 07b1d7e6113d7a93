"""Friendly error pages: no traceback ever reaches a person."""

from django.http import HttpResponseServerError
from django.shortcuts import render

FALLBACK_500 = (
    "<!doctype html><html lang=en><title>Something went wrong</title>"
    "<main><h1>Something went wrong on our side</h1>"
    "<p>Please try again in a few minutes. Nothing you entered was half-saved.</p></main></html>"
)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # The failure may be the database itself, so fall back to a page that needs nothing.
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:
        return HttpResponseServerError(FALLBACK_500)


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)

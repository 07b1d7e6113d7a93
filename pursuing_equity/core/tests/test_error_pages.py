"""No traceback ever reaches a person: each error has a friendly page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import path

from pursuing_equity.core import views
from pursuing_equity.urls import urlpatterns as site_urls


def boom(request):
    raise RuntimeError("deliberate failure")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), *site_urls]
handler500 = "pursuing_equity.core.views.server_error"
handler403 = "pursuing_equity.core.views.permission_denied"
handler404 = "pursuing_equity.core.views.page_not_found"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_a_crash_shows_the_friendly_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "deliberate failure" not in response.text


def test_forbidden_shows_the_friendly_403_page(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text


def test_unknown_address_shows_the_friendly_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_500_page_falls_back_when_even_rendering_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(views, "render", broken)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_csrf_failure_explains_the_expired_form(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.text


def test_bad_request_page(rf):
    response = views.bad_request(rf.get("/"))
    assert response.status_code == 400
    assert b"could not be understood" in response.content

"""Personal access tokens: made and revoked by their person on a page linked from the account
page, shown once, stored hashed, scoped, refused once revoked or expired, rate-limited, logged."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.api.models import AccessToken, ApiRequest
from pursuing_equity.api.services import token_create, token_revoke
from pursuing_equity.api.tests.world import build, headers_of
from pursuing_equity.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _fresh_rate_windows():
    cache.clear()


def _secret_on(page: str) -> str:
    return re.search(r'value="(pe_[^"]+)"', page)[1]


@pytest.mark.django_db
def test_a_person_creates_a_token_from_the_account_page_and_sees_it_once():
    me = person(Role.FUNDER)
    client = Client()
    client.force_login(me)
    account = client.get("/people/me/").content.decode()
    assert 'href="/people/me/tokens/"' in account
    page = client.post(
        "/people/me/tokens/",
        {"action": "create", "name": "EHR export", "scopes": ["read"], "expires_in_days": "30"},
    )
    assert page.status_code == 200
    secret = _secret_on(page.content.decode())
    token = AccessToken.objects.get(user=me)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(AccessToken.objects.values())) and token.prefix in secret
    assert secret not in client.get("/people/me/tokens/").content.decode()
    assert secret not in str(list(AuditEntry.objects.values()))
    assert (
        client.get("/api/programs", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )


@pytest.mark.django_db
def test_the_page_names_what_is_wrong_and_a_person_revokes_only_their_own():
    me, other = person(Role.FUNDER), person(Role.FUNDER)
    theirs, _ = token_create(actor=other, name="Theirs", scopes=["read"])
    client = Client()
    client.force_login(me)
    page = client.post("/people/me/tokens/", {"action": "create", "name": "", "scopes": []})
    assert page.status_code == 400 and "This field is required" in page.content.decode()
    page = client.post(
        "/people/me/tokens/",
        {"action": "create", "name": "x", "scopes": ["read"], "expires_in_days": "9999"},
    )
    assert page.status_code == 400 and "366" in page.content.decode()
    client.post("/people/me/tokens/", {"action": "revoke", "token": str(theirs.pk)})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    with pytest.raises(ValidationError):
        token_revoke(actor=me, token=theirs)
    with pytest.raises(ValidationError, match="already have"):
        token_create(actor=other, name="Theirs", scopes=["read"])
    with pytest.raises(ValidationError, match="Unknown scope"):
        token_create(actor=me, name="Admin", scopes=["admin"])


@pytest.mark.django_db
def test_a_revoked_token_is_refused_with_401_from_the_next_request():
    me = person(Role.FUNDER)
    token, secret = token_create(actor=me, name="Script", scopes=["read"])
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    assert client.get("/api/programs", headers=headers).status_code == 200
    client.force_login(me)
    page = client.post(
        "/people/me/tokens/", {"action": "revoke", "token": str(token.pk)}, follow=True
    )
    assert "revoked" in page.content.decode()
    assert client.get("/api/programs", headers=headers).status_code == 401
    assert AuditEntry.objects.filter(action="api.token_revoke", object_id=str(token.pk)).exists()


@pytest.mark.django_db
def test_an_expired_token_and_one_of_a_deactivated_person_are_refused():
    me = person(Role.FUNDER)
    token, secret = token_create(actor=me, name="Script", scopes=["read"], expires_in_days=1)
    headers = {"Authorization": f"Bearer {secret}"}
    now = timezone.now()
    AccessToken.objects.filter(pk=token.pk).update(
        created_at=now - datetime.timedelta(days=1), expires_at=now - datetime.timedelta(seconds=1)
    )
    assert Client().get("/api/programs", headers=headers).status_code == 401
    _, secret = token_create(actor=me, name="Other", scopes=["read"])
    me.is_active = False
    me.save()
    assert (
        Client().get("/api/programs", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )


@pytest.mark.django_db
def test_scopes_read_and_submit_data_are_separate():
    w = build()
    member = w.people["member"]
    url = f"/api/teams/{w.team.slug}/measures/{w.measure.slug}/data"
    body = {
        "rows": [
            {
                "period": f"{w.period:%Y-%m}",
                "stratifier": "race_ethnicity",
                "group": "white",
                "numerator": 1,
                "denominator": 2,
            }
        ]
    }
    client = Client()
    read_only = headers_of(member, "read")
    assert client.get(url, headers=read_only).status_code == 200
    refused = client.post(url, body, content_type="application/json", headers=read_only)
    assert refused.status_code == 403 and "submit-data" in refused.json()["detail"]
    submit_only = headers_of(member, "submit-data")
    assert client.get(url, headers=submit_only).status_code == 403
    assert (
        client.post(url, body, content_type="application/json", headers=submit_only).status_code
        == 201
    )


@pytest.mark.django_db
def test_each_token_is_rate_limited_on_its_own(settings):
    settings.PE_API_RATE_LIMIT = "3/m"
    me = person(Role.FUNDER)
    first, second = headers_of(me, "read"), headers_of(me, "read")
    client = Client()
    assert [client.get("/api/programs", headers=first).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/programs", headers=first)
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert client.get("/api/programs", headers=second).status_code == 200


@pytest.mark.django_db
def test_every_request_with_a_token_is_logged_without_the_token():
    me = person(Role.FUNDER)
    token, secret = token_create(actor=me, name="Script", scopes=["read"])
    client = Client()
    headers = {"Authorization": f"Bearer {secret}"}
    client.get("/api/programs", headers=headers)
    client.get("/api/teams/nobody", headers=headers)
    token_revoke(actor=me, token=token)
    client.get("/api/teams", headers=headers)
    logged = list(
        ApiRequest.objects.order_by("pk").values_list("token_id", "method", "endpoint", "status")
    )
    assert logged == [
        (token.pk, "GET", "api/programs", 200),
        (token.pk, "GET", "api/teams/<slug>", 404),
        (token.pk, "GET", "api/teams", 401),
    ]
    assert secret not in str(list(ApiRequest.objects.values()))
    token.refresh_from_db()
    assert token.last_used_at is not None

"""Schemathesis against the API's OpenAPI document, through the WSGI app: generated requests
(valid and invalid) to every operation, with a token holding both scopes, never meet a server
error. Bounded (a few examples per operation) so the whole run takes well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from pursuing_equity.api.api import api
from pursuing_equity.api.tests.world import build, headers_of
from pursuing_equity.wsgi import application

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


@pytest.fixture
def token_headers(db):
    """A member's token; the WSGI handler kept from closing the test's connection at the end of
    each request (as Django's test client does), which PostgreSQL's test transaction needs."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    w = build()
    yield headers_of(w.people["member"])
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_meets_a_server_error(case, token_headers):
    response = case.call(headers=token_headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])

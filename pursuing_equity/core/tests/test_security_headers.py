"""Every page carries the Content Security Policy: no inline script or style can run."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_forbid_inline_scripts_and_styles(client):
    response = client.get("/accounts/login/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self' 'unsafe-eval'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "<script>" not in response.text and "<style" not in response.text

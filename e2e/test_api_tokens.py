"""Journey: a team member goes from their account page to API tokens, creates a token (shown
once), reads the API's docs (served under the site's CSP, no CDN), then revokes the token.
Axe on the site's pages; the CSP check of every journey covers the docs page too."""

from __future__ import annotations

import pytest
from journeys import sign_in
from playwright.sync_api import Page, expect

from pursuing_equity.api.models import AccessToken
from pursuing_equity.reporting.tests import factories as rf

pytestmark = pytest.mark.browser


def test_team_member_creates_reads_the_docs_and_revokes_a_token(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    team = rf.team("action_community", name="Juniper Valley Health")
    user = rf.member(team, email="data.lead@juniper.example.org")
    sign_in(page, user.email)

    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    assert_accessible(page)
    page.get_by_label("Name").fill("Monthly EHR export")
    page.get_by_role("checkbox", name="Submit measure data and monthly updates").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_role("textbox", name="Your new token").input_value()
    assert secret.startswith("pe_")
    expect(page.get_by_role("row", name="Monthly EHR export")).to_contain_text("read, submit-data")
    assert_accessible(page)

    page.get_by_role("link", name="REST API").click()
    expect(page.get_by_text("Pursuing Equity API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/programs").first).to_be_visible()
    page.go_back()

    page.reload()  # the secret is not shown again
    expect(page.get_by_role("textbox", name="Your new token")).to_have_count(0)
    page.get_by_role("button", name="Revoke Monthly EHR export").click()
    expect(page.get_by_role("row", name="Monthly EHR export")).to_contain_text("revoked")
    assert_accessible(page)
    assert AccessToken.objects.get(user=user).revoked_at is not None

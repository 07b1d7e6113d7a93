"""Journey: a team member whose measure is fed by an EHR extract with ages reads its age-adjusted
rates by race and ethnicity, switches the section to crude rates and back, and opens the table
alternative; another Action Community team reads the same section suppressed. Axe runs on each.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from journeys import open_from_nav, sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.measures.tests.dashboard_data import make_world
from pursuing_equity.measures.tests.test_adjusted_dashboard import extract_fed

pytestmark = pytest.mark.browser

ADJUSTED = "Rates by race and ethnicity: Age-adjusted (2000 U.S. standard)"


def test_team_member_reads_age_adjusted_rates_and_a_peer_sees_them_suppressed(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    cache.clear()
    world = make_world(months=3, totp=False)
    measure = extract_fed(world.ac_team, world.people["team_member"])

    sign_in(page, world.people["team_member"].email)
    open_from_nav(page, "Measures")
    page.get_by_role("link", name=f"Dashboard of {measure.name}").click()
    expect(page.get_by_role("heading", name=ADJUSTED)).to_be_visible()
    expect(page.locator("#adjusted-chart svg").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Crude rates").click()
    expect(page.get_by_role("heading", name="Rates by race and ethnicity: Crude")).to_be_visible()
    expect(page.locator("#adjusted-chart svg").first).to_be_visible()
    page.get_by_text("Show the age-adjusted and crude rates as a table").click()
    table = page.get_by_role("table", name=re.compile("Crude and age-adjusted"))
    expect(table.get_by_role("rowheader").first).to_have_text("White")
    assert_accessible(page)
    page.get_by_role("link", name="Age-adjusted (2000 U.S. standard)").click()
    expect(page.get_by_role("heading", name=ADJUSTED)).to_be_visible()
    sign_out(page)

    sign_in(page, world.people["ac_peer"].email)
    open_from_nav(page, "Shared measures")
    page.get_by_role("link", name=re.compile(re.escape(measure.name))).first.click()
    expect(page.get_by_role("heading", name=ADJUSTED)).to_be_visible()
    expect(page.get_by_text("Outside the team an age-adjusted rate is shown only")).to_be_visible()
    assert_accessible(page)

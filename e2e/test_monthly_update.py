"""Journey: a team member logs a PDSA cycle, writes and submits the monthly update with it; the
senior leader reads it at home and writes a reflection; another Action Community team reads
both. Axe runs on every page reached.
"""

from __future__ import annotations

import re

import pytest
from journeys import open_from_nav, sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.reporting.tests import factories
from pursuing_equity.reporting.tests.conftest import Network

pytestmark = pytest.mark.browser


def test_member_submits_update_leader_reflects_other_team_reads(
    page: Page, assert_accessible, settings, tmp_path
):
    settings.PE_REQUIRE_MFA = False
    settings.MEDIA_ROOT = tmp_path
    network = Network()
    team = network.ac
    period = factories.started_period(team, 1)
    measure = factories.measure(team, name="Blood pressure control")
    factories.counts(measure, period, {"black": (48, 100), "white": (66, 120), "asian": (40, 60)})

    # A team member logs a PDSA cycle from the Updates page.
    sign_in(page, network.member.email)
    open_from_nav(page, "Updates")
    expect(page.get_by_role("heading", level=1)).to_have_text("Updates")
    assert_accessible(page)
    page.get_by_role("link", name=f"All of {team.name}’s updates and PDSA cycles").click()
    assert_accessible(page)
    page.get_by_role("link", name="Log a PDSA cycle").click()
    page.get_by_label("Change idea").fill("Text reminders in Spanish")
    page.get_by_label("Measure it should move").select_option(label="Blood pressure control")
    page.get_by_label("Started on").fill(f"{period:%Y-%m}-05")
    page.get_by_label("Prediction").fill("More follow-up visits within 30 days.")
    page.get_by_label("Decision (act)").select_option("adapt")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Text reminders in Spanish")
    assert_accessible(page)

    # ... writes the update, links the cycle, and submits it.
    page.get_by_role("link", name=f"{team.name}’s updates and PDSA cycles").click()
    page.get_by_role("link", name=f"Write {period:%B %Y}", exact=True).click()
    page.get_by_label("Progress").fill("We started texting patients in Spanish.")
    page.get_by_label("Challenges").fill("Some phone numbers were out of date.")
    page.get_by_label("Learning").fill("Patients answer texts from their own clinic.")
    page.get_by_label("Text reminders in Spanish").check()
    assert_accessible(page)
    page.get_by_role("button", name="Submit the monthly update").click()
    expect(page.get_by_text("Submitted. Your senior leader has been emailed")).to_be_visible()
    expect(page.locator(".vega-chart svg").first).to_be_visible()
    # the measure dashboard's charts as of today, each with its table
    expect(
        page.get_by_role("table", name="Table: Blood pressure control: everyone")
    ).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The senior leader finds it at home and writes a reflection.
    sign_in(page, network.leader.email)
    expect(page.get_by_role("heading", name="Updates waiting for your reflection")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Reflect on {team.name}’s {period:%B %Y} update").click()
    expect(page.get_by_text("We started texting patients in Spanish.")).to_be_visible()
    page.get_by_label("Your reflection").fill("Proud of this start; I will fix the phone lists.")
    page.get_by_role("button", name="Send my reflection").click()
    expect(page.get_by_text("Proud of this start")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Another Action Community team reads the update, its PDSA cycle and the reflection.
    sign_in(page, network.other_member.email)
    open_from_nav(page, "Updates")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"{team.name} — Monthly update")).click()
    expect(page.get_by_text("We started texting patients in Spanish.")).to_be_visible()
    expect(page.get_by_role("link", name="Text reminders in Spanish")).to_be_visible()
    expect(page.get_by_text("Proud of this start")).to_be_visible()
    expect(page.get_by_role("button", name="Send my reflection")).to_have_count(0)
    assert_accessible(page)

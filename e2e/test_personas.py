"""Journeys: each persona signs in, then only clicks, from its home to its work (at most three
clicks) and does one real task there. Axe runs on every page passed; the senior leader's and the
community partner's journeys run at a 390 px phone width.
"""

from __future__ import annotations

import re

import pytest
from journeys import sign_in
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.measures.tests.factories import measure as define_measure
from pursuing_equity.reporting.tests import factories
from pursuing_equity.reporting.tests.conftest import Network

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def network(settings, tmp_path):
    settings.PE_REQUIRE_MFA = False
    settings.MEDIA_ROOT = tmp_path / "media"
    return Network()


def nav(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


def test_team_member_goes_from_home_to_their_team_and_uploads_a_measures_data(
    page: Page, assert_accessible, network, tmp_path
):
    team = network.ac
    define_measure(team, actor=network.member)
    sign_in(page, network.member.email)
    expect(page.get_by_role("heading", name="My team")).to_be_visible()
    assert_accessible(page)

    nav(page, "My team")
    expect(page.get_by_role("heading", level=1)).to_contain_text(team.name)
    assert_accessible(page)
    nav(page, "My home")

    page.get_by_role("link", name="Blood pressure control", exact=True).click()  # 1
    expect(page.get_by_role("heading", level=1)).to_contain_text("Blood pressure control")
    assert_accessible(page)
    page.get_by_role("link", name="Submit or review this measure’s data").click()  # 2
    expect(page.get_by_role("heading", level=1)).to_have_text("Blood pressure control: data")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Template (CSV)").click()
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(",")
        if cells[0] == lines[1].split(",")[0] and cells[1:3] == ["overall", "all"]:
            lines[i] = ",".join([*cells[:4], "50", "100"])
    counts = tmp_path / "counts.csv"
    counts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.get_by_role("link", name="Upload counts").click()  # 3
    assert_accessible(page)
    page.get_by_label("File").set_input_files(str(counts))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview: Blood pressure control")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_role("status")).to_contain_text("(version 1)")
    assert_accessible(page)


def test_senior_leader_reflects_on_an_update_from_home_on_a_phone(
    page: Page, assert_accessible, network
):
    team = network.ac
    period = factories.started_period(team, 1)
    factories.update(team, network.member, period, submit=True, progress="Texts in Spanish.")
    page.set_viewport_size(PHONE)
    sign_in(page, network.leader.email)
    expect(page.get_by_role("heading", name="Updates waiting for your reflection")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Reflect on {team.name}’s {period:%B %Y} update").click()
    expect(page.get_by_text("Texts in Spanish.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your reflection").fill("Proud of this start.")
    page.get_by_role("button", name="Send my reflection").click()
    expect(page.get_by_text("Proud of this start.")).to_be_visible()
    assert_accessible(page)
    nav(page, "My home")
    expect(page.get_by_text("None: you have replied to every update")).to_be_visible()


def test_community_partner_opens_the_team_and_drafts_the_update_due(
    page: Page, assert_accessible, network
):
    team = network.ac
    page.set_viewport_size(PHONE)
    sign_in(page, network.partner.email)
    assert_accessible(page)
    page.get_by_role("link", name=f"{team.name}: team page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(team.name)
    assert_accessible(page)
    nav(page, "My home")
    page.get_by_role("link", name=f"Write {team.name}’s").first.click()
    assert_accessible(page)
    page.get_by_label("Progress").fill("Our patient council met twice.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_label("Progress")).to_have_value("Our patient council met twice.")
    assert_accessible(page)


def test_coach_comments_on_a_submitted_update_from_home(page: Page, assert_accessible, network):
    team = network.ac
    period = factories.started_period(team, 1)
    factories.update(team, network.member, period, submit=True)
    sign_in(page, network.coach.email)
    expect(page.get_by_role("heading", name="Teams I coach")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Comment on {team.name}’s {period:%B %Y} update").click()
    assert_accessible(page)
    page.get_by_role("textbox", name="Comment").fill("Try a run chart of the texts sent.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Try a run chart of the texts sent.")).to_be_visible()
    assert_accessible(page)


def test_staff_open_an_overdue_update_from_home(page: Page, assert_accessible, network):
    sign_in(page, person(Role.PROGRAM_STAFF, totp=False).email)
    panel = page.get_by_role("region", name="Overdue updates and reflections")
    expect(panel).to_contain_text("update missing")
    assert_accessible(page)
    panel.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_funders_home_is_the_suppressed_program_report(page: Page, assert_accessible, network):
    period = factories.started_period(network.ac, 1)
    factories.update(network.ac, network.member, period, submit=True)
    funder = person(Role.FUNDER)
    sign_in(page, funder.email)
    report = page.get_by_role("region", name=re.compile("^Program report"))
    expect(report.get_by_role("table", name="Monthly updates submitted")).to_contain_text(
        "suppressed (fewer than 11)"
    )
    assert_accessible(page)
    report.get_by_role("link", name="The report on its own page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Program report")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    nav(page, "Shared measures")
    assert_accessible(page)

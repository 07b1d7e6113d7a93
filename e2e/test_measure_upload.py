"""Journey: a team member defines a measure, downloads its template, uploads it with a mistake,
sees the problem by row and column, fixes the file, previews and confirms it. Axe on every page.
"""

from __future__ import annotations

import re

import pytest
from journeys import open_from_nav, sign_in
from playwright.sync_api import Page, expect

from pursuing_equity.measures.tests.factories import TeamFactory, member

pytestmark = pytest.mark.browser


def fill(lines: list[str], stratifier: str, group: str, numerator: int, denominator: int) -> int:
    """Fill the first period's row of ``group``; return its spreadsheet row number."""
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[1:3] == [stratifier, group]:
            lines[i] = ",".join([*cells[:4], str(numerator), str(denominator)])
            return i + 1
    raise AssertionError(f"{stratifier}/{group} not in the template")


def test_team_member_defines_a_measure_and_uploads_its_data(
    page: Page, assert_accessible, settings, tmp_path
):
    settings.PE_REQUIRE_MFA = False
    settings.MEDIA_ROOT = tmp_path / "media"
    team = TeamFactory(name="Juniper Valley Health")
    user = member(team, email="data.lead@juniper.example.org")
    sign_in(page, user.email)

    open_from_nav(page, "Measures")
    expect(page.get_by_role("heading", level=1)).to_have_text("Juniper Valley Health: measures")
    assert_accessible(page)
    page.get_by_role("link", name="Define a measure").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Blood pressure control")
    page.get_by_label("Clinical focus area").select_option("hypertension_control")
    page.get_by_label("Numerator: who is counted").fill("Blood pressure below 140/90")
    page.get_by_label("Denominator: out of whom").fill("Adults with hypertension")
    page.get_by_role("checkbox", name="Race and ethnicity").check()
    page.get_by_label("Reference group for race and ethnicity").select_option("white")
    page.get_by_role("button", name="Save measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Blood pressure control: data")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Template (CSV)").click()
    lines = download_info.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "period,stratifier,group,group_name,numerator,denominator"
    fill(lines, "overall", "all", 50, 100)
    fill(lines, "race_ethnicity", "white", 30, 60)
    black_row = fill(lines, "race_ethnicity", "black", 25, 20)  # the mistake
    broken = tmp_path / "counts.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    page.get_by_role("link", name="Upload counts").click()
    assert_accessible(page)
    page.get_by_label("File").set_input_files(str(broken))
    page.get_by_role("button", name="Check the file").click()
    problems = page.get_by_role("table", name=re.compile("Problems"))
    expect(problems).to_contain_text("the numerator 25 is greater than the denominator 20")
    expect(problems.get_by_role("row").nth(1)).to_contain_text(f"{black_row}E (numerator)")
    expect(page.get_by_role("heading", name=re.compile("nothing was saved"))).to_be_visible()
    assert_accessible(page)

    fill(lines, "race_ethnicity", "black", 20, 40)
    fixed = tmp_path / "counts-fixed.csv"
    fixed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.get_by_label("File").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview: Blood pressure control")
    expect(page.get_by_role("main")).to_contain_text("new period")
    expect(page.get_by_role("main")).to_contain_text("50.0%")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and save").click()

    expect(page.get_by_role("status")).to_contain_text("(version 1)")
    expect(page.get_by_role("table", name=re.compile("Versions of each period"))).to_contain_text(
        "Version 1"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Version 1").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    assert_accessible(page)

    # The grid shows the period just confirmed, ready to correct.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Blood pressure control: data"
    ).click()
    page.get_by_role("link", name="Open the grid").click()
    page.get_by_label("Period").fill(lines[1].split(",")[0])
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_label("Numerator, Overall: everyone")).to_have_value("50")
    assert_accessible(page)

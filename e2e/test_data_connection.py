"""Journey: program staff connect a team's measure to the health system's PostgreSQL, pull it, and
the team reads the pulled data.

Staff go from the list of teams to the team's page, open "Data connections", choose the measure,
type the database URL (with a password), the table and the column mapping, save (the URL is not
shown again), and press "Pull now". The team member then opens the measure's dashboard from their
home and its data page, which says the data come from a connection. Axe runs on every page.
"""

from __future__ import annotations

import pytest
from journeys import sign_in
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.measures.tests.factories import TeamFactory, measure, member
from pursuing_equity.measures.tests.test_data_connections import (  # noqa: F401 - fixtures
    PASSWORD,
    extract,
    warehouse,
)

pytestmark = pytest.mark.browser


def test_staff_connect_and_pull_a_measure_and_the_team_reads_it(
    page: Page,
    live_server,
    assert_accessible,
    settings,
    warehouse,  # noqa: F811
):
    settings.PE_REQUIRE_MFA = False
    team = TeamFactory(name="Juniper Valley Health")
    owner = member(team, full_name="Tess Member")
    bp = measure(team, owner)
    staff = person(Role.PROGRAM_STAFF, totp=False, full_name="Sky Staff")

    sign_in(page, staff.email)
    page.get_by_role("link", name="Teams", exact=True).click()
    page.get_by_role("link", name=team.name).click()
    page.get_by_role("link", name="Data connections").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{team.name}: data connections")
    assert_accessible(page)
    page.get_by_role("link", name=bp.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{bp.name}: data connection")
    assert_accessible(page)

    page.get_by_label("PostgreSQL table or view").check()
    page.get_by_label("Database URL or source path").fill(warehouse)
    page.get_by_label("Table or view (PostgreSQL)").fill("ehr.encounters")
    page.locator('input[name="column_period"]').fill("visit_month")
    page.locator('input[name="column_numerator"]').fill("met")
    page.locator('input[name="column_race_ethnicity"]').fill("race")
    page.locator('input[name="column_age"]').fill("age_years")
    page.get_by_role("button", name="Save the connection").click()
    expect(page.get_by_text("Data connection saved.")).to_be_visible()
    expect(page.get_by_text("Stored; enter a new one to replace it.", exact=False)).to_be_visible()
    expect(page.get_by_label("Database URL or source path")).to_have_value("")
    assert PASSWORD not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Pull now").click()
    expect(page.get_by_text("Pulled: 3 new version(s)", exact=False)).to_be_visible()
    assert PASSWORD not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, owner.email)
    page.get_by_role("link", name=bp.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(bp.name)
    assert '<th scope="row">March 2024</th>' in page.content()  # the chart's table alternative
    page.get_by_role("link", name="Submit or review this measure’s data").click()
    expect(page.get_by_text("The data come from a connection to your database")).to_be_visible()
    assert_accessible(page)

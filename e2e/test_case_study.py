"""Journey: from a team's data to a published case study. A member starts one from the team's
data and sends it on, the senior leader approves it, program staff publish it, and a visitor reads
it in the public gallery. Links only after sign-in; axe on every page reached.
"""

from __future__ import annotations

import pytest
from journeys import open_from_nav, sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.outcomes.tests import factories as f
from pursuing_equity.reporting import services as reporting
from pursuing_equity.reporting.tests import factories as rf
from pursuing_equity.teams.models import TeamMember

pytestmark = pytest.mark.browser

TITLE = "Text reminders narrowed our blood pressure gap"


def test_a_case_study_from_draft_to_the_public_gallery(page: Page, assert_accessible, settings):
    settings.PE_REQUIRE_MFA = False
    team = f.team("action_community", name="Juniper Valley Health")
    member = f.member(team)
    leader = f.member(team, TeamMember.Part.SENIOR_LEADER)
    staff = person(Role.PROGRAM_STAFF, totp=False)
    measure = rf.measure(team, name="Blood pressure control")
    period = rf.started_period(team, 1)
    rf.counts(measure, period, {"black": (48, 100), "white": (66, 120)})
    reporting.pdsa_cycle_save(
        actor=member, team=team, change_idea="Text reminders in Spanish", started_on=period
    )
    rf.update(team, member, period, submit=True)

    # The member starts a case study from the team's data and sends it to the leader.
    sign_in(page, member.email)
    page.get_by_role("link", name="The team's case studies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Juniper Valley Health: case studies")
    assert_accessible(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Start the case study").click()
    expect(page.get_by_label("Changes tested")).to_have_value("- Text reminders in Spanish")
    page.get_by_label("Aim").fill("Halve the blood pressure control gap by June.")
    page.get_by_label("Summary").fill("We texted patients **in their language**.")
    page.get_by_label("Quotes").fill("> It felt like the clinic was listening.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the case study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("img.chart").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send to the senior leader for approval").click()
    expect(page.get_by_text("Status: With the senior leader")).to_be_visible()
    sign_out(page)

    # The senior leader approves it from their home.
    sign_in(page, leader.email)
    page.get_by_role("link", name=f"Approve the case study “{TITLE}”").click()
    assert_accessible(page)
    page.get_by_role("button", name="Approve and send to program staff").click()
    expect(page.get_by_text("Status: With program staff")).to_be_visible()
    sign_out(page)

    # Program staff publish it from their home.
    sign_in(page, staff.email)
    expect(page.get_by_role("heading", name="Case studies to approve")).to_be_visible()
    page.get_by_role("link", name=f"Approve the case study “{TITLE}”").click()
    page.get_by_role("button", name="Approve and publish in the gallery").click()
    expect(page.get_by_text("Status: Published")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # A visitor reads it in the public gallery.
    open_from_nav(page, "Case studies")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case studies from the network")
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("It felt like the clinic was listening.")).to_be_visible()
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
    assert_accessible(page)

"""Journey: program staff take someone off a team, and that person's next page is refused.

Staff go from the list of teams to the team's page, choose "Remove … from the team", read what it
means, confirm, and see the team without them; the removed member, already signed in, is refused
the team's page on their next request. Axe runs on every page, at desktop and phone width.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from journeys import sign_in
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.teams.tests.factories import make_world

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def accessible_at_both_widths(page: Page, assert_accessible) -> None:
    assert_accessible(page)
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.set_viewport_size(desktop)


def test_staff_remove_a_member_whose_next_request_is_refused(
    page: Page, browser, live_server, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    world = make_world()
    team = world.ln_teams[0]
    removed = world.people["ln_member"]

    # The member is signed in elsewhere and can open the team's page.
    theirs = browser.new_context(base_url=live_server.url).new_page()
    sign_in(theirs, removed.email)
    theirs.goto(reverse("team_detail", args=[team.slug]))
    expect(theirs.get_by_role("heading", level=1)).to_have_text(team.name)

    staff = person(Role.PROGRAM_STAFF, totp=False, full_name="Sky Staff")
    sign_in(page, staff.email)
    page.get_by_role("link", name="Teams", exact=True).click()
    page.get_by_role("link", name=team.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    accessible_at_both_widths(page, assert_accessible)

    page.get_by_role("link", name="Remove Lee Member from the team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Remove Lee Member from {team.name}?"
    )
    accessible_at_both_widths(page, assert_accessible)
    page.get_by_role("button", name="Remove Lee Member").click()

    expect(page.get_by_text(f"Lee Member is no longer on {team.name}.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Lee Member")).to_have_count(0)
    accessible_at_both_widths(page, assert_accessible)

    # A deliberately typed URL: the removed member's next request.
    response = theirs.goto(reverse("team_detail", args=[team.slug]))
    assert response is not None and response.status == 403
    theirs.context.close()

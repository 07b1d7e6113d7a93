"""Journey: program staff build the Learning Network's small cohorts.

Staff open the cohort builder from the navigation, set how much each factor matters, run the
solver and read why each cohort's teams are together; they pin a team to the other small cohort,
run again (the pin holds), move a team by hand (the page flags the cohort that is now too big),
name a coach, and look at a team's page, the list of teams, the affinity groups and the leadership
workgroup. Axe runs on every page.
"""

from __future__ import annotations

import re

import pytest
from journeys import open_from_nav, sign_in
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.teams.models import Team
from pursuing_equity.teams.tests.factories import make_world

pytestmark = pytest.mark.browser


def form_titled(page: Page, title: str):
    return page.locator("form").filter(has=page.get_by_role("heading", name=title))


def small_cohort_of(team: Team) -> str:
    team.refresh_from_db()
    return team.small_cohort.name


def test_staff_build_small_cohorts_pin_rerun_and_move(page: Page, assert_accessible, settings):
    settings.PE_REQUIRE_MFA = False
    world = make_world()
    # Without an authenticator app, so that signing in needs no code (MFA is off here).
    staff = person(Role.PROGRAM_STAFF, totp=False, full_name="Sky Staff")
    sign_in(page, staff.email)
    assert_accessible(page)

    page.get_by_role("link", name="Cohort builder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cohort builder")
    assert_accessible(page)

    page.get_by_label("Region: how much it matters").fill("5")
    page.get_by_role("group", name="Organization type: teams in a cohort should be").get_by_label(
        "Diverse"
    ).check()
    page.get_by_role("button", name="Build small cohorts").click()
    expect(page.get_by_text("The small cohorts were rebuilt.")).to_be_visible()
    expect(page.locator("#run-result")).to_contain_text("proven optimal")
    sentences = page.locator("p.sentence").all_inner_texts()
    assert len(sentences) == 2
    assert all(re.search(r"(are in the|they come from)", s) for s in sentences)
    assert_accessible(page)

    team = world.ln_teams[0]
    before = small_cohort_of(team)
    target = "Small cohort 2" if before == "Small cohort 1" else "Small cohort 1"
    pin = form_titled(page, "Pin a team")
    pin.get_by_label("Team").select_option(label=team.name)
    pin.get_by_label("Pin to").select_option(label=target)
    pin.get_by_role("button", name="Save pin").click()
    expect(page.get_by_text("The pin was saved")).to_be_visible()

    page.get_by_role("button", name="Build small cohorts").click()
    expect(page.get_by_text("The small cohorts were rebuilt.")).to_be_visible()
    assert small_cohort_of(team) == target
    expect(page.get_by_role("article").filter(has_text=team.name)).to_contain_text("pinned")
    assert_accessible(page)

    mover = world.ln_teams[3] if world.ln_teams[3].pk != team.pk else world.ln_teams[2]
    destination = (
        "Small cohort 2" if small_cohort_of(mover) == "Small cohort 1" else "Small cohort 1"
    )
    move = form_titled(page, "Move a team by hand")
    move.get_by_label("Team").select_option(label=mover.name)
    move.get_by_label("Move to").select_option(label=destination)
    move.get_by_role("button", name="Move").click()
    expect(page.get_by_text("The team was moved.")).to_be_visible()
    assert small_cohort_of(mover) == destination
    expect(page.get_by_text("(changed by hand since the run)")).to_be_visible()

    # A bad request is answered next to the field, not with an error page.
    move = form_titled(page, "Move a team by hand")
    move.get_by_label("Team").select_option(label=mover.name)
    move.get_by_label("Move to").select_option(label=destination)
    move.get_by_role("button", name="Move").click()
    expect(page.get_by_text(f"{mover.name} is already in {destination}.")).to_be_visible()
    assert_accessible(page)

    coach = form_titled(page, "Coach of a small cohort")
    coach.get_by_label("Small cohort").select_option(label="Small cohort 2")
    coach.get_by_label("Coach").select_option(label="Fran Faculty")
    coach.get_by_role("button", name="Save coach").click()
    expect(page.get_by_role("article").filter(has_text="Small cohort 2")).to_contain_text(
        "Coach: Fran Faculty"
    )

    page.get_by_role("link", name="Teams", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teams")
    assert_accessible(page)
    page.get_by_role("link", name=team.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    expect(page.locator("dl.facts")).to_contain_text(target)
    assert_accessible(page)

    open_from_nav(page, "Affinity groups")
    expect(page.get_by_role("heading", level=1)).to_have_text("Racial justice affinity groups")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("members and facilitators")).first.click()
    assert_accessible(page)
    open_from_nav(page, "Leadership workgroup")
    expect(page.get_by_role("rowheader", name="Avery Alternate")).to_be_visible()
    assert_accessible(page)

"""Journey: a team member answers the equity self-assessment from their home and reads the team's
result (chart and table); program staff find a milestone the data proposes on the network board and
confirm it. Links only after sign-in; axe on every page reached.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from journeys import open_from_nav, sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.measures.services import aim_set
from pursuing_equity.outcomes.models import Milestone
from pursuing_equity.outcomes.tests import factories as f
from pursuing_equity.reporting.tests import factories as rf

pytestmark = pytest.mark.browser


def test_member_answers_self_assessment_and_staff_confirm_a_milestone(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    team = f.team("action_community", name="Juniper Valley Health")
    member = f.member(team)
    staff = person(Role.PROGRAM_STAFF, totp=False)
    assessment = f.open_round(team.cycle)
    measure = rf.measure(team, name="Blood pressure control")
    period = rf.started_period(team, 1)
    rf.counts(measure, period, {"black": (48, 100), "white": (66, 120)})
    aim_set(
        measure=measure,
        actor=member,
        stratifier="race_ethnicity",
        group="black",
        reference="white",
        baseline_gap=Decimal("7"),
        target_gap=Decimal("2"),
        target_date=period.replace(year=period.year + 1),
    )

    # The member finds the open round on their home and answers it.
    sign_in(page, member.email)
    assert_accessible(page)
    page.get_by_role("link", name="Answer the midpoint equity self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("midpoint")
    for item in assessment.items:
        page.get_by_role("group", name=item.text).get_by_label("4 – Established").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Your midpoint answers are saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Juniper Valley Health: equity self-assessment"
    )
    # The team's radar chart is drawn under the CSP: spokes labelled, the round in the legend.
    radar = page.locator(".vega-chart[data-rendered] svg").first
    expect(radar).to_be_visible()
    expect(radar).to_contain_text("Partner with the")
    expect(radar).to_contain_text("Midpoint")
    table = page.get_by_role("table", name="Team results per component and round")
    expect(
        table.get_by_role("row", name="Make Health Equity a Strategic Priority")
    ).to_contain_text("mean 4.0 (n = 1)")
    assert_accessible(page)
    # ... and reads the team's milestones from the navigation.
    open_from_nav(page, "Milestones")
    expect(page.get_by_role("heading", level=1)).to_have_text("Juniper Valley Health: milestones")
    assert_accessible(page)
    sign_out(page)

    # Staff see milestones to confirm on their home, open the board and confirm one.
    sign_in(page, staff.email)
    expect(page.get_by_role("heading", name="Milestones to confirm")).to_be_visible()
    assert_accessible(page)
    open_from_nav(page, "Milestone board")
    page.get_by_label("Cohort").select_option(label="Action Community")
    page.get_by_role("button", name="Show").click()
    assert_accessible(page)
    page.get_by_role(
        "button", name="Confirm: In progress for Juniper Valley Health, milestone 4"
    ).click()
    expect(
        page.get_by_text("Juniper Valley Health: milestone recorded as in progress.")
    ).to_be_visible()
    assert_accessible(page)
    assert Milestone.objects.get(team=team, key="long_haul_capacity").status == "in_progress"

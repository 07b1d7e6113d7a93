"""Journey: a team member reads their measure's equity dashboard, with the team's PDSA cycle
marked on it; another Action Community team finds it among the measures shared with them and
reads it suppressed; program staff look at the network view. Axe runs on every page reached.

The member sees the answer first (one line per gap), the charts drawn by vega-embed (an SVG
appears) with the PDSA cycle as a numbered marker keyed to the table of changes, opens the table
alternative, and downloads the data as CSV; on a 390 px phone no chart is wider than the screen.
The peer team sees "suppressed (fewer than 11)" and no small count.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from journeys import open_from_nav, sign_in, sign_out
from playwright.sync_api import Page, expect

from equitystats import suppress
from pursuing_equity.measures.selectors import current_counts
from pursuing_equity.measures.tests.dashboard_data import make_world
from pursuing_equity.reporting.services import pdsa_cycle_save

pytestmark = pytest.mark.browser

LABEL = suppress.label()
PHONE = {"width": 390, "height": 844}


def assert_charts_fit(page: Page, width: int) -> None:
    """Every drawn chart (its box and its SVG) lies within the viewport's width."""
    boxes = page.locator(".vega-chart[data-rendered], .vega-chart[data-rendered] svg").all()
    assert boxes, "no chart was drawn"
    for element in boxes:
        box = element.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (
            f"{element.evaluate('e => e.id || e.parentElement.id')} spans {box}"
        )


def downloaded_rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))


def small_counts(texts: list[str]) -> list[str]:
    return [t for t in texts if t.strip().isdigit() and 1 <= int(t.strip()) <= 10]


def test_team_member_reads_dashboard_and_peer_team_sees_it_suppressed(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    cache.clear()
    world = make_world(months=8, totp=False)
    measure = world.measure
    started = sorted({r.period for r in current_counts(measure)})[3] + datetime.timedelta(days=4)
    pdsa_cycle_save(
        actor=world.people["team_member"], team=world.ac_team, measure=measure,
        change_idea="Text reminders in Spanish", started_on=started,
    )  # fmt: skip
    dashboard_url = reverse(
        "measure_dashboard", kwargs={"team_slug": measure.team.slug, "measure_slug": measure.slug}
    )

    # The team member reads the dashboard: charts render, the table opens, the CSV downloads.
    sign_in(page, world.people["team_member"].email)
    open_from_nav(page, "Measures")
    page.get_by_role("link", name=f"Dashboard of {measure.name}").click()
    expect(page).to_have_url(re.compile(re.escape(dashboard_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(measure.name)
    expect(page.locator("#overall-chart svg").first).to_be_visible()
    expect(page.locator("#gaps-chart svg").first).to_be_visible()
    expect(page.get_by_role("heading", name="Is the gap closing?")).to_be_visible()
    answer = page.locator("#answer-heading ~ ul.answer > li")
    expect(answer.first).to_contain_text("periods with data")
    answer.first.get_by_role("link", name=re.compile("The gap over time")).click()
    expect(page).to_have_url(re.compile("#gap-1$"))
    changes = page.get_by_role(
        "table", name="Changes tested (PDSA cycles), numbered as on the charts"
    )
    expect(changes).to_contain_text("PDSA: Text reminders in Spanish")
    expect(changes.get_by_role("rowheader")).to_have_text(["1"])
    # The marker is a numbered badge on the chart, not the change's text.
    overall_svg = page.locator("#overall-chart svg").first
    expect(overall_svg.get_by_text("1", exact=True)).to_have_count(1)
    expect(overall_svg).not_to_contain_text("Text reminders")
    assert_accessible(page)

    summary = page.locator("#overall-heading ~ details summary").first
    table = page.locator("#overall-heading ~ details table").first
    expect(table).to_be_hidden()
    summary.click()
    expect(table).to_be_visible()
    assert small_counts(page.locator("#overall-heading ~ details td").all_inner_texts()) == []
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Rates of every group and period")).click()
    rows = downloaded_rows(download_info.value.path())
    assert rows and not any(r["numerator"].startswith("suppressed") for r in rows)
    assert small_counts([r["numerator"] for r in rows]), "the team sees its own small counts"

    # On a phone: every chart fits the screen, the group charts too once opened; axe is clean.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#gaps-chart[data-rendered]")).to_have_count(1)
    page.locator("#groups-details > summary").click()
    expect(page.locator("#groups-chart[data-rendered]")).to_have_count(1)
    assert_charts_fit(page, PHONE["width"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)

    # Another Action Community team finds it among the measures shared with them, suppressed.
    sign_in(page, world.people["ac_peer"].email)
    open_from_nav(page, "Shared measures")
    expect(
        page.get_by_role("heading", name=re.compile(re.escape(world.ac_team.name)))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=measure.name).click()
    expect(page).to_have_url(re.compile(re.escape(dashboard_url) + "$"))
    expect(page.get_by_text("Shared view.")).to_be_visible()
    expect(page.locator("#overall-chart svg").first).to_be_visible()
    page.locator("#groups-details > summary").click()
    page.locator("#groups-details details summary").click()
    cells = page.locator("#groups-details details td").all_inner_texts()
    assert LABEL in cells
    assert small_counts(cells) == []
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Rates of every group and period")).click()
    rows = downloaded_rows(download_info.value.path())
    assert small_counts([r["numerator"] for r in rows] + [r["denominator"] for r in rows]) == []
    assert any(r["numerator"] == LABEL for r in rows)

    # A Learning Network team in another small cohort is refused. The URL is typed on purpose
    # (no page links there for this person): a permission check, not a journey step.
    sign_out(page)
    sign_in(page, world.people["ln_other_small_cohort"].email)
    response = page.goto(
        reverse(
            "measure_dashboard",
            kwargs={"team_slug": world.ln_measure.team.slug, "measure_slug": world.ln_measure.slug},
        )
    )
    assert response.status == 403
    assert world.ln_measure.name not in page.content()
    assert_accessible(page)
    sign_out(page)

    # Program staff see every team's gap as small multiples, and filter them.
    sign_in(page, world.people["staff"].email)
    open_from_nav(page, "Equity gaps")
    expect(page.locator("#network-chart svg").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Cohort").select_option("learning_network")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_contain_text("1 measure shown")
    assert_accessible(page)

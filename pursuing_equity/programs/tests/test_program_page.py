"""The program page shows the program file: cohorts side by side, both calendars, dates, glossary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.programs import text
from pursuing_equity.programs.dates import add_months, months_of, parse_month
from pursuing_equity.programs.tests.factories import load_cycle, load_demo_cycle
from pursuing_equity.programs.tests.pagetools import parse

pytestmark = pytest.mark.django_db
TODAY_AFTER_THE_CYCLE = datetime.date(2025, 11, 25)


@pytest.fixture
def today(monkeypatch):
    """Fix "today" for the page (the current month, the current cycle)."""

    def set_today(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return day

    set_today(TODAY_AFTER_THE_CYCLE)
    return set_today


def get(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html, parse(html)


def test_without_a_cycle_the_page_says_how_to_load_one(client):
    html, _ = get(client)
    assert "No program loaded yet" in html
    assert "manage.py load_program programs/pursuing-equity-2023.toml" in html


def test_overview_table_has_both_cohorts_as_columns_and_the_seed_rows(client, today):
    cycle = load_cycle()
    document = cycle.document
    _, page = get(client)
    table = page.tables["cohort-overview"]
    header, *rows = table.rows
    assert [c.visible for c in header[1:]] == ["Learning Network", "Action Community"]
    assert [row[0].text for row in rows] == [
        "Cost",
        "Timeframe",
        "Estimated size",
        "Goals",
        "Virtual and In-Person Supports",
        "Other Trainings",
        "Application Process",
    ]
    cohorts = list(document["cohorts"].values())
    for facts, row in zip(document["overview_rows"], rows, strict=True):
        assert row[0].tag == "th" and row[0].attrs["scope"] == "row"
        if "both" in facts:
            assert [c.text for c in row[1:]] == [text.render(facts["both"], document)]
            assert row[1].attrs["colspan"] == "2"
        else:
            expected = [
                text.render(text.resolve(c, facts["cohort_field"]), document) for c in cohorts
            ]
            assert [c.text for c in row[1:]] == expected
    cells = {row[0].text: [c.text for c in row[1:]] for row in rows}
    assert cells["Estimated size"] == ["40 participating teams", "10 participating teams"]
    assert "(Participation fee is typically $30,000 per team)" in cells["Cost"][0]
    assert cells["Timeframe"] == ["Both will start in January 2023 and conclude in June 2024"]
    assert cells["Application Process"][0].endswith("by November 1, 2022")
    assert cells["Application Process"][1].endswith("by October 21, 2022")


@pytest.mark.parametrize("cohort_key", ["learning_network", "action_community"])
def test_each_calendar_matches_the_file_cell_by_cell(client, today, cohort_key):
    cycle = load_cycle()
    document = cycle.document
    _, page = get(client)
    table = page.tables[f"calendar-{cohort_key}"]
    years_row, months_row, *body = table.rows
    months = months_of(cycle.starts_on, cycle.ends_on)
    assert [(c.text, c.attrs.get("colspan")) for c in years_row[1:]] == [
        ("2023", "12"),
        ("2024", "6"),
    ]
    assert [c.text for c in months_row] == [m.strftime("%b") for m in months]
    expected_rows = []
    for activity in document["activities"]:
        plan = activity["schedule"].get(cohort_key)
        if not plan:
            continue
        on = {parse_month(m) for m in plan["months"]}
        in_person = {parse_month(m) for m in plan.get("in_person", [])}
        cells = ["X*" if m in in_person else "X" if m in on else "" for m in months]
        expected_rows.append([activity["name"], *cells])
    assert [[row[0].text] + [c.visible for c in row[1:]] for row in body] == expected_rows
    for row in body:
        assert row[0].tag == "th" and row[0].attrs["scope"] == "row"
        for cell in row[1:]:
            hidden = cell.text.removeprefix(cell.visible)
            if cell.visible == "X":
                assert hidden == "Yes"
            elif cell.visible == "X*":
                assert hidden == "Yes, in person (Boston, MA)"


def test_in_person_legend_only_where_there_are_in_person_sessions(client, today):
    load_cycle()
    html, _ = get(client)
    action_community = html.split('id="action_community"')[1].split('id="fees-and-how-to-join"')[0]
    learning_network = html.split('id="learning_network"')[1].split('id="action_community"')[0]
    assert "= In person (Boston, MA)" in action_community
    assert "= In person" not in learning_network


def test_deadlines_decisions_and_the_informational_call(client, today):
    load_cycle()
    html, page = get(client)
    ids = page.text_by_id
    assert (
        ids["learning_network-deadline"]
        == "November 1, 2022 (applications reviewed as they arrive)"
    )
    assert (
        ids["learning_network-decision"]
        == "A response within 30 days of receiving your application"
    )
    assert ids["action_community-deadline"] == "October 21, 2022"
    assert ids["action_community-decision"] == "By December 5, 2022"
    assert ids["informational-call"] == "Wednesday, September 21, 2022 (3-4 PM ET)"
    assert 'datetime="2022-09-21T15:00:00-04:00"' in html
    assert (
        "Attend an informational call on Wednesday, September 21, 2022 (3-4 PM ET) to learn more"
        in html
    )
    assert "contact your team by December 5, 2022" in html
    # The items are submitted online now, not by email (the seed's wording is relabelled).
    assert "submit two items with the online application by November 1, 2022" in html
    assert "submit three items with the online application by October 21, 2022" in html
    assert "submit two items to" not in html and "submit three items to" not in html
    assert reverse("call", args=["pursuing-equity-2023"]) in html


def test_program_choices_are_labelled_as_such(client, today):
    load_cycle()
    html, page = get(client)
    meetup = page.text_by_id["forum-meetup"]
    assert meetup.startswith("IHI Forum meet-up (December 2023, optional) Program choice")
    assert "Venue: Meeting room shared with registered participants before the Forum" in meetup
    assert "Not in the Request for Applications" in html
    assert (
        "on a rolling basis through November 1, and you can expect a response from IHI within 30 days"
        in html
    )


def test_sections_follow_the_seed_with_a_table_of_contents(client, today):
    load_cycle()
    html, page = get(client)
    sections = [
        "introduction",
        "funder",
        "strategy",
        "approach",
        "learning_network",
        "action_community",
        "fees-and-how-to-join",
        "contact",
        "references",
        "glossary",
    ]
    positions = [page.ids.index(s) for s in sections]
    assert positions == sorted(positions)
    for section in sections:
        assert f'href="#{section}"' in html


def test_framework_outcomes_video_contact_and_glossary(client, today):
    cycle = load_cycle()
    document = cycle.document
    html, page = get(client)
    for component in document["strategy"]["components"]:
        assert f"<strong>{component['name']}</strong>" in html
    assert (
        "Most participating organizations will see progress toward their desired clinical equity outcomes"
        in html
    )
    assert (
        "Develop key aims to advance improvements in inequitable outcomes in a specific clinical area"
        in html
    )
    video = document["cohorts"]["action_community"]["application"]["video"]
    assert "create a 5- to 15-minute video" in html
    required = page.text_by_id["action_community-video-required"]
    for item in video["required_items"]:
        assert text.render(item["text"], document) in required
    assert "Choose 2 to 3 additional questions to address in the video:" in html
    for question in video["questions"]:
        assert text.render(question["text"], document).replace("'", "&#x27;") in html
    assert 'href="mailto:pursuingequity@ihi.org"' in html
    assert html.count('<dt id="glossary-') == len(document["glossary"]) == 14
    assert '<a href="https://www.whitesupremacyculture.info/characteristics.html"' in html
    assert "We gratefully acknowledge Founding Supporter Genentech" in page.text_by_id["funder"]


def test_real_dates_show_no_badge_and_no_current_month(client, today):
    load_cycle()
    html, _ = get(client)
    assert 'id="demo-dates"' not in html
    assert 'aria-current="date"' not in html


def test_demo_dates_are_marked_shifted_and_today_is_highlighted(client, today):
    cycle = load_demo_cycle(TODAY_AFTER_THE_CYCLE)
    html, page = get(client)
    badge = page.text_by_id["demo-dates"]
    assert badge.startswith("Demo dates The program really ran January 2023 – June 2024.")
    assert "moved 26 months later" in badge
    assert "March 2025 – August 2026" in html
    assert "November 1, 2022" not in html and "October 21, 2022" not in html
    assert page.text_by_id["learning_network-deadline"].startswith(
        f"{add_months(datetime.date(2022, 11, 1), 26):%B} 1, 2025"
    )
    assert page.text_by_id["action_community-decision"] == "By February 5, 2025"
    assert page.text_by_id["informational-call"] == "Thursday, November 21, 2024 (3-4 PM ET)"
    assert html.count('aria-current="date"><abbr title="November 2025">') == 2
    months_row = page.tables["calendar-action_community"].rows[1]
    assert [c.attrs.get("aria-current") for c in months_row].index("date") == 8  # the ninth month
    assert cycle.month_number(TODAY_AFTER_THE_CYCLE) == 9


def test_program_detail_by_slug(client, today):
    load_cycle()
    html, _ = get(client, reverse("program_detail", args=["pursuing-equity-2023"]))
    assert "<h1>Pursuing Equity 2023–2024</h1>" in html
    assert client.get(reverse("program_detail", args=["no-such-cycle"])).status_code == 404


def test_the_program_page_makes_a_fixed_number_of_queries(client, today, django_assert_num_queries):
    load_cycle()
    # The fifth reads the open calls the home page leads with; the sixth, the data version
    # ({% fresh %}).
    with django_assert_num_queries(6):
        client.get(reverse("program"))

"""The program page says, in plain words, what the program file's ``[measures]`` table decides."""

import pytest

from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.programs.tests.pagetools import parse

pytestmark = pytest.mark.django_db


def section(client) -> str:
    html = client.get("/").content.decode()
    assert 'href="#data-sharing"' in html
    start = html.index('<section id="data-sharing"')
    return html[start : html.index("</section>", start)]


def test_the_page_states_the_sharing_suppression_and_chart_rules_of_the_file(client):
    load_cycle()
    text = section(client)
    assert (
        "Learning Network teams see the measures of the other teams in their small cohort." in text
    )
    assert "Action Community teams see each other’s measures." in text
    assert "every count from 1 to 10 is hidden" in text
    assert "suppressed (fewer than 11)" in text
    assert "the IHI run chart rules" in text
    assert "once a measure has 20 data points" in text
    assert "only groups with at least 20 patients in a period" in text
    ids = parse(client.get("/").content.decode()).ids
    assert (
        ids.index("action_community")
        < ids.index("data-sharing")
        < ids.index("fees-and-how-to-join")
    )


def test_the_page_follows_a_changed_file(client):
    cycle = load_cycle()
    cycle.document["measures"].update(
        chart_rules="anhoej",
        suppression_threshold=20,
        min_group_denominator=30,
        sharing={"action_community": "team", "learning_network": "cohort"},
    )
    cycle.save()
    text = section(client)
    assert "Action Community teams do not see other teams’ measures" in text
    assert "Learning Network teams see each other’s measures." in text
    assert "suppressed (fewer than 21)" in text
    assert "the Anhøj rules" in text
    assert "at least 30 patients" in text


def test_without_a_measures_table_the_section_is_left_out(client):
    cycle = load_cycle()
    cycle.document.pop("measures")
    cycle.save()
    html = client.get("/").content.decode()
    assert 'id="data-sharing"' not in html and 'href="#data-sharing"' not in html

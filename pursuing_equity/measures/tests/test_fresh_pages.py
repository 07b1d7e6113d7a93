"""The measures pages keep their HTML ({% fresh %}): a page requested again shows a change made
through the app's services at once, and keeping it for one person never opens it to another."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from pursuing_equity.core.tests.query_counts import read_twice
from pursuing_equity.measures import services
from pursuing_equity.measures.tests.dashboard_data import make_world, submit, synthetic_rows


@pytest.fixture
def world(db):
    return make_world(months=3)


def data_url(m):
    return reverse("measure_data", args=[m.team.slug, m.slug])


def new_month(world):
    submit(
        world.measure,
        synthetic_rows(months=1, seed=9, start="2025-01"),
        world.people["team_member"],
    )


@pytest.mark.django_db
def test_the_network_shows_new_data_after_being_kept(client, world):
    staff, network = world.people["staff"], reverse("measures_network")
    assert "January 2025" not in read_twice(client, staff, network)
    new_month(world)
    assert "January 2025" in client.get(network).text


@pytest.mark.django_db
def test_the_network_kept_for_staff_stays_refused_to_teams_and_visitors(client, world):
    network = reverse("measures_network")
    read_twice(client, world.people["staff"], network)
    client.force_login(world.people["team_member"])
    assert client.get(network).status_code == 403
    client.logout()
    assert client.get(network).status_code == 302


@pytest.mark.django_db
def test_the_shared_list_shows_a_new_measure_after_being_kept(client, world):
    peer = world.people["ac_peer"]
    assert "Diabetes control" not in read_twice(client, peer, reverse("measures_shared"))
    services.measure_define(
        team=world.ac_team,
        actor=world.people["team_member"],
        name="Diabetes control",
        focus_area="hypertension_control",
        kind="outcome",
        numerator_definition="Patients whose last HbA1c was below 9%",
        denominator_definition="Patients 18–75 with diabetes",
        frequency="monthly",
        improvement="increase",
        stratifiers=["race_ethnicity"],
        reference_groups={"race_ethnicity": "white"},
    )
    assert "Diabetes control" in client.get(reverse("measures_shared")).text


@pytest.mark.django_db
def test_the_shared_list_kept_for_a_peer_is_not_shown_to_another_cohort(client, world):
    url = reverse("measures_shared")
    assert data_url(world.measure).removesuffix("data/") in read_twice(
        client, world.people["ac_peer"], url
    )
    client.force_login(world.people["ln_other_small_cohort"])
    assert world.ac_team.name not in client.get(url).text
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_a_measures_data_page_shows_a_new_period_and_an_aim_after_being_kept(client, world):
    owner, url = world.people["team_member"], data_url(world.measure)
    page = read_twice(client, owner, url)
    assert "January 2025" not in page and "No aim yet." in page
    new_month(world)
    assert "January 2025" in client.get(url).text
    services.aim_set(
        measure=world.measure,
        actor=owner,
        stratifier="race_ethnicity",
        group="black",
        reference="white",
        baseline_gap=Decimal("12"),
        target_gap=Decimal("4"),
        target_date=datetime.date(2025, 12, 31),
    )
    assert "No aim yet." not in client.get(url).text


@pytest.mark.django_db
def test_a_measures_data_page_kept_for_the_team_stays_refused_to_others(client, world):
    url = data_url(world.measure)
    read_twice(client, world.people["team_member"], url)
    for outsider in ("ac_peer", "ln_member", "applicant"):
        client.force_login(world.people[outsider])
        assert client.get(url).status_code == 403, outsider
    client.logout()
    assert client.get(url).status_code == 302

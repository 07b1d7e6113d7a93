"""'Measures shared with you' and the links to each dashboard, tested from the outside."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pursuing_equity.measures.tests.dashboard_data import make_world


@pytest.fixture
def world(db):
    return make_world(months=3)


def dashboard_url(m):
    return reverse("measure_dashboard", args=[m.team.slug, m.slug])


def shared_page(client, user):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("measures_shared"))


@pytest.mark.django_db
def test_an_action_community_peer_sees_the_other_teams_measures_with_links(client, world):
    page = shared_page(client, world.people["ac_peer"])
    assert page.status_code == 200
    assert f'href="{dashboard_url(world.measure)}"' in page.text
    assert world.ac_team.name in page.text
    assert dashboard_url(world.ln_measure) not in page.text  # another cohort
    # and the link leads to the (suppressed) dashboard
    assert client.get(dashboard_url(world.measure)).context["dashboard"].suppressed


@pytest.mark.django_db
def test_a_learning_network_team_sees_only_its_small_cohort(client, world):
    peer = shared_page(client, world.people["ln_small_cohort_peer"])
    assert f'href="{dashboard_url(world.ln_measure)}"' in peer.text
    assert dashboard_url(world.measure) not in peer.text
    client.logout()
    other = shared_page(client, world.people["ln_other_small_cohort"])
    assert other.status_code == 200
    assert dashboard_url(world.ln_measure) not in other.text
    assert world.ln_a.name not in other.text and world.ac_team.name not in other.text
    assert "No other team’s measures are shared with you yet." in other.text


@pytest.mark.django_db
def test_the_teams_own_measures_are_not_listed_as_shared(client, world):
    page = shared_page(client, world.people["team_member"])
    assert dashboard_url(world.measure) not in page.text


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in_and_sees_no_measure(client, world):
    page = shared_page(client, None)
    assert page.status_code == 302 and "/login/" in page["Location"]
    team_page = client.get(reverse("team_detail", args=[world.ac_team.slug]))
    assert team_page.status_code == 302
    for response in (page, team_page):
        assert world.measure.name not in response.content.decode()


@pytest.mark.django_db
def test_the_team_page_links_to_each_dashboard_for_those_who_may_see_it(client, world):
    team_page = reverse("team_detail", args=[world.ac_team.slug])
    measure_list = f'href="{reverse("measure_list", args=[world.ac_team.slug])}"'
    client.force_login(world.people["ac_peer"])
    peer_view = client.get(team_page).text
    assert f'href="{dashboard_url(world.measure)}"' in peer_view
    assert measure_list not in peer_view  # the team's own data pages are not a peer's
    client.force_login(world.people["team_member"])
    own_view = client.get(team_page).text
    assert f'href="{dashboard_url(world.measure)}"' in own_view
    assert measure_list in own_view
    # the reporting app is always installed: the updates link is there, no "not available yet"
    assert f'href="{reverse("team_updates", args=[world.ac_team.slug])}"' in own_view
    assert "not available yet." not in own_view.split("Measures and updates</h2>")[1]
    client.force_login(world.people["ln_other_small_cohort"])
    response = client.get(reverse("team_detail", args=[world.ln_a.slug]))
    assert dashboard_url(world.ln_measure) not in response.content.decode()


@pytest.mark.django_db
def test_the_teams_measure_list_links_to_each_dashboard(client, world):
    client.force_login(world.people["team_member"])
    page = client.get(reverse("measure_list", args=[world.ac_team.slug]))
    assert f'href="{dashboard_url(world.measure)}"' in page.text
    assert f'href="{reverse("measures_shared")}"' in page.text


@pytest.mark.django_db
def test_the_shared_list_takes_the_same_queries_however_many_teams(world):
    from pursuing_equity.measures.selectors import shared_measures
    from pursuing_equity.measures.tests.factories import TeamFactory, measure

    peer = world.people["ac_peer"]
    with CaptureQueriesContext(connection) as few:
        assert [m.pk for m in shared_measures(peer)] == [world.measure.pk]
    for _ in range(3):
        other = TeamFactory()
        measure(other, name="Diabetes A1c control")
    peer = type(peer).objects.get(pk=peer.pk)  # a new request: nothing cached on the person
    with CaptureQueriesContext(connection) as more:
        assert len(shared_measures(peer)) == 4
    assert len(more.captured_queries) == len(few.captured_queries) <= 5


def set_measures(cycle, **facts) -> None:
    """Change the cycle's ``[measures]`` table as a reloaded program file would."""
    measures = dict(cycle.document.get("measures") or {})
    measures.update(facts)
    cycle.document = {**cycle.document, "measures": measures}
    cycle.save(update_fields=["document"])


@pytest.mark.django_db
def test_the_page_states_the_sharing_rules_of_the_program_file(client, world):
    page = shared_page(client, world.people["ac_peer"]).text
    assert "Action Community teams see each other’s measures." in page
    assert "the measures of the other teams in their small cohort" in page
    assert "every count from 1 to 10 is hidden" in page
    set_measures(
        world.ac_team.cycle,
        sharing={"action_community": "team", "learning_network": "cohort"},
        suppression_threshold=19,
    )
    client.logout()
    page = shared_page(client, world.people["ln_member"]).text
    assert "Action Community teams do not see other teams’ measures" in page
    assert "Learning Network teams see each other’s measures." in page
    assert "every count from 1 to 19 is hidden" in page
    assert "from 1 to 10" not in page and "small cohort" not in page


@pytest.mark.django_db
def test_without_a_measures_table_the_page_states_the_default_rules(client, world):
    cycle = world.ac_team.cycle
    cycle.document = {k: v for k, v in cycle.document.items() if k != "measures"}
    cycle.save(update_fields=["document"])
    page = shared_page(client, world.people["staff"]).text  # no team: the current cycle
    assert f"Sharing rules of {cycle}" in page
    assert "Action Community teams see each other’s measures." in page
    assert "every count from 1 to 10 is hidden" in page

"""The program file's ``[measures]`` table decides who sees a team's measures and what is
suppressed: tested from the outside, by changing the cycle's document."""

import re

import pytest
from django.urls import reverse

from pursuing_equity.measures.tests.dashboard_data import make_world
from pursuing_equity.teams.membership import DEFAULT_SCOPE, sharing_scope


@pytest.fixture
def world(db):
    return make_world(months=12)


def set_measures(cycle, **facts) -> None:
    """Change the cycle's ``[measures]`` table as a reloaded program file would."""
    document = dict(cycle.document)
    measures = dict(document.get("measures") or {})
    sharing = facts.pop("sharing", None)
    if sharing is not None:
        measures["sharing"] = {**measures.get("sharing", {}), **sharing}
    measures.update(facts)
    document["measures"] = measures
    cycle.document = document
    cycle.save()


def dashboard(client, user, measure):
    client.force_login(user)
    return client.get(
        reverse(
            "measure_dashboard",
            kwargs={"team_slug": measure.team.slug, "measure_slug": measure.slug},
        )
    )


def counts_in_cells(html: str) -> list[int]:
    return [int(c.replace(",", "")) for c in re.findall(r"<td>(\d[\d,]*)</td>", html)]


def test_sharing_scope_comes_from_the_file_and_falls_back_to_the_defaults():
    assert sharing_scope(None, "action_community") == "cohort"
    assert sharing_scope({}, "learning_network") == "small_cohort"
    assert sharing_scope({"action_community": "team"}, "action_community") == "team"
    assert sharing_scope({"action_community": "team"}, "learning_network") == "small_cohort"
    assert sharing_scope(None, "a_cohort_the_defaults_do_not_know") == "team"
    assert set(DEFAULT_SCOPE.values()) <= {"cohort", "small_cohort", "team"}


@pytest.mark.django_db
def test_the_program_file_holds_the_current_sharing(world):
    sharing = world.ac_team.cycle.document["measures"]["sharing"]
    assert sharing == {"action_community": "cohort", "learning_network": "small_cohort"}


@pytest.mark.django_db
def test_action_community_sharing_only_within_the_team_shuts_out_the_peer_team(client, world):
    peer = world.people["ac_peer"]
    assert dashboard(client, peer, world.measure).status_code == 200
    set_measures(world.ac_team.cycle, sharing={"action_community": "team"})
    response = dashboard(client, peer, world.measure)
    assert response.status_code == 403
    assert world.measure.name not in response.content.decode()
    # The team itself, its coach and staff still see it.
    for who in ("team_member", "coach", "staff"):
        assert dashboard(client, world.people[who], world.measure).status_code == 200, who


@pytest.mark.django_db
def test_learning_network_sharing_with_the_whole_cohort_opens_other_small_cohorts(client, world):
    far = world.people["ln_other_small_cohort"]
    assert dashboard(client, far, world.ln_measure).status_code == 403
    set_measures(world.ac_team.cycle, sharing={"learning_network": "cohort"})
    response = dashboard(client, far, world.ln_measure)
    assert response.status_code == 200
    assert response.context["dashboard"].suppressed
    # Still not the Action Community: sharing never crosses cohorts.
    assert dashboard(client, world.people["ac_peer"], world.ln_measure).status_code == 403


@pytest.mark.django_db
def test_learning_network_sharing_only_within_the_team_shuts_out_the_small_cohort(client, world):
    set_measures(world.ac_team.cycle, sharing={"learning_network": "team"})
    peer = world.people["ln_small_cohort_peer"]
    assert dashboard(client, peer, world.ln_measure).status_code == 403
    assert (
        dashboard(client, world.people["small_cohort_coach"], world.ln_measure).status_code == 200
    )


@pytest.mark.django_db
def test_a_higher_suppression_threshold_hides_more_in_the_shared_view(client, world):
    peer = world.people["ac_peer"]
    before = dashboard(client, peer, world.measure).content.decode()
    assert "suppressed (fewer than 11)" in before
    shown = counts_in_cells(before)
    assert not [n for n in shown if 1 <= n <= 10]
    assert world.ac_team.cycle.document["measures"]["suppression_threshold"] == 10
    assert [n for n in shown if 11 <= n < 40], "the data has counts the new threshold hides"

    set_measures(world.ac_team.cycle, suppression_threshold=39)
    after = dashboard(client, peer, world.measure).content.decode()
    assert "suppressed (fewer than 40)" in after
    assert "suppressed (fewer than 11)" not in after
    assert not [n for n in counts_in_cells(after) if 1 <= n < 40]
    # The team's own view is never suppressed, whatever the threshold.
    own = dashboard(client, world.people["team_member"], world.measure).content.decode()
    assert [n for n in counts_in_cells(own) if 1 <= n < 40]

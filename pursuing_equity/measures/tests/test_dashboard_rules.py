"""Who may see a team's measures, and who sees them unsuppressed: roles × teams."""

import pytest

from pursuing_equity.core.tests.shared_data import shared
from pursuing_equity.measures.rules import (
    can_view_measure,
    can_view_network,
    can_view_shared_measures,
    can_view_team_measures,
    can_view_unsuppressed_measures,
)
from pursuing_equity.measures.tests.dashboard_data import make_world
from pursuing_equity.teams.membership import forget

# person → (sees the AC team's measures, sees the LN team's measures, sees them unsuppressed AC,
#           opens the page of measures shared with them)
MATRIX = {
    "anonymous": (False, False, False, False),
    "applicant": (False, False, False, True),
    "reviewer": (False, False, False, True),
    "funder": (False, False, False, True),
    "team_member": (True, False, True, True),
    "senior_leader": (True, False, True, True),
    "community_partner": (True, False, True, True),
    "ac_peer": (True, False, False, True),
    "ln_member": (False, True, False, True),
    "ln_small_cohort_peer": (False, True, False, True),
    "ln_other_small_cohort": (False, False, False, True),
    "coach": (True, False, False, True),
    "small_cohort_coach": (False, True, False, True),
    "other_faculty": (False, False, False, True),
    "staff": (True, True, False, True),
}


def _world():
    return make_world(months=3)


# One world for the module, rolled back after each test (see core/tests/shared_data.py).
world, world_built = shared(_world, name="world")


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(MATRIX))
def test_sharing_matrix(world, who):
    user = world.people[who]
    sees_ac, sees_ln, unsuppressed, shared_page = MATRIX[who]
    assert can_view_team_measures(user, world.ac_team) is sees_ac
    assert can_view_measure(user, world.measure) is sees_ac
    assert can_view_team_measures(user, world.ln_a) is sees_ln
    assert can_view_measure(user, world.ln_measure) is sees_ln
    assert can_view_unsuppressed_measures(user, world.ac_team) is unsuppressed
    assert can_view_shared_measures(user) is shared_page


@pytest.mark.django_db
def test_only_the_learning_network_team_itself_sees_its_numbers_unsuppressed(world):
    assert can_view_unsuppressed_measures(world.people["ln_member"], world.ln_a)
    for who in ("ln_small_cohort_peer", "small_cohort_coach", "staff"):
        assert not can_view_unsuppressed_measures(world.people[who], world.ln_a)


@pytest.mark.django_db
def test_a_learning_network_team_without_small_cohort_shares_with_nobody(world):
    world.ln_a_peer.small_cohort = None
    world.ln_a_peer.save()
    lonely = world.people["ln_small_cohort_peer"]
    forget(lonely)
    assert not can_view_team_measures(lonely, world.ln_a)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,allowed",
    [("staff", True), ("coach", True), ("other_faculty", True), ("team_member", False),
     ("ac_peer", False), ("reviewer", False), ("anonymous", False)],
)  # fmt: skip
def test_network_view_is_for_staff_and_faculty(world, who, allowed):
    assert can_view_network(world.people[who]) is allowed

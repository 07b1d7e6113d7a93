"""The teams app's pages make as many queries with three times the teams as with the few."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow
from pursuing_equity.teams.groups import affinity_choose, affinity_groups_ensure
from pursuing_equity.teams.models import SmallCohort, TeamMember
from pursuing_equity.teams.tests.factories import member, team_in

pytestmark = pytest.mark.django_db


def grow(world) -> None:
    """Another small cohort of four teams, more Action Community teams, members and leaders."""
    small = SmallCohort.objects.create(
        cycle=world.cycle, cohort=world.ln, name="Small cohort 3", coach=world.people["ln_coach"]
    )
    groups = affinity_groups_ensure(cycle=world.cycle)
    for i in range(4):
        team = team_in(world.ln, name=f"More LN {i}", region="West", small_cohort=small)
        member(team)
        member(team, TeamMember.Part.SENIOR_LEADER)
        # peers in the viewer's own small cohort too
        member(world.ln_teams[i])
    for i in range(4):
        team = team_in(world.ac, name=f"More AC {i}")
        team.coach = world.people["ac_coach"]
        team.save()
        leader = member(team, TeamMember.Part.SENIOR_LEADER)
        affinity_choose(actor=member(team), cycle=world.cycle, choice=groups[i % len(groups)].key)
        affinity_choose(actor=leader, cycle=world.cycle, choice=groups[0].key)


def test_team_pages_make_the_same_queries_however_many_teams(world, client):
    people = world.people

    def pages():
        return {
            "team list (staff)": (people["staff"], reverse("team_list")),
            "team list (faculty)": (people["faculty"], reverse("team_list")),
            "team page (member)": (
                people["ln_member"],
                reverse("team_detail", args=[world.ln_teams[0].slug]),
            ),
            "team page (staff)": (
                people["staff"],
                reverse("team_detail", args=[world.ac_teams[0].slug]),
            ),
            "coaches": (people["staff"], reverse("team_coaches")),
            "cohort builder": (people["staff"], reverse("cohort_builder")),
            "affinity groups": (people["ac_member"], reverse("affinity_groups")),
            "leadership workgroup": (people["ac_leader"], reverse("leadership_workgroup")),
        }

    assert_counts_do_not_grow(client, pages, lambda: grow(world))


def test_the_coaches_page_still_selects_each_teams_coach(world, client):
    client.force_login(world.people["staff"])
    body = client.get(reverse("team_coaches")).content.decode()
    coach = world.people["ac_coach"]
    assert f'<option value="{coach.pk}" selected>' in body

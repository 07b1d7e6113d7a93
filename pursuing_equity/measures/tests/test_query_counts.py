"""The measures pages make as many queries with more teams, measures and periods as with few."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow
from pursuing_equity.measures.tests.dashboard_data import make_world, submit, synthetic_rows
from pursuing_equity.measures.tests.factories import TeamFactory, measure, member

pytestmark = pytest.mark.django_db


def grow(world) -> None:
    """Six more months of the watched measures, a second measure, three more coached teams."""
    people = world.people
    submit(world.measure, synthetic_rows(months=12), people["team_member"])
    submit(world.ln_measure, synthetic_rows(months=12, seed=7), people["ln_member"])
    second = measure(
        world.ac_team,
        people["team_member"],
        name="Colorectal cancer screening",
        focus_area="colorectal_cancer_screening",
    )
    submit(second, synthetic_rows(months=12, seed=3), people["team_member"])
    for seed in range(3):
        team = TeamFactory(coach=people["coach"])
        owner = member(team)
        submit(measure(team, owner), synthetic_rows(months=12, seed=10 + seed), owner)


def test_measure_pages_make_the_same_queries_however_much_data(client):
    world = make_world(months=6)
    people = world.people
    team, m = world.ac_team.slug, world.measure.slug
    kwargs = {"team_slug": team, "measure_slug": m}
    dashboard = reverse("measure_dashboard", kwargs=kwargs)

    def pages():
        return {
            "team's measures": (people["team_member"], reverse("measure_list", args=[team])),
            "dashboard (member)": (people["team_member"], dashboard),
            "dashboard (peer team)": (people["ac_peer"], dashboard),
            "dashboard (coach)": (people["coach"], dashboard),
            "measure data": (
                people["team_member"],
                reverse("measure_data", kwargs={"team_slug": team, "measure_slug": m}),
            ),
            "grid": (people["team_member"], reverse("measure_grid", kwargs=kwargs)),
            "upload counts": (
                people["team_member"],
                reverse("measure_upload_counts", kwargs=kwargs),
            ),
            "upload extract": (
                people["team_member"],
                reverse("measure_upload_extract", kwargs=kwargs),
            ),
            "new measure": (people["team_member"], reverse("measure_create", args=[team])),
            "edit measure": (people["team_member"], reverse("measure_edit", kwargs=kwargs)),
            "new aim": (people["team_member"], reverse("aim_create", kwargs=kwargs)),
            "data connection (staff)": (
                people["staff"],
                reverse("measure_connection", kwargs=kwargs),
            ),
            "shared measures": (people["ac_peer"], reverse("measures_shared")),
            "shared measures (staff)": (people["staff"], reverse("measures_shared")),
            "network view (coach)": (people["coach"], reverse("measures_network")),
            "network view (staff)": (people["staff"], reverse("measures_network")),
        }

    assert_counts_do_not_grow(client, pages, lambda: grow(world))

"""Every persona's home makes as many queries with more teams, updates, PDSA cycles, coaching
slots, announcements and threads as with few, within its budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.community import services as community
from pursuing_equity.community.models import Announcement
from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow
from pursuing_equity.home.tests.test_home_panels import grow as grow_teams

pytestmark = pytest.mark.django_db

#: Queries of each home (the header, the navigation and every app's panels), after one visit.
#: Lower these when a home gets cheaper; never raise them to fit a new panel's per-item query.
# Each budget counts the data version read by the page's {% fresh %} block (core.freshness).
BUDGETS = {
    "member": 36,
    "leader": 40,
    "partner": 36,
    "ln_member": 30,
    "coach": 34,
    "staff": 41,
    "funder": 27,
    "reviewer": 12,
    "applicant": 11,
}


def grow(network, n: int, start: int) -> None:
    grow_teams(network, n, start=start)
    cycle = network.ac.cycle
    spaces = community.spaces_ensure(cycle=cycle)
    network_space = next(s for s in spaces if s.kind == "network")
    for i in range(start * 10, start * 10 + n):
        community.announcement_publish(
            actor=network.staff,
            cycle=cycle,
            audience=Announcement.Audience.EVERYONE,
            title=f"News {i}",
            body="Read this.",
        )
        community.thread_start(
            actor=network.member, space=network_space, title=f"Thread {i}", body="Hello."
        )


def test_every_home_makes_the_same_queries_however_much_data_within_its_budget(client, network):
    extra = {
        "funder": person(Role.FUNDER),
        "reviewer": person(Role.REVIEWER),
        "applicant": network.applicant,
    }
    grow(network, 1, start=0)

    def pages():
        return {
            name: (extra.get(name) or getattr(network, name), reverse("home")) for name in BUDGETS
        }

    counts = assert_counts_do_not_grow(client, pages, lambda: grow(network, 6, start=1))
    over = {name: (n, BUDGETS[name]) for name, n in counts.items() if n > BUDGETS[name]}
    assert not over, f"homes over their query budget (queries, budget): {over}"

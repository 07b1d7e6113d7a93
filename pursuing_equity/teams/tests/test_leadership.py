"""The leadership workgroup: Action Community senior leaders and alternates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.teams.groups import leadership_workgroup

pytestmark = pytest.mark.django_db


def test_the_workgroup_is_the_action_communitys_leaders_and_alternates(world):
    names = [(m.person.full_name, m.part) for m in leadership_workgroup(world.cycle)]
    assert names == [("Ari Leader", "senior_leader"), ("Avery Alternate", "alternate_leader")]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("faculty", 200),
        ("ac_leader", 200),
        ("ac_alternate", 200),
        ("ac_member", 403),
        ("ln_member", 403),
        ("funder", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_workgroup_page(world, login, who, status):
    response = login(world.people[who]).get(reverse("leadership_workgroup"))
    assert response.status_code == status
    body = response.content.decode()
    assert ("Avery Alternate" in body) is (status == 200)

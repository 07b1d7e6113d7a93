"""Racial justice affinity groups: a private choice, seen only by the person, the group's
facilitators and program staff — checked from the outside on every page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.teams.groups import affinity_choose, affinity_groups_ensure
from pursuing_equity.teams.models import AffinityMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def chosen(world):
    """Ash (AC Team 0) chose people of color; Fran (faculty) facilitates that group."""
    poc, white = affinity_groups_ensure(cycle=world.cycle)
    poc.facilitators.add(world.people["faculty"])
    affinity_choose(actor=world.people["ac_member"], cycle=world.cycle, choice="people_of_color")
    affinity_choose(actor=world.people["ac_leader"], cycle=world.cycle, choice="white")
    return poc, white


def pages(world, poc, white):
    return [
        reverse("affinity_groups"),
        reverse("affinity_group_members", args=[poc.key]),
        reverse("affinity_group_members", args=[white.key]),
        reverse("team_detail", args=[world.ac_teams[0].slug]),
        reverse("team_list"),
        reverse("leadership_workgroup"),
    ]


def test_groups_come_from_the_program_file(world):
    groups = affinity_groups_ensure(cycle=world.cycle)
    assert [(g.key, g.name) for g in groups] == [
        ("people_of_color", "People of color"),
        ("white", "White participants"),
    ]
    assert affinity_groups_ensure(cycle=world.cycle) == groups


@pytest.mark.parametrize(
    "who",
    ["anonymous", "ac_other_team", "ac_coach", "ln_coach", "ln_member", "funder", "ac_alternate"],
)
def test_nobody_else_learns_who_is_in_a_group(world, chosen, login, who):
    client = login(world.people[who])
    for url in pages(world, *chosen):
        response = client.get(url)
        body = response.content.decode()
        assert world.people["ac_member"].email not in body
        if "/affinity/" in url:
            # Affinity pages never name a member to them; member lists are closed to them.
            assert "Ash Member" not in body and "Ari Leader" not in body
            if url != reverse("affinity_groups"):
                assert response.status_code in (302, 403)
        else:
            # Other pages may name people (a team's members) but never their group.
            assert "People of color" not in body and "White participants" not in body
    # The groups' existence is public to signed-in people.
    if who != "anonymous":
        body = client.get(reverse("affinity_groups")).content.decode()
        assert "People of color" in body and "White participants" in body
        assert "You chose" not in body


def test_no_page_pairs_a_person_with_a_group_for_a_team_mate(world, chosen, login):
    """Ari leads Ash's team: the team page shows Ash, but never Ash's group."""
    client = login(world.people["ac_leader"])
    body = client.get(reverse("team_detail", args=[world.ac_teams[0].slug])).content.decode()
    assert "Ash Member" in body
    assert "People of color" not in body
    assert (
        client.get(reverse("affinity_group_members", args=["people_of_color"])).status_code == 403
    )


def test_the_person_sees_and_changes_their_own_choice(world, chosen, login):
    client = login(world.people["ac_member"])
    body = client.get(reverse("affinity_groups")).content.decode()
    assert "You chose <strong>People of color</strong>" in body
    response = client.post(reverse("affinity_groups"), {"choice": "not_say"}, follow=True)
    assert "You chose not to say" in response.content.decode()
    membership = AffinityMembership.objects.get(user=world.people["ac_member"])
    assert membership.group is None
    assert AuditEntry.objects.filter(action="affinity.choose").count() == 3


def test_facilitators_and_staff_see_the_members(world, chosen, login):
    poc, white = chosen
    for who in ("faculty", "staff"):
        body = (
            login(world.people[who])
            .get(reverse("affinity_group_members", args=[poc.key]))
            .content.decode()
        )
        assert "Ash Member" in body
        assert "Ari Leader" not in body
    assert (
        login(world.people["faculty"])
        .get(reverse("affinity_group_members", args=[white.key]))
        .status_code
        == 403
    )


def test_only_participants_choose_and_only_a_listed_choice(world, login):
    response = login(world.people["ln_member"]).post(
        reverse("affinity_groups"), {"choice": "white"}
    )
    assert not AffinityMembership.objects.exists()
    assert "Your choice" not in response.content.decode()
    with pytest.raises(ValidationError):
        affinity_choose(actor=world.people["ln_member"], cycle=world.cycle, choice="white")
    response = login(world.people["ac_member"]).post(
        reverse("affinity_groups"), {"choice": "somebody-else"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_staff_add_and_remove_facilitators_from_the_faculty(world, login):
    poc, _ = affinity_groups_ensure(cycle=world.cycle)
    client = login(world.people["staff"])
    url = reverse("affinity_group_members", args=[poc.key])
    response = client.post(url, {"user": world.people["ac_member"].pk})
    assert "Select a valid choice" in response.content.decode()
    client.post(url, {"user": world.people["faculty"].pk})
    assert list(poc.facilitators.all()) == [world.people["faculty"]]
    client.post(url, {"remove": world.people["faculty"].pk})
    assert not poc.facilitators.exists()
    # A facilitator cannot manage facilitators.
    poc.facilitators.add(world.people["faculty"])
    login(world.people["faculty"]).post(url, {"user": world.people["ln_coach"].pk})
    assert poc.facilitators.count() == 1


def test_an_unknown_group_is_not_found(world, login):
    assert (
        login(world.people["staff"])
        .get(reverse("affinity_group_members", args=["nope"]))
        .status_code
        == 404
    )

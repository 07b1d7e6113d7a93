"""The directory is kept between requests ({% fresh %}): a person's consent shows at once, and a
directory kept for a participant is never served to someone kept out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.community import services
from pursuing_equity.community.tests.factories import make_world
from pursuing_equity.core.tests.query_counts import read_twice
from pursuing_equity.teams.groups import affinity_choose

pytestmark = pytest.mark.django_db


def test_the_directory_shows_a_new_listing_at_once(client):
    p = make_world().people
    client.force_login(p["ln_peer"])
    url = reverse("directory")
    assert "Lina Lake" not in client.get(url).content.decode()
    assert "Lina Lake" not in client.get(url).content.decode()
    services.directory_entry_save(actor=p["ln_member"], show_name=True)
    assert "Lina Lake" in client.get(url).content.decode()


def test_a_kept_directory_is_still_refused_to_others(client):
    p = make_world().people
    services.directory_entry_save(actor=p["ln_member"], show_name=True)
    url = reverse("directory")
    client.force_login(p["ln_peer"])
    client.get(url)
    assert "Lina Lake" in client.get(url).content.decode()
    client.force_login(p["applicant"])
    response = client.get(url)
    assert response.status_code == 403
    assert "Lina Lake" not in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_the_spaces_list_shows_a_chosen_affinity_space_at_once_and_to_nobody_else(client):
    world = make_world()
    p = world.people
    space = world.spaces["affinity:people_of_color"]
    url = reverse("community")
    for person in ("ac_other", "ac_leader"):
        client.force_login(p[person])
        assert space.name not in client.get(url).content.decode()
        assert space.name not in client.get(url).content.decode()  # kept
    client.force_login(p["ac_other"])
    affinity_choose(actor=p["ac_other"], cycle=world.cycle, choice="people_of_color")
    assert space.name in client.get(url).content.decode()
    client.force_login(p["ac_leader"])  # affinity membership is private
    assert space.name not in client.get(url).content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_a_new_announcement_shows_at_once_and_a_kept_one_is_still_refused_to_others(client):
    world = make_world()
    p = world.people
    listing = reverse("announcements")
    assert "Coaches&#x27; huddle" not in read_twice(client, p["coach"], listing)
    announcement = services.announcement_publish(
        actor=p["staff"],
        cycle=world.cycle,
        audience="role",
        role="faculty",
        title="Coaches' huddle",
        body="Friday",
    )
    assert "Coaches&#x27; huddle" in client.get(listing).content.decode()
    detail = reverse("announcement_detail", args=[announcement.pk])
    assert "Friday" in client.get(detail).content.decode()
    assert "Friday" in client.get(detail).content.decode()  # kept
    client.force_login(p["ln_member"])
    assert "Coaches&#x27; huddle" not in client.get(listing).content.decode()
    response = client.get(detail)
    assert response.status_code == 403 and "Friday" not in response.content.decode()
    client.logout()
    assert client.get(detail).status_code == 302

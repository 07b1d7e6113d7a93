"""The directory is kept between requests ({% fresh %}): a person's consent shows at once, and a
directory kept for a participant is never served to someone kept out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.community import services
from pursuing_equity.community.tests.factories import make_world

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

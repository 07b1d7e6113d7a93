"""The people and organization tables are kept between requests ({% fresh %}): a change made
through the app shows at once, and a page kept for staff is never served to anyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.accounts import services

pytestmark = pytest.mark.django_db


def test_the_people_page_shows_a_role_given_at_once(staff_client, personas):
    faculty = personas.people["faculty"]
    url = reverse("people") + "?role=reviewer"
    assert faculty.email not in staff_client.get(url).content.decode()
    assert faculty.email not in staff_client.get(url).content.decode()
    response = staff_client.post(
        reverse("role_assign"), {"assign-email": faculty.email, "assign-role": "reviewer"}
    )
    assert response.status_code == 302
    assert faculty.email in staff_client.get(url).content.decode()


def test_the_organization_list_shows_a_renamed_organization_at_once(staff_client, personas):
    url = reverse("organization_list")
    assert "Org B" in staff_client.get(url).content.decode()
    assert "Org B" in staff_client.get(url).content.decode()
    services.organization_update(
        actor=personas.people["staff"], organization=personas.org_b, name="Org Beta"
    )
    body = staff_client.get(url).content.decode()
    assert "Org Beta" in body


@pytest.mark.parametrize("name", ["people", "organization_list"])
def test_a_kept_staff_table_is_still_refused_to_others(staff_client, client, personas, name):
    url = reverse(name)
    staff_client.get(url)
    assert staff_client.get(url).status_code == 200
    for who in ("faculty", "team_member_a", "applicant"):
        client.force_login(personas.people[who])
        response = client.get(url)
        assert response.status_code == 403
        assert personas.people["staff"].email not in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_a_kept_form_shows_a_rename_at_once_and_its_errors_after_a_post(staff_client, personas):
    url = reverse("organization_edit", args=[personas.org_b.slug])
    assert 'value="Org B"' in staff_client.get(url).content.decode()
    assert 'value="Org B"' in staff_client.get(url).content.decode()  # kept
    services.organization_update(
        actor=personas.people["staff"], organization=personas.org_b, name="Org Beta"
    )
    assert 'value="Org Beta"' in staff_client.get(url).content.decode()
    for address in (url, reverse("organization_create")):  # a POST is rendered, with its errors
        response = staff_client.post(address, {"name": ""})
        assert "This field is required." in response.content.decode()

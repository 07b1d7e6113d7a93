"""Organization pages from the outside: each persona, their own organization and another one."""

import pytest

from pursuing_equity.accounts.models import Organization
from pursuing_equity.accounts.tests.factories import OrganizationFactory
from pursuing_equity.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def get_as(client, personas, name, url):
    user = personas.people[name]
    if user:
        client.force_login(user)
    return client.get(url)


ACCESS = [
    # (url, personas allowed) — everyone else signed in gets 403, anonymous the login page
    ("/organizations/", {"staff"}),
    ("/organizations/new/", {"staff"}),
    (
        "/organizations/org-a/",
        # A reviewer sees only organizations whose applications they review
        # (review/tests/test_trust.py); the persona reviews none.
        {"staff", "faculty", "team_member_a", "senior_leader_a", "community_partner_a"},
    ),
    ("/organizations/org-b/", {"staff", "faculty"}),
    ("/organizations/org-a/edit/", {"staff", "team_member_a", "senior_leader_a"}),
    ("/organizations/org-b/edit/", {"staff"}),
    ("/people/", {"staff"}),
]
NAMES = [
    "anonymous",
    "applicant",
    "staff",
    "faculty",
    "reviewer",
    "team_member_a",
    "senior_leader_a",
    "community_partner_a",
    "funder",
]


@pytest.mark.parametrize(("url", "allowed"), ACCESS, ids=[u for u, _ in ACCESS])
def test_who_may_open_each_page(client, personas, url, allowed):
    statuses = {}
    for name in NAMES:
        client.logout()
        statuses[name] = get_as(client, personas, name, url).status_code
    expected = {name: 200 if name in allowed else 403 for name in NAMES}
    expected["anonymous"] = 302
    assert statuses == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    response = client.get("/organizations/org-a/")
    assert response["Location"] == "/accounts/login/?next=/organizations/org-a/"


def test_forbidden_page_is_the_friendly_one(client, personas):
    response = get_as(client, personas, "team_member_a", "/organizations/org-b/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text


def test_unknown_organization_is_not_found(client, personas):
    assert get_as(client, personas, "staff", "/organizations/nowhere/").status_code == 404


def test_staff_filter_the_table_by_type_region_and_size(client, personas):
    OrganizationFactory(
        name="Desert Clinic",
        slug="desert",
        state="AZ",
        census_region="West",
        org_type=Organization.Type.FQHC,
        size=Organization.Size.SMALL,
    )
    response = get_as(
        client, personas, "staff", "/organizations/?org_type=fqhc&region=West&size=small"
    )
    assert "Desert Clinic" in response.text
    assert "Org A" not in response.text
    response = client.get("/organizations/?region=Nowhere")
    assert response.status_code == 200


def test_team_member_edits_their_organization_and_the_change_is_audited(client, personas):
    response = get_as(client, personas, "team_member_a", "/organizations/org-a/edit/")
    assert 'type="checkbox"' in response.text
    response = client.post(
        "/organizations/org-a/edit/",
        {
            "name": "Org A Renamed",
            "org_type": "health_system",
            "city": "Portland",
            "state": "OR",
            "size": "large",
            "populations_served": ["rural", "veterans"],
            "website": "https://a.example.org",
        },
    )
    assert response.status_code == 302
    personas.org_a.refresh_from_db()
    assert (personas.org_a.name, personas.org_a.census_region) == ("Org A Renamed", "West")
    entry = AuditEntry.objects.get(action="organization.update")
    assert entry.actor == personas.people["team_member_a"]


def test_invalid_edit_shows_errors_next_to_the_fields(client, personas):
    get_as(client, personas, "staff", "/organizations/org-a/edit/")
    response = client.post(
        "/organizations/org-a/edit/", {"name": "", "state": "ZZ", "populations_served": ["x"]}
    )
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert not AuditEntry.objects.exists()


def test_staff_add_an_organization(client, personas):
    get_as(client, personas, "staff", "/organizations/new/")
    response = client.post(
        "/organizations/new/",
        {
            "name": "Harbor FQHC",
            "org_type": "fqhc",
            "state": "MA",
            "size": "small",
            "populations_served": ["immigrant_refugee"],
        },
    )
    assert response["Location"] == "/organizations/harbor-fqhc/"
    assert Organization.objects.get(slug="harbor-fqhc").census_region == "Northeast"
    assert AuditEntry.objects.filter(action="organization.create").count() == 1


def test_my_organization_goes_to_the_persons_organization(client, personas):
    response = get_as(client, personas, "community_partner_a", "/organizations/mine/")
    assert response["Location"] == "/organizations/org-a/"


def test_my_organization_explains_when_there_is_none(client, personas):
    response = get_as(client, personas, "applicant", "/organizations/mine/")
    assert response.status_code == 200
    assert "not linked to an organization yet" in response.text

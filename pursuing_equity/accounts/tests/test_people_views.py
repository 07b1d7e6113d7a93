import pytest
from django.core import mail

from pursuing_equity.accounts import rules
from pursuing_equity.accounts.models import Role, RoleAssignment, User
from pursuing_equity.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_people_page_lists_everyone_with_their_roles(staff_client, personas):
    response = staff_client.get("/people/")
    for user in filter(None, personas.people.values()):
        assert user.email in response.text
    assert "Team member at" in response.text


def test_people_page_filters_by_role(staff_client, personas):
    response = staff_client.get("/people/?role=reviewer")
    assert personas.people["reviewer"].email in response.text
    assert personas.people["faculty"].email not in response.text
    assert staff_client.get("/people/?role=bogus").status_code == 200


def test_staff_invite_a_person_with_a_role(staff_client, personas, settings):
    settings.PE_SITE_URL = "https://equity.example.org"
    response = staff_client.post(
        "/people/invite/",
        {
            "invite-full_name": "Kai Lee",
            "invite-email": "kai@example.org",
            "invite-role": "team_member",
            "invite-organization": personas.org_b.pk,
        },
    )
    assert response.status_code == 302
    kai = User.objects.get(email="kai@example.org")
    assert rules.organizations_of(kai) == {personas.org_b.pk}
    assert mail.outbox[0].to == ["kai@example.org"]
    assert "https://equity.example.org/accounts/password/reset/key/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="person.invite").exists()


def test_invite_with_a_team_role_but_no_organization_shows_the_error(staff_client):
    response = staff_client.post(
        "/people/invite/",
        {
            "invite-full_name": "Kai",
            "invite-email": "kai@example.org",
            "invite-role": "team_member",
        },
    )
    assert response.status_code == 400
    assert "Choose the organization of this team member" in response.text
    assert not User.objects.filter(email="kai@example.org").exists()


def test_staff_give_and_remove_a_role(staff_client, personas):
    faculty = personas.people["faculty"]
    response = staff_client.post(
        "/people/roles/assign/", {"assign-email": faculty.email, "assign-role": "reviewer"}
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=faculty, role=Role.REVIEWER)
    response = staff_client.post(f"/people/roles/{assignment.pk}/revoke/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "role.assign",
        "role.revoke",
    ]


def test_giving_a_role_to_an_unknown_address_shows_the_error(staff_client):
    response = staff_client.post(
        "/people/roles/assign/", {"assign-email": "ghost@example.org", "assign-role": "funder"}
    )
    assert response.status_code == 400
    assert "No one has an account with this email address" in response.text


def test_giving_a_role_twice_shows_the_error(staff_client, personas):
    response = staff_client.post(
        "/people/roles/assign/",
        {"assign-email": personas.people["funder"].email, "assign-role": "funder"},
    )
    assert response.status_code == 400
    assert RoleAssignment.objects.filter(user=personas.people["funder"]).count() == 1


def test_the_last_staff_role_is_kept_with_a_message(staff_client, personas):
    assignment = personas.people["staff"].role_assignments.get()
    response = staff_client.post(f"/people/roles/{assignment.pk}/revoke/", follow=True)
    assert "last program staff role" in response.text
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize(
    "url", ["/people/invite/", "/people/roles/assign/", "/people/roles/{pk}/revoke/"]
)
def test_people_actions_are_forbidden_to_others(client, personas, url):
    url = url.format(pk=personas.people["funder"].role_assignments.get().pk)
    client.force_login(personas.people["senior_leader_a"])
    assert client.post(url, {}).status_code == 403
    client.logout()
    assert client.post(url, {}).status_code == 302


def test_people_actions_refuse_get(staff_client):
    assert staff_client.get("/people/invite/").status_code == 405

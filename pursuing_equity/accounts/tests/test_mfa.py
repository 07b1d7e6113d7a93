"""Program staff and reviewers must set up an authenticator app (unless PE_REQUIRE_MFA is off)."""

import pytest

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person, with_totp

pytestmark = pytest.mark.django_db

SETUP_URL = "/accounts/2fa/totp/activate/?required=1"


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.PE_REQUIRE_MFA = True


@pytest.mark.parametrize("role", [Role.PROGRAM_STAFF, Role.REVIEWER])
def test_staff_and_reviewers_without_totp_are_sent_to_set_it_up(client, role):
    client.force_login(person(role, totp=False))
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == SETUP_URL


def sign_in(client, user):
    client.post("/accounts/login/", {"login": user.email, "password": "correct horse battery"})


def confirm_password(client, response):
    """allauth asks for the password again before anyone changes how they sign in."""
    assert "Confirm your password" in response.text
    return client.post(
        response.redirect_chain[-1][0], {"password": "correct horse battery"}, follow=True
    )


def test_signing_in_staff_without_totp_lands_on_the_explained_setup_page(client):
    sign_in(client, person(Role.PROGRAM_STAFF, totp=False))
    response = confirm_password(client, client.get("/home/", follow=True))
    assert response.redirect_chain[-1][0] == SETUP_URL
    assert "Before you continue, set up an authenticator app" in response.text
    assert 'action="/accounts/2fa/totp/activate/?required=1"' in response.text


def test_the_setup_page_without_the_flag_has_no_warning(client):
    sign_in(client, person(Role.TEAM_MEMBER, OrganizationFactory()))
    response = confirm_password(client, client.get("/accounts/2fa/totp/activate/", follow=True))
    assert response.status_code == 200
    assert "Before you continue" not in response.text


def test_staff_with_totp_get_in(client):
    client.force_login(with_totp(person(Role.PROGRAM_STAFF, totp=False)))
    assert client.get("/home/").status_code == 200


def test_turning_the_setting_off_lets_staff_in_without_totp(client, settings):
    settings.PE_REQUIRE_MFA = False
    client.force_login(person(Role.PROGRAM_STAFF, totp=False))
    assert client.get("/home/").status_code == 200


@pytest.mark.parametrize("role", [Role.TEAM_MEMBER, Role.SENIOR_LEADER, Role.COMMUNITY_PARTNER])
def test_team_roles_are_never_forced(client, role):
    client.force_login(person(role, OrganizationFactory()))
    assert client.get("/home/").status_code == 200


@pytest.mark.parametrize("role", [Role.FACULTY, Role.FUNDER, None])
def test_other_roles_and_applicants_are_never_forced(client, role):
    client.force_login(person(role))
    assert client.get("/home/").status_code == 200


def test_staff_without_totp_can_still_sign_out(client):
    client.force_login(person(Role.PROGRAM_STAFF, totp=False))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_with_totp_are_asked_for_a_code_at_sign_in(client):
    staff = with_totp(person(Role.PROGRAM_STAFF, totp=False, email="coach@example.org"))
    response = client.post(
        "/accounts/login/", {"login": staff.email, "password": "correct horse battery"}, follow=True
    )
    assert "Two-factor authentication" in response.text
    assert "_auth_user_id" not in client.session

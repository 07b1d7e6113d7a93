"""The admin and staff sessions, probed from outside (issue 13): the admin's password-only login,
sessions that skipped MFA, superusers without MFA, role changes in the admin, long staff sessions
and login throttling behind a proxy."""

import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache

from pursuing_equity.accounts.models import Role, RoleAssignment, User
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person, with_totp

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.PE_REQUIRE_MFA = True


def current_code(user) -> str:
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).wrap().instance
    from allauth.mfa.utils import decrypt

    return format_hotp_value(hotp_value(decrypt(secret.data["secret"]), int(time.time()) // 30))


def superuser(*, totp: bool) -> User:
    """As ``createsuperuser`` makes one (with a verified address), holding no program role."""
    user = person(None, email="root@example.org")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    return with_totp(user) if totp else user


def test_the_admin_login_page_is_allauths(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_posting_a_password_to_the_admin_login_signs_nobody_in(client):
    user = superuser(totp=True)
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_session_that_skipped_mfa_is_signed_out(client):
    staff = person(Role.PROGRAM_STAFF)
    client.force_login(staff)
    session = client.session
    del session[AUTHENTICATION_METHODS_SESSION_KEY]
    session.save()
    for path in ("/home/", "/admin/", "/accounts/2fa/totp/deactivate/"):
        client.force_login(staff)
        session = client.session
        del session[AUTHENTICATION_METHODS_SESSION_KEY]
        session.save()
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        assert "_auth_user_id" not in client.session


def test_superusers_without_an_authenticator_must_set_one_up(client):
    client.force_login(superuser(totp=False))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?required=1"


def test_staff_sign_in_with_password_and_code_reaches_the_admin_for_eight_hours(client, settings):
    user = superuser(totp=True)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not signed in yet: the code is missing
    client.post("/accounts/2fa/authenticate/", {"code": current_code(user)})
    assert client.get("/admin/").status_code == 200
    assert client.session.get_expiry_age() == settings.PE_STAFF_SESSION_SECONDS == 8 * 60 * 60


def test_team_members_keep_the_usual_session_length(client, settings):
    member = person(Role.TEAM_MEMBER, OrganizationFactory())
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


@pytest.mark.django_db(transaction=True)  # allauth signals the new authenticator on commit
def test_setting_up_an_authenticator_counts_as_passing_mfa(client):
    staff = person(Role.PROGRAM_STAFF, totp=False)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/", follow=True)
    if "Confirm your password" in page.text:  # allauth's reauthentication before MFA changes
        page = client.post(page.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/home/").status_code == 200


def test_roles_cannot_be_changed_in_the_admin(client):
    admin_user = superuser(totp=True)
    member = person(Role.TEAM_MEMBER, OrganizationFactory())
    client.force_login(admin_user)
    assignment = RoleAssignment.objects.get(user=member)
    assert client.get("/admin/accounts/roleassignment/add/").status_code == 403
    response = client.post(
        f"/admin/accounts/roleassignment/{assignment.pk}/change/",
        {"user": member.pk, "role": Role.PROGRAM_STAFF, "organization": ""},
    )
    assert response.status_code == 403
    response = client.post(f"/admin/accounts/user/{member.pk}/change/", {"is_superuser": "on"})
    member.refresh_from_db()
    assert not member.is_superuser and not member.is_staff
    assert list(member.role_assignments.values_list("role", flat=True)) == [Role.TEAM_MEMBER]
    assert client.get(f"/admin/accounts/roleassignment/{assignment.pk}/change/").status_code == 200


@pytest.fixture
def throttled(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def attempt(client, email: str, password: str, ip: str):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        HTTP_X_FORWARDED_FOR=ip,
        REMOTE_ADDR="10.0.0.1",  # the proxy
    )


def test_bad_logins_behind_the_proxy_do_not_lock_out_everyone(client, throttled):
    bystander = person(Role.TEAM_MEMBER, OrganizationFactory())
    for attempt_number in range(10):
        attempt(client, f"nobody{attempt_number}@example.org", "wrong", "203.0.113.9")
    response = attempt(client, bystander.email, PASSWORD, "198.51.100.7")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_guessing_one_accounts_password_from_many_addresses_is_stopped(client, throttled):
    victim = person(Role.TEAM_MEMBER, OrganizationFactory())
    for n in range(5):
        attempt(client, victim.email, "wrong", f"203.0.113.{n}")
    response = attempt(client, victim.email, PASSWORD, "203.0.113.99")
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.text

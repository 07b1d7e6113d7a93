"""Signing up, confirming the address, signing in and resetting a password — all from the outside."""

import re

import pytest
from django.core import mail
from django.tasks.signals import task_enqueued

from pursuing_equity.accounts.models import User
from pursuing_equity.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def links(message) -> list[str]:
    return re.findall(r"https?://testserver(/\S+)", message.body)


@pytest.fixture
def enqueued():
    """Names of the tasks enqueued while the test runs."""
    names: list[str] = []

    def record(sender, task_result, **kwargs):
        names.append(task_result.task.name)

    task_enqueued.connect(record)
    yield names
    task_enqueued.disconnect(record)


def test_signup_sends_a_confirmation_link_that_signs_the_person_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Ana Reyes",
            "email": "applicant@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        follow=True,
    )
    assert "Confirm your email address" in response.text
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    (confirm,) = [link for link in links(mail.outbox[0]) if "confirm-email" in link]
    page = client.get(confirm)
    assert "Please confirm that" in page.text
    response = client.post(confirm, follow=True)
    assert response.redirect_chain[-1][0] == "/home/"
    assert "Applying to Pursuing Equity" in response.text


def test_unconfirmed_address_cannot_sign_in(client):
    UserFactory(email="new@example.org", verified=False)
    response = client.post(
        "/accounts/login/",
        {"login": "new@example.org", "password": "correct horse battery"},
        follow=True,
    )
    assert "_auth_user_id" not in client.session
    assert "Confirm your email address" in response.text
    assert mail.outbox and "new@example.org" in mail.outbox[0].to


def test_wrong_password_shows_a_clear_error(client):
    UserFactory(email="someone@example.org")
    response = client.post(
        "/accounts/login/", {"login": "someone@example.org", "password": "not it"}
    )
    assert response.status_code == 200
    assert "not correct" in response.text
    assert 'role="alert"' in response.text


def test_a_bad_confirmation_link_gives_a_clear_page(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "This link has expired or is not valid" in response.text


def test_a_bad_password_reset_link_gives_a_clear_page(client):
    response = client.get("/accounts/password/reset/key/1-nonsense/")
    assert "This link has expired or is not valid" in response.text
    assert "Ask for a new link" in response.text


def test_password_reset_email_goes_through_the_task_queue(client, enqueued):
    UserFactory(email="forgetful@example.org")
    response = client.post(
        "/accounts/password/reset/", {"email": "forgetful@example.org"}, follow=True
    )
    assert "Check your email" in response.text
    assert enqueued == ["deliver_email"]
    assert mail.outbox[0].to == ["forgetful@example.org"]
    (reset,) = [link for link in links(mail.outbox[0]) if "/password/reset/key/" in link]
    page = client.get(reset, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"password1": "brand-new-phrase-1", "password2": "brand-new-phrase-1"},
    )
    assert User.objects.get(email="forgetful@example.org").check_password("brand-new-phrase-1")


def test_login_page_says_when_two_factor_is_not_required(client, settings):
    settings.PE_REQUIRE_MFA = False
    assert (
        "Demo: two-factor authentication is not required here"
        in client.get("/accounts/login/").text
    )


def test_login_page_in_demo_mode_says_two_factor_is_not_required(client, settings):
    settings.PE_DEMO = True
    assert (
        "Demo: two-factor authentication is not required here"
        in client.get("/accounts/login/").text
    )


def test_login_page_is_silent_about_two_factor_when_it_is_required(client, settings):
    settings.PE_REQUIRE_MFA, settings.PE_DEMO = True, False
    assert "not required here" not in client.get("/accounts/login/").text

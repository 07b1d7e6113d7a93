"""Settings every test run shares: tasks run at once, email is captured in memory."""

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _fast_and_captured(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Django's test set-up makes every mailer locmem; put the queue back in front so tests send
    # email the way production does (queue -> task -> delivery), landing in mail.outbox.
    settings.MAILERS = {
        "default": {"BACKEND": "pursuing_equity.core.mail.TaskQueueEmailBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNT_RATE_LIMITS = {}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _program_documents_decoded_afresh():
    """Some tests edit a cycle's document in place; the next test must not see the edit, nor a
    page kept by an earlier test."""
    from django.core.cache import caches

    from pursuing_equity.programs.fields import clear_decoded
    from pursuing_equity.programs.rendered import clear_program_bodies

    def clear():
        clear_decoded()
        clear_program_bodies()
        caches["fragments"].clear()  # kept page HTML ({% fresh %}): keys may recur across tests

    clear()
    yield
    clear()


@pytest.fixture(autouse=True)
def _force_login_passes_mfa(monkeypatch):
    """``client.force_login(user)`` stands for a full sign-in: a user with an authenticator app
    has passed its code in that session, as allauth's MFA stage records it. Tests of sessions
    that skipped MFA remove the record (accounts/tests/test_mfa.py)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    login = Client._login

    def _login(self, user, backend=None):
        login(self, user, backend)
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            request = type("Request", (), {"session": self.session})()
            record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
            request.session.save()

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture
def deliver_with(settings):
    """Choose the backend the delivery task uses, e.g. the capturing one behind the outbox."""

    def choose(backend: str) -> None:
        settings.MAILERS = {**settings.MAILERS, "delivery": {"BACKEND": backend}}

    return choose

"""Settings every test run shares: tasks run at once, email is captured in memory."""

import pytest


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


@pytest.fixture
def deliver_with(settings):
    """Choose the backend the delivery task uses, e.g. the capturing one behind the outbox."""

    def choose(backend: str) -> None:
        settings.MAILERS = {**settings.MAILERS, "delivery": {"BACKEND": backend}}

    return choose

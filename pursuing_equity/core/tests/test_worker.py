"""Email waits in django-tasks-db's table until ``manage.py db_worker`` delivers it."""

import pytest
from django.core.mail import send_mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from pursuing_equity.core.models import CapturedEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings, deliver_with):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    deliver_with("pursuing_equity.core.mail.CapturingEmailBackend")


def test_email_waits_in_the_queue_until_the_worker_delivers_it(database_queue):
    send_mail("Welcome", "Hello from the queue", None, ["team@example.org"])
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert not CapturedEmail.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    email = CapturedEmail.objects.get()
    assert (email.subject, email.to, email.body) == (
        "Welcome",
        ["team@example.org"],
        "Hello from the queue",
    )


def test_a_failing_delivery_is_recorded_as_a_failed_task(database_queue, deliver_with):
    deliver_with("no.such.Backend")
    send_mail("Welcome", "Hello", None, ["team@example.org"])
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get().status == "FAILED"

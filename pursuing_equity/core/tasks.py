"""Background tasks of the core app."""

from django.tasks import task

from pursuing_equity.core.mail import deliver


@task()
def deliver_email(message: dict) -> int:
    """Deliver one serialised email with the configured delivery backend."""
    return deliver(message)

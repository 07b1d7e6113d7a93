"""Background tasks of the core app: the worker's side of email (``core.mail`` enqueues)."""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives, mailers
from django.tasks import task


def message_from_dict(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data.get("cc") or [],
        bcc=data.get("bcc") or [],
        reply_to=data.get("reply_to") or [],
    )
    if data.get("html"):
        message.attach_alternative(data["html"], "text/html")
    return message


def deliver(data: dict[str, Any]) -> int:
    return mailers["delivery"].send_messages([message_from_dict(data)])


@task()
def deliver_email(message: dict) -> int:
    """Deliver one serialised email with the configured delivery backend."""
    return deliver(message)

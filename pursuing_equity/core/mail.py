"""Email: every message goes through the task queue, then a delivery backend.

``TaskQueueEmailBackend`` is the "default" mailer (settings.MAILERS) everywhere, so Django,
django-allauth and our own services all send through it without knowing. It serialises each message
and enqueues :func:`pursuing_equity.core.tasks.deliver_email`, which rebuilds it and hands it to the "delivery" mailer
(SMTP in production, :class:`CapturingEmailBackend` in development, tests and the demo).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from pursuing_equity.core.tasks import deliver_email


def message_to_dict(message: EmailMessage) -> dict[str, Any]:
    html = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = str(content)
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "html": html,
        "from_email": str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        "to": [str(a) for a in message.to],
        "cc": [str(a) for a in message.cc],
        "bcc": [str(a) for a in message.bcc],
        "reply_to": [str(a) for a in message.reply_to],
    }


class TaskQueueEmailBackend(BaseEmailBackend):
    """Enqueue each message for delivery by the background worker."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            deliver_email.enqueue(message_to_dict(message))
            count += 1
        return count


class CapturingEmailBackend(BaseEmailBackend):
    """Store messages in the database, where program staff can read them (the outbox)."""

    def send_messages(self, email_messages):
        from pursuing_equity.core.models import CapturedEmail

        for message in email_messages:
            data = message_to_dict(message)
            CapturedEmail.objects.create(
                subject=data["subject"][:998],
                from_email=data["from_email"],
                to=data["to"],
                cc=data["cc"],
                bcc=data["bcc"],
                body=data["body"],
                html_body=data["html"],
            )
        return len(email_messages)

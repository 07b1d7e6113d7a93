"""The one way our code sends email: the subject prefix added once, every message through the queue.

Messages go to the "default" mailer (:class:`pursuing_equity.core.mail.TaskQueueEmailBackend`), so
they are delivered by the worker after the sending transaction commits, never inside a request.
Links in a message are built with :func:`pursuing_equity.core.urls.absolute_url`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template import Context
from django.template.loader import get_template


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping: in an email "&" must stay "&"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def send(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
    one_each: bool = False,
) -> int:
    """Send ``body`` under ``subject`` (prefixed with ``ACCOUNT_EMAIL_SUBJECT_PREFIX``).

    ``one_each`` sends a separate message to each address in ``to``, so that people who do not
    know each other (everyone invited to an event) do not see one another's address. Returns how
    many messages were sent; nothing is sent when ``to`` is empty.
    """
    addresses = [a for a in to if a]
    if not addresses:
        return 0
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject.strip()}"
    batches: Iterable[list[str]] = [[a] for a in addresses] if one_each else [addresses]
    messages = [
        EmailMessage(subject=subject, body=body, to=batch, cc=list(cc), reply_to=list(reply_to))
        for batch in batches
    ]
    return mailers["default"].send_messages(messages)


def send_templated(
    *,
    template_prefix: str,
    context: dict[str, Any],
    to: Sequence[str],
    cc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
    one_each: bool = False,
) -> int:
    """Render ``<template_prefix>_subject.txt`` and ``<template_prefix>_message.txt`` with
    ``context`` and :func:`send` them (the subject's line breaks are dropped)."""
    if not [a for a in to if a]:
        return 0
    subject = " ".join(render_text(f"{template_prefix}_subject.txt", context).split())
    body = render_text(f"{template_prefix}_message.txt", context)
    return send(subject=subject, body=body, to=to, cc=cc, reply_to=reply_to, one_each=one_each)

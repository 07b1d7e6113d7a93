"""The one email helper: prefix once, through the queue, plain text left as typed."""

import pytest
from django.core import mail

from pursuing_equity.core.email import send, send_templated
from pursuing_equity.core.urls import absolute_url

pytestmark = pytest.mark.django_db


def test_a_templated_email_is_rendered_prefixed_and_delivered_through_the_queue():
    sent = send_templated(
        template_prefix="events/email/event_changed",
        context={
            "event": type(
                "E",
                (),
                {
                    "cancelled": True,
                    "title": "Coaching & learning",
                    "starts_at": None,
                    "ends_at": None,
                    "where": "Online",
                    "video_url": "",
                },
            )(),
            "url": absolute_url("/calendar/1/"),
        },
        to=["a@example.org"],
    )
    assert sent == 1
    (message,) = mail.outbox
    assert message.subject == "[Pursuing Equity] Cancelled: Coaching & learning"
    assert "Coaching & learning" in message.body and "&amp;" not in message.body


def test_one_each_keeps_recipients_apart_and_nobody_means_no_message():
    assert (
        send(subject="Hello", body="Hi", to=["a@example.org", "b@example.org"], one_each=True) == 2
    )
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    assert send(subject="Hello", body="Hi", to=[]) == 0
    assert len(mail.outbox) == 2


def test_links_use_the_configured_site_address(settings):
    settings.PE_SITE_URL = "https://equity.example.org/"
    assert absolute_url("/updates/") == "https://equity.example.org/updates/"

import pytest
from django.core import mail

from pursuing_equity.core.models import CapturedEmail

pytestmark = pytest.mark.django_db


def test_staff_read_captured_emails(client, personas, deliver_with):
    deliver_with("pursuing_equity.core.mail.CapturingEmailBackend")
    mail.send_mail(
        "Your application", "Hello there, see https://example.org/x", None, ["lead@example.org"]
    )
    email = CapturedEmail.objects.get()
    client.force_login(personas.people["staff"])
    listing = client.get("/staff/outbox/").text
    assert "Your application" in listing and "lead@example.org" in listing
    detail = client.get(f"/staff/outbox/{email.pk}/").text
    assert "Hello there" in detail
    assert '<a href="https://example.org/x"' in detail


def test_empty_outbox_explains_what_will_appear(client, personas):
    client.force_login(personas.people["staff"])
    assert "No email has been sent yet" in client.get("/staff/outbox/").text


def test_unknown_email_is_not_found(client, personas):
    client.force_login(personas.people["staff"])
    assert client.get("/staff/outbox/999999/").status_code == 404

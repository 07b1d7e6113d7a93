"""Decision letters are previewed then sent once through the task queue; the digest goes out once a day."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.review import decisions
from pursuing_equity.review.models import DecisionLetter, DigestSent
from pursuing_equity.review.tests.factories import received


def not_selected(cycle, staff_user):
    application = received(cycle)
    decisions.decision_record(
        actor=staff_user,
        application=application,
        decision="not_selected_for_action_community",
        feedback="Your data work is promising.",
        reviews_override_reason="Letter test: no reviewers.",
    )
    return application


def test_staff_preview_the_letter_before_sending(client, cycle, staff_user):
    application = not_selected(cycle, staff_user)
    client.force_login(staff_user)
    url = reverse("review_letter", args=[application.pk, "action_community_not_selected"])
    mail.outbox.clear()
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Your data work is promising." in body and "accept or decline the offer" in body
    assert reverse("application_status", args=[application.pk]) in body
    assert mail.outbox == [] and not DecisionLetter.objects.exists()

    assert client.post(url).status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "offer to join the Learning Network" in message.subject
    assert message.to == [application.created_by.email]
    assert len(message.cc) == application.roster.count()
    assert "Your data work is promising." in message.body


def test_the_letter_greets_the_applicant_by_name_never_by_email(cycle, staff_user):
    application = not_selected(cycle, staff_user)
    application.created_by.full_name = "Ana Reyes"
    application.created_by.save()
    sent = decisions.letter_send(
        actor=staff_user, application=application, kind="action_community_not_selected"
    )
    assert sent.body.startswith("Dear Ana Reyes,")


def test_an_account_without_a_name_gets_a_neutral_greeting(cycle, staff_user):
    application = not_selected(cycle, staff_user)
    person = application.created_by
    person.full_name = person.preferred_name = ""
    person.save()
    sent = decisions.letter_send(
        actor=staff_user, application=application, kind="action_community_not_selected"
    )
    assert sent.body.startswith(f"Dear {application.organization.name} team,")
    assert person.email not in sent.body


def test_a_letter_is_never_sent_twice(cycle, staff_user):
    application = not_selected(cycle, staff_user)
    decisions.letter_send(
        actor=staff_user, application=application, kind="action_community_not_selected"
    )
    with pytest.raises(ValidationError, match="already sent"):
        decisions.letter_send(
            actor=staff_user, application=application, kind="action_community_not_selected"
        )


def test_a_letter_no_decision_calls_for_is_refused(client, cycle, staff_user):
    application = received(cycle)
    with pytest.raises(ValidationError):
        decisions.letter_send(actor=staff_user, application=application, kind="decline")
    client.force_login(staff_user)
    assert client.get(reverse("review_letter", args=[application.pk, "decline"])).status_code == 404


def test_the_digest_lists_due_applications_and_goes_out_once_a_day(cycle, staff_user):
    # Received October 1, 2022 (Learning Network: due within 30 days); the digest of October 28.
    received(
        cycle,
        "learning_network",
        submitted_at=datetime.datetime(2022, 10, 1, 15, tzinfo=datetime.UTC),
    )
    mail.outbox.clear()
    call_command("send_review_digest", "--date", "2022-10-28")
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [staff_user.email]
    assert "1 application due" in digest.subject
    assert "3 days left" in digest.body
    call_command("send_review_digest", "--date", "2022-10-28")
    assert len(mail.outbox) == 1
    assert DigestSent.objects.count() == 1
    call_command("send_review_digest", "--date", "2022-10-29")
    assert len(mail.outbox) == 2


def test_the_queue_shows_days_left_and_overdue(client, cycle, staff_user):
    # Received at noon 45 local days ago (not now minus 45 × 24 h, which crosses a DST change
    # and, in the evening, a local midnight).
    day = timezone.localdate() - datetime.timedelta(days=45)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    received(cycle, "learning_network", submitted_at=noon)
    client.force_login(staff_user)
    page = client.get(reverse("review_queue"), {"cycle": cycle.slug})
    assert "Overdue by 15 days" in page.content.decode()

"""Submitting: complete, on time (or extended), once, with an acknowledgement."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pursuing_equity.applications import services, transitions
from pursuing_equity.applications.tests import factories as f
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs.models import Cohort


def close_call(app, days_ago: int = 1):
    Cohort.objects.filter(pk=app.cohort_choice_id).update(
        application_deadline=datetime.date.today() - datetime.timedelta(days=days_ago)
    )


@pytest.mark.django_db
def test_submission_is_received_and_acknowledged_with_a_copy():
    app = f.complete(f.draft(cycle=f.open_cycle()))
    mail.outbox.clear()
    submitted = transitions.application_submit(actor=app.created_by, application=app)
    assert submitted.state == "submitted" and submitted.submitted_at is not None
    [message] = mail.outbox
    assert message.to == [app.created_by.email]
    assert "Application received" in message.subject
    assert "Close the hypertension control gap" in message.body
    assert "member1@example.org" in message.body
    assert message.body.startswith(f"Dear {app.created_by.full_name},")


@pytest.mark.django_db
def test_the_acknowledgement_greets_an_account_without_a_name_neutrally():
    app = f.complete(f.draft(cycle=f.open_cycle()))
    app.created_by.full_name = ""
    app.created_by.save()
    mail.outbox.clear()
    transitions.application_submit(actor=app.created_by, application=app)
    [message] = mail.outbox
    assert message.body.startswith("Hello,")
    assert "Dear" not in message.body


@pytest.mark.django_db
def test_double_submit_is_harmless(client):
    app = f.complete(f.draft(cycle=f.open_cycle()))
    client.force_login(app.created_by)
    mail.outbox.clear()
    url = reverse("application_review", args=[app.pk])
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert len(mail.outbox) == 1
    assert (
        AuditEntry.objects.filter(action="application.submit", object_id=str(app.pk)).count() == 1
    )
    assert f.fresh(app).state == "submitted"


@pytest.mark.django_db
def test_incomplete_application_is_refused_with_what_is_missing(client):
    app = f.draft(cycle=f.open_cycle())
    client.force_login(app.created_by)
    response = client.post(reverse("application_review", args=[app.pk]))
    assert response.status_code == 400
    assert "not complete yet" in response.content.decode()
    assert f.fresh(app).state == "draft"


@pytest.mark.django_db
def test_late_submission_is_refused():
    app = f.complete(f.draft(cycle=f.open_cycle()))
    close_call(app)
    with pytest.raises(ValidationError, match="deadline"):
        transitions.application_submit(actor=app.created_by, application=app)
    assert f.fresh(app).state == "draft"


@pytest.mark.django_db
def test_review_page_says_the_deadline_has_passed_and_offers_no_submit(client):
    app = f.complete(f.draft(cycle=f.open_cycle()))
    close_call(app)
    client.force_login(app.created_by)
    page = client.get(reverse("application_review", args=[app.pk])).content.decode()
    assert "has passed" in page
    assert "Submit the application</button>" not in page


@pytest.mark.django_db
def test_a_staff_extension_lets_one_application_submit_late(personas):
    app = f.complete(f.draft(cycle=f.open_cycle()))
    other = f.complete(f.draft(cycle=app.cycle))
    close_call(app, days_ago=3)
    services.deadline_extend(
        actor=personas.people["staff"],
        application=app,
        new_deadline=datetime.date.today() + datetime.timedelta(days=2),
        reason="Board chair travelling; letter delayed.",
    )
    assert (
        transitions.application_submit(actor=app.created_by, application=app).state == "submitted"
    )
    with pytest.raises(ValidationError):
        transitions.application_submit(actor=other.created_by, application=other)
    entry = AuditEntry.objects.get(action="application.deadline_extend")
    assert entry.note == "Board chair travelling; letter delayed."


@pytest.mark.django_db
def test_only_staff_extend_and_a_reason_is_required(personas, client):
    app = f.draft(cycle=f.open_cycle())
    with pytest.raises(PermissionDenied):
        services.deadline_extend(
            actor=app.created_by,
            application=app,
            new_deadline=datetime.date.today() + datetime.timedelta(days=90),
            reason="Please",
        )
    client.force_login(personas.people["staff"])
    url = reverse("application_extend", args=[app.pk])
    response = client.post(url, {"new_deadline": "2099-01-01", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason" in response.content.decode()
    response = client.post(url, {"new_deadline": "2000-01-01", "reason": "Late letter"})
    assert "after the cohort" in response.content.decode()
    response = client.post(url, {"new_deadline": "2099-01-01", "reason": "Late letter"})
    assert response.status_code == 302
    assert f.fresh(app).deadline_override == datetime.date(2099, 1, 1)


@pytest.mark.django_db
def test_the_extension_page_is_for_staff_only(personas, client):
    app = f.draft(cycle=f.open_cycle())
    url = reverse("application_extend", args=[app.pk])
    assert client.get(url).status_code == 302
    for who in ("applicant", "reviewer", "faculty", "team_member_a"):
        client.force_login(personas.people[who])
        assert client.get(url).status_code == 403
    client.force_login(app.created_by)
    assert client.get(url).status_code == 403

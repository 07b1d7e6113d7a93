"""Staff chase drafts: the queue's "in progress" filter, the staff draft page, reminders (never
twice by accident) and extensions (the applicant sees the new deadline and can submit until it)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.applications import services as application_services
from pursuing_equity.applications import transitions as application_transitions
from pursuing_equity.applications.models import RosterMember
from pursuing_equity.applications.tests import factories as af
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs.models import Cohort
from pursuing_equity.review import selectors, services
from pursuing_equity.review.models import DraftReminder
from pursuing_equity.review.tests.factories import received, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_call():
    return af.open_cycle()


@pytest.fixture
def staff_user():
    return staff()


def close_call(application, days_ago: int = 1):
    Cohort.objects.filter(pk=application.cohort_choice_id).update(
        application_deadline=timezone.localdate() - datetime.timedelta(days=days_ago)
    )


def in_progress_url(cycle) -> str:
    return reverse("review_queue") + f"?cycle={cycle.slug}&status=in_progress"


# --- the "in progress" filter -----------------------------------------------------------------


def test_the_in_progress_filter_lists_drafts_with_what_staff_chase(client, open_call, staff_user):
    half = af.draft(cycle=open_call)
    half = application_services.application_organization_save(
        actor=half.created_by, application=half, version=half.version, **af.ORGANIZATION
    )
    empty = af.draft(cycle=open_call, key="learning_network")
    done = received(open_call)
    client.force_login(staff_user)
    page = client.get(in_progress_url(open_call)).content.decode()
    assert "Harbor Point Community Health Center" in page
    assert f"Organization not named yet (started by {empty.created_by.display_name})" in page
    assert done.organization.name not in page  # submitted: in the queue, not among drafts
    assert reverse("review_draft", args=[half.pk]) in page
    assert "Name the people on your team." in page  # what is still missing
    deadline = half.cohort_choice.application_deadline
    assert f"{deadline:%b} {deadline.day}, {deadline.year}" in page
    assert "Learning Network" in page and "Action Community" in page
    rows = selectors.drafts_in_progress(cycle=open_call, cohort="learning_network")
    assert [r.application.pk for r in rows] == [empty.pk]


def test_the_drafts_list_makes_a_fixed_number_of_queries(django_assert_max_num_queries, open_call):
    for _ in range(3):
        af.draft(cycle=open_call)
    with django_assert_max_num_queries(8):
        rows = selectors.drafts_in_progress(cycle=open_call)
    assert len(rows) == 3


def test_the_default_queue_shows_no_drafts(client, open_call, staff_user):
    draft = af.draft(cycle=open_call)
    client.force_login(staff_user)
    page = client.get(reverse("review_queue"), {"cycle": open_call.slug}).content.decode()
    assert reverse("review_draft", args=[draft.pk]) not in page


# --- reminders --------------------------------------------------------------------------------


def test_a_reminder_emails_the_applicant_accounts_what_is_missing_and_is_audited(
    open_call, staff_user, settings
):
    settings.PE_SITE_URL = "https://pe.example.org"
    draft = af.draft(cycle=open_call)
    draft = application_services.roster_save(
        actor=draft.created_by, application=draft, version=draft.version, members=af.roster()
    )
    RosterMember.objects.filter(application=draft, email="member2@example.org").update(
        confirmed_at=timezone.now()
    )
    mail.outbox.clear()
    reminder = services.draft_remind(actor=staff_user, application=draft)
    [message] = mail.outbox
    assert message.to == [draft.created_by.email.lower()]
    assert message.cc == ["member2@example.org"]  # confirmed members only
    assert reminder.recipients == [draft.created_by.email.lower(), "member2@example.org"]
    deadline = draft.cohort_choice.application_deadline
    assert f"due {deadline:%B} {deadline.day}, {deadline.year}" in message.subject
    assert "Fill in your organization's profile." in message.body
    assert f"https://pe.example.org/apply/applications/{draft.pk}/" in message.body
    assert staff_user.display_name in message.body
    entry = AuditEntry.objects.get(action="review.draft_remind")
    assert entry.object_id == str(draft.pk)
    assert entry.after["recipients"] == reminder.recipients


def test_a_second_click_does_not_email_twice_unless_staff_confirm(client, open_call, staff_user):
    draft = af.draft(cycle=open_call)
    client.force_login(staff_user)
    url = reverse("review_draft_remind", args=[draft.pk])
    mail.outbox.clear()
    assert client.post(url).status_code == 302
    second = client.post(url, follow=True)
    assert len(mail.outbox) == 1
    assert "A reminder was already sent" in second.content.decode()
    assert DraftReminder.objects.filter(application=draft).count() == 1
    # The page now offers to send another, naming the reminder it knows about.
    page = client.get(reverse("review_draft", args=[draft.pk])).content.decode()
    first = DraftReminder.objects.get(application=draft)
    assert f'name="confirm_after" value="{first.pk}"' in page
    assert "Send another reminder" in page
    client.post(url, {"confirm_after": str(first.pk)})
    assert len(mail.outbox) == 2
    # That confirmation was for the first reminder: a repeat of it is refused too.
    client.post(url, {"confirm_after": str(first.pk)})
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="review.draft_remind").count() == 2


def test_after_the_quiet_period_a_reminder_goes_without_confirmation(open_call, staff_user):
    draft = af.draft(cycle=open_call)
    services.draft_remind(actor=staff_user, application=draft)
    later = timezone.now() + datetime.timedelta(hours=services.REMINDER_QUIET_HOURS, minutes=1)
    services.draft_remind(actor=staff_user, application=draft, now=later)
    assert DraftReminder.objects.filter(application=draft).count() == 2


@pytest.mark.parametrize("confirm", ["", "abc", "-1", "9" * 40])
def test_a_hostile_confirmation_is_refused_with_a_message(client, open_call, staff_user, confirm):
    draft = af.draft(cycle=open_call)
    services.draft_remind(actor=staff_user, application=draft)
    client.force_login(staff_user)
    mail.outbox.clear()
    response = client.post(
        reverse("review_draft_remind", args=[draft.pk]), {"confirm_after": confirm}, follow=True
    )
    assert response.status_code == 200
    assert "A reminder was already sent" in response.content.decode()
    assert mail.outbox == []


def test_no_reminder_after_the_deadline_or_once_submitted(open_call, staff_user):
    late = af.draft(cycle=open_call)
    close_call(late)
    with pytest.raises(ValidationError, match="grant an extension first"):
        services.draft_remind(actor=staff_user, application=late)
    done = received(open_call)
    with pytest.raises(ValidationError, match="submitted"):
        services.draft_remind(actor=staff_user, application=done)


def test_only_staff_remind_and_see_drafts(client, open_call, personas):
    draft = af.draft(cycle=open_call)
    with pytest.raises(PermissionDenied):
        services.draft_remind(actor=draft.created_by, application=draft)
    page = reverse("review_draft", args=[draft.pk])
    remind = reverse("review_draft_remind", args=[draft.pk])
    other = af.draft(cycle=open_call)
    for who in ("applicant", "reviewer", "faculty", "team_member_a", "funder"):
        client.force_login(personas.people[who])
        assert client.get(page).status_code == 403
        assert client.post(remind).status_code == 403
        assert client.get(in_progress_url(open_call)).status_code == 403
    for applicant in (draft.created_by, other.created_by):
        client.force_login(applicant)
        assert client.get(page).status_code == 403
    client.force_login(other.created_by)  # another applicant cannot see this draft at all
    assert client.get(reverse("application_status", args=[draft.pk])).status_code == 403
    assert DraftReminder.objects.count() == 0


@pytest.fixture
def personas():
    from pursuing_equity.accounts.tests.factories import make_personas

    return make_personas()


def test_the_draft_page_of_a_submitted_application_leads_to_its_review_page(
    client, open_call, staff_user
):
    done = received(open_call)
    client.force_login(staff_user)
    response = client.get(reverse("review_draft", args=[done.pk]))
    assert response["Location"] == reverse("review_application", args=[done.pk])


# --- extensions -------------------------------------------------------------------------------


def test_staff_extend_from_the_draft_page_and_the_applicant_can_submit_until_then(
    client, open_call, staff_user
):
    draft = af.complete(af.draft(cycle=open_call))
    close_call(draft, days_ago=2)
    with pytest.raises(ValidationError, match="deadline"):
        application_transitions.application_submit(actor=draft.created_by, application=draft)
    client.force_login(staff_user)
    page_url = reverse("review_draft", args=[draft.pk])
    page = client.get(page_url).content.decode()
    assert "The deadline has passed: grant an extension" in page
    assert f'action="{reverse("application_extend", args=[draft.pk])}"' in page
    new = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("application_extend", args=[draft.pk]),
        {
            "new_deadline": new.isoformat(),
            "reason": "CEO letter delayed by travel",
            "next": page_url,
        },
    )
    assert response.status_code == 302 and response["Location"] == page_url
    page = client.get(page_url).content.decode()
    assert "(extended)" in page and "CEO letter delayed by travel" in page
    entry = AuditEntry.objects.get(action="application.deadline_extend")
    assert entry.note == "CEO letter delayed by travel" and entry.actor_id == staff_user.pk
    # The applicant sees the new deadline on their status page and their home, and can submit.
    client.force_login(draft.created_by)
    when = f"{new:%B} {new.day}, {new.year}"
    status = client.get(reverse("application_status", args=[draft.pk])).content.decode()
    assert f"{when}, end of day Eastern Time (extended)" in status
    assert when in client.get(reverse("home")).content.decode()
    submitted = application_transitions.application_submit(
        actor=draft.created_by, application=draft
    )
    assert submitted.state == "submitted"


def test_the_extension_comes_back_only_to_a_page_of_this_site(client, open_call, staff_user):
    draft = af.draft(cycle=open_call)
    client.force_login(staff_user)
    new = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    response = client.post(
        reverse("application_extend", args=[draft.pk]),
        {"new_deadline": new, "reason": "Travel", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("application_status", args=[draft.pk])


def test_an_extension_in_the_past_or_badly_typed_is_refused_with_a_message(
    client, open_call, staff_user
):
    draft = af.draft(cycle=open_call)
    close_call(draft, days_ago=10)
    client.force_login(staff_user)
    url = reverse("application_extend", args=[draft.pk])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"new_deadline": yesterday, "reason": "Late"})
    assert (
        response.status_code == 400 and "Choose today or a later date." in response.content.decode()
    )
    response = client.post(url, {"new_deadline": "31/31/2031", "reason": "Late"})
    assert response.status_code == 400 and "Enter a valid date" in response.content.decode()
    assert af.fresh(draft).deadline_override is None


def test_an_extension_keeps_the_applicants_last_change(open_call, staff_user):
    draft = af.draft(cycle=open_call)
    before = af.fresh(draft).updated_at
    application_services.deadline_extend(
        actor=staff_user,
        application=draft,
        new_deadline=timezone.localdate() + datetime.timedelta(days=200),
        reason="Board meets late",
    )
    assert af.fresh(draft).updated_at == before


# --- staff home -------------------------------------------------------------------------------


def test_staff_home_links_the_drafts_to_chase_to_the_filtered_list(client, open_call, staff_user):
    af.draft(cycle=open_call)
    late = af.draft(cycle=open_call, key="learning_network")
    close_call(late)  # past its deadline, nothing to chase unless extended
    client.force_login(staff_user)
    page = client.get(reverse("home")).content.decode()
    link = in_progress_url(open_call).replace("&", "&amp;")
    assert f'<a href="{link}">Chase the drafts in progress of {open_call} (1)</a>' in page

"""What review puts on a home: the reviewer's assignments, the staff's responses due and drafts."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.applications.selectors import home_panels as applicant_panels
from pursuing_equity.applications.tests import factories as af
from pursuing_equity.review import services
from pursuing_equity.review.selectors import home_panels
from pursuing_equity.review.tests.factories import received, reviewer

pytestmark = pytest.mark.django_db


def test_a_reviewer_sees_each_application_to_score_with_its_due_date(cycle, staff_user):
    application = received(cycle, "learning_network")
    person = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=person)
    day = timezone.localdate(application.submitted_at)
    [panel] = home_panels(person, day)
    [task] = panel.tasks
    assert task.text == f"Score {application.organization.name}"
    assert task.due == day + datetime.timedelta(days=30)


def test_staff_see_responses_due_and_drafts_to_chase(staff_user):
    cycle = af.open_cycle()
    draft = af.draft(cycle=cycle)
    day = timezone.localdate()
    [panel] = home_panels(staff_user, day)
    assert any(t.text.startswith("Chase the draft") for t in panel.tasks)
    assert draft.cohort_choice.application_deadline in {t.due for t in panel.tasks}


def test_an_applicant_sees_the_open_call_then_their_application(client):
    cycle = af.open_cycle()
    from pursuing_equity.accounts.tests.factories import UserFactory

    person = UserFactory()
    day = timezone.localdate()
    [panel] = applicant_panels(person, day)
    assert panel.tasks[0].text == f"Apply to {cycle}"
    af.draft(cycle=cycle, user=person)
    [panel] = applicant_panels(person, day)
    assert [t.text for t in panel.tasks] == ["Continue your application to the Action Community"]
    assert "Still missing" in render_to_string(panel.template, panel.context)
    client.force_login(person)  # and on the home page itself, through the panel's own template
    home = client.get(reverse("home")).text
    assert "Still missing" in home and "Continue your application" in home


def test_the_conflict_list_covers_the_cycles_a_reviewer_reviews(cycle, staff_user, client):
    from django.urls import reverse

    application = received(cycle, "learning_network")
    person = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=person)
    other = af.open_cycle()
    newer = received(other, "learning_network")
    client.force_login(person)
    page = client.get(reverse("review_assigned")).content.decode()
    assert application.organization.name in page and newer.organization.name in page


def test_reviewers_open_the_letters_and_the_score_page_shows_the_answers(cycle, staff_user, client):
    from django.core.files.base import ContentFile
    from django.urls import reverse

    application = received(cycle, "learning_network")
    document = application.documents.get()
    document.file.save("letter.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    person = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=person)
    client.force_login(person)
    page = client.get(reverse("review_score", args=[application.pk])).content.decode()
    url = reverse("review_document", args=[application.pk, document.pk])
    assert url in page and application.hopes in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")  # never rendered on our site
    client.force_login(reviewer())
    assert client.get(url).status_code == 403


def test_the_queue_opens_on_the_cycle_with_applications_awaiting_a_decision(
    cycle, staff_user, client
):
    from django.urls import reverse

    newer = af.open_cycle()
    application = received(newer, "learning_network")
    client.force_login(staff_user)
    response = client.get(reverse("review_queue"))
    assert response.context["cycle"] == newer
    page = response.content.decode()
    assert f'<option value="{newer.slug}" selected>' in page
    assert application.organization.name in response.content.decode()


def test_the_score_and_staff_pages_link_each_action_community_letter_on_its_own(
    cycle, staff_user, client
):
    from django.urls import reverse

    application = received(cycle, "action_community")
    ceo = application.documents.get(kind="ceo_letter")
    chair = application.documents.get(kind="board_chair_letter")
    person = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=person)
    for who, page_name in ((person, "review_score"), (staff_user, "review_application")):
        client.force_login(who)
        page = client.get(reverse(page_name, args=[application.pk])).content.decode()
        for label, document in (("CEO", ceo), ("Board Chair", chair)):
            url = reverse("review_document", args=[application.pk, document.pk])
            assert f'Letter of commitment signed by your {label}: <a href="{url}">' in page

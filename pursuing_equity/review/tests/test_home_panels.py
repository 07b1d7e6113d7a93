"""What review puts on a home: the reviewer's assignments, the staff's responses due and drafts."""

import datetime

import pytest
from django.template.loader import render_to_string
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


def test_an_applicant_sees_the_open_call_then_their_application():
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

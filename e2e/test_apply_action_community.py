"""Journey: a visitor finds the open call, creates an account and submits an Action Community
application — organization, team, readiness, hopes, the two letters, video, review, submit — with axe
on every page. The letters and the video are tiny generated files (a valid PDF, an MP4 header)."""

from __future__ import annotations

import pytest
from django.core import mail
from journeys import TEAM, apply_to_the_action_community

from pursuing_equity.accounts.models import User
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.tests.factories import open_cycle

pytestmark = pytest.mark.browser

EMAIL = "applicant@harbor.example.org"


def test_an_action_community_application_from_account_to_submission(page, assert_accessible):
    cycle = open_cycle()
    apply_to_the_action_community(
        page, assert_accessible, cycle, email=EMAIL, name="Ana Reyes", pronouns="she/her"
    )

    applicant = User.objects.get(email=EMAIL)
    assert (applicant.full_name, applicant.pronouns) == ("Ana Reyes", "she/her")
    application = Application.objects.get(created_by__email=EMAIL)
    assert application.state == "submitted"
    acknowledgements = [m for m in mail.outbox if "Application received" in m.subject]
    assert (
        len(acknowledgements) == 1
        and "Close the blood pressure control gap." in acknowledgements[0].body
    )
    invited = {m.to[0] for m in mail.outbox if "confirm you are on" in m.subject}
    assert invited == {email for _, email, _, _ in TEAM}

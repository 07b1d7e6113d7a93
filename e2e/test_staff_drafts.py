"""Journey: staff find a draft from their home through the queue's "in progress" filter, remind
the drafting team (a second click does not email twice) and extend its deadline; the applicant
then sees the new deadline on their home and on the steps of the draft. Links only after sign-in; axe on every
page reached."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from journeys import sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.applications import services as application_services
from pursuing_equity.applications.tests import factories as af

pytestmark = pytest.mark.browser


def test_staff_remind_a_drafting_team_and_extend_its_deadline(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    cycle = af.open_cycle()
    staff = person(Role.PROGRAM_STAFF, totp=False, full_name="Sky Staff")
    applicant = person(totp=False, full_name="Ana Reyes")
    draft = af.draft(cycle=cycle, user=applicant)
    application_services.application_organization_save(
        actor=applicant, application=draft, version=draft.version, **af.ORGANIZATION
    )
    organization = af.ORGANIZATION["name"]
    deadline = draft.cohort_choice.application_deadline
    new = max(deadline, timezone.localdate()) + datetime.timedelta(days=14)
    new_words = f"{new:%B} {new.day}, {new.year}"

    # Staff: from their home to the queue, filtered to the drafts in progress.
    sign_in(page, staff.email)
    assert_accessible(page)
    page.get_by_role("link", name="Review queue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(cycle))
    page.get_by_label("Status").select_option(label="In progress (drafts not submitted)")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="Drafts in progress")).to_be_visible()
    drafts = page.get_by_role("table", name="1 draft not submitted yet, nearest deadline first")
    expect(drafts).to_contain_text("Name the people on your team")
    expect(drafts).to_contain_text("Action Community")
    assert_accessible(page)

    # The draft's staff page: what is missing and the deadline; a reminder, sent once.
    page.get_by_role("link", name=organization).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Draft application: {organization}")
    expect(page.get_by_role("main")).to_contain_text("Say what your team hopes to achieve.")
    assert_accessible(page)
    mail.outbox.clear()
    page.get_by_role("button", name="Send a reminder").click()
    expect(page.get_by_role("main")).to_contain_text(f"Reminder sent to {applicant.email.lower()}")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email.lower()]
    assert "Still missing:" in mail.outbox[0].body
    # The page now asks before a second email.
    expect(page.get_by_role("button", name="Send a reminder")).to_have_count(0)
    expect(page.get_by_role("button", name="Send another reminder")).to_be_visible()
    assert_accessible(page)

    # An extension, with its reason.
    page.get_by_label("New deadline (end of day, Eastern Time)").fill(new.isoformat())
    page.get_by_label("Reason").fill("The board chair signs after the January meeting.")
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.get_by_role("main")).to_contain_text(f"Deadline extended to {new_words}")
    expect(page.get_by_role("main")).to_contain_text(
        f"{new_words}, end of day Eastern Time (extended)"
    )
    expect(page.get_by_role("main")).to_contain_text("The board chair signs after the January")
    assert_accessible(page)
    sign_out(page)

    # The applicant sees the new deadline on their home.
    sign_in(page, applicant.email)
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"{new_words}, end of day Eastern Time (extended)")
    assert_accessible(page)
    # Continuing the draft, every step says the new deadline.
    page.get_by_role("link", name=f"{organization}: Action Community").click()
    expect(page.get_by_role("main")).to_contain_text(f"deadline {new_words}, end of day ET")
    assert_accessible(page)

"""Done-when journey of issue 12, the call and selection as applicants, reviewers and staff live
it: a new applicant goes from ``/`` to a submitted Action Community application with the CEO's
and the Board Chair's letters; a reviewer (assigned by staff) opens both letters from the score
page and scores it; staff decide "not selected for the Action Community" with feedback and the
Learning Network offer, in one letter; until it is sent the applicant reads "Decision in
preparation"; then the applicant reads the outcome and the letter on their home and status page,
and accepts the offer there. Links only after sign-in; axe on every page.

(Staff seeing and extending a draft is its own journey, written with the staff draft tools.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from journeys import (
    APPLICANT_PASSWORD,
    ORGANIZATION,
    apply_to_the_action_community,
    open_from_nav,
    sign_in,
    sign_out,
)
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.tests.factories import open_cycle
from pursuing_equity.review import services
from pursuing_equity.review.scoring import rubric_of

pytestmark = pytest.mark.browser

EMAIL = "ana.reyes@harbor.example.org"
FEEDBACK = "Your data work is strong; build community partnerships first."


def test_from_the_open_call_to_the_accepted_learning_network_offer(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    cycle = open_cycle()
    staff = person(Role.PROGRAM_STAFF, totp=False, email="staff@pursuingequity.example.org")
    reviewer = person(Role.REVIEWER, totp=False, email="reviewer@reviewers.example.org")

    # The applicant: from the open call on `/` to a submitted application with both letters.
    apply_to_the_action_community(
        page, assert_accessible, cycle, email=EMAIL, name="Ana Reyes", pronouns="she/her"
    )
    sign_out(page)
    application = Application.objects.get(created_by__email=EMAIL)
    services.reviewer_assign(actor=staff, application=application, reviewer=reviewer)

    # The reviewer opens each letter from the score page, then scores.
    sign_in(page, reviewer.email)
    open_from_nav(page, "My reviews")
    assert_accessible(page)
    page.get_by_role("link", name=ORGANIZATION).click()
    assert_accessible(page)
    page.get_by_role("link", name="Score this application").click()
    assert_accessible(page)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Close the blood pressure control gap.")  # the answers scored
    for label, filename in (("CEO", "ceo-letter.pdf"), ("Board Chair", "board-chair-letter.pdf")):
        item = main.locator("li", has_text=f"Letter of commitment signed by your {label}:")
        with page.expect_download() as download:
            item.get_by_role("link", name=filename).click()
        assert download.value.suggested_filename == filename
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    for criterion in rubric_of(cycle.document, "action_community").criteria:
        page.get_by_role("group", name=criterion.name).get_by_label("4 – Strong").check()
    page.get_by_label("I watched the team video").check()
    page.get_by_role("button", name="Submit the review").click()
    expect(main).to_contain_text("Your review was submitted")
    assert_accessible(page)
    sign_out(page)

    # Staff: not selected for the Action Community, with feedback and the Learning Network offer.
    sign_in(page, staff.email)
    open_from_nav(page, "Review")
    assert_accessible(page)
    page.get_by_role("link", name=ORGANIZATION).click()
    assert_accessible(page)
    page.get_by_label(re.compile("^Not selected for the Action Community")).check()
    page.get_by_label("Feedback to the team").fill(FEEDBACK)
    page.get_by_label("Reason for deciding before the reviews are in").fill(
        "One reviewer this cycle for this application; the committee read it."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(main).to_contain_text("Offer made, awaiting the team")
    assert_accessible(page)
    sign_out(page)

    # Before the letter goes out, the applicant reads a neutral "Decision in preparation".
    sign_in(page, EMAIL, APPLICANT_PASSWORD)
    expect(main).to_contain_text("Decision in preparation")
    expect(main).not_to_contain_text(FEEDBACK)
    assert_accessible(page)
    sign_out(page)

    # Staff preview and send the one letter: feedback and the offer together.
    sign_in(page, staff.email)
    open_from_nav(page, "Review")
    page.get_by_label("Status").select_option("offered")
    page.get_by_role("button", name="Filter").click()
    expect(main).to_contain_text("1 to send")
    assert_accessible(page)
    page.get_by_role("link", name=ORGANIZATION).click()
    page.get_by_role("link", name="preview and send").click()
    expect(main).to_contain_text("Dear Ana Reyes,")
    expect(main).to_contain_text(FEEDBACK)
    expect(main).to_contain_text("offer")
    assert_accessible(page)
    mail.outbox.clear()
    page.get_by_role("button", name="Send the letter").click()
    expect(main).to_contain_text("The letter was sent.")
    [letter] = [m for m in mail.outbox if "offer to join the Learning Network" in m.subject]
    assert letter.to == [EMAIL] and letter.body.startswith("Dear Ana Reyes,")
    assert FEEDBACK in letter.body
    sign_out(page)

    # The applicant reads the outcome and the letter on their home, then accepts on the status page.
    sign_in(page, EMAIL, APPLICANT_PASSWORD)
    expect(main).to_contain_text("Not selected for the Action Community. You are offered a place")
    assert_accessible(page)
    page.get_by_role("link", name="Answer the offer to join the Learning Network").click()
    expect(page.locator("#status-heading")).to_have_text("Status: Decision")
    expect(main).to_contain_text(FEEDBACK)
    expect(page.get_by_role("region", name="Decision letters")).to_contain_text("Dear Ana Reyes,")
    assert_accessible(page)
    page.get_by_role("button", name="Accept the offer").click()
    expect(main).to_contain_text(
        "Not selected for the Action Community; you accepted the offer to join the Learning Network."
    )
    expect(page.get_by_role("region", name="Decision letters")).to_contain_text(FEEDBACK)
    expect(page.get_by_role("button", name="Accept the offer")).to_have_count(0)
    assert_accessible(page)
    assert Application.objects.get(pk=application.pk).team.cohort.key == "learning_network"

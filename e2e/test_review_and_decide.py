"""Journey: a reviewer scores an Action Community application; staff decide "not selected for the
Action Community" with feedback and the Learning Network offer (recording why they decide with 1
of the 2 reviews), send the letter; the team accepts the offer (its own pages are walked in
test_call_and_selection) and appears with its members invited. Axe runs on every page reached.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from journeys import open_from_nav, sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.applications.transitions import application_offer_answer
from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.review import services
from pursuing_equity.review.scoring import rubric_of
from pursuing_equity.review.tests.factories import received

pytestmark = pytest.mark.browser


def test_reviewer_scores_then_staff_move_to_learning_network_and_accept(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    cycle = load_cycle()
    staff = person(Role.PROGRAM_STAFF, totp=False, email="staff@pursuingequity.example.org")
    reviewer = person(Role.REVIEWER, totp=False, email="reviewer@reviewers.example.org")
    application = received(cycle, "action_community", roster_size=3)
    organization = application.organization.name
    services.reviewer_assign(actor=staff, application=application, reviewer=reviewer)
    rubric = rubric_of(cycle.document, "action_community")

    # The reviewer scores the application with the program file's rubric.
    sign_in(page, reviewer.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My reviews")
    assert_accessible(page)
    page.get_by_role("link", name=organization).click()
    expect(page.get_by_role("main")).to_contain_text("once you submit your own")
    assert_accessible(page)
    page.get_by_role("link", name="Score this application").click()
    assert_accessible(page)
    for criterion in rubric.criteria:
        page.get_by_role("group", name=criterion.name).get_by_label("4 – Strong").check()
    page.get_by_label("Comments on quality improvement capability shown by results").fill(
        "Measurable results on no-shows."
    )
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_role("main")).to_contain_text("Watch the team video before submitting")
    assert_accessible(page)
    page.get_by_label("I watched the team video").check()
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_role("main")).to_contain_text("Your review was submitted")
    expect(page.get_by_role("main")).to_contain_text("Measurable results on no-shows.")
    sign_out(page)

    # Staff: the queue, then "not selected for the Action Community" with feedback.
    sign_in(page, staff.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review queue")
    assert_accessible(page)
    page.get_by_role("link", name=organization).click()
    expect(page.get_by_role("main")).to_contain_text("Scores of 1 submitted review")
    assert_accessible(page)
    page.get_by_label(re.compile("^Not selected for the Action Community")).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Write the feedback the team will receive.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Not selected for the Action Community")).check()
    page.get_by_label("Feedback to the team").fill("Build your data infrastructure first.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("main")).to_contain_text("asks for 2 submitted reviews")
    assert_accessible(page)
    page.get_by_label(re.compile("^Not selected for the Action Community")).check()
    page.get_by_label("Feedback to the team").fill("Build your data infrastructure first.")
    page.get_by_label("Reason for deciding before the reviews are in").fill(
        "The second reviewer withdrew; the committee read the application."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("main")).to_contain_text(
        "Learning Network (applied for the Action Community)"
    )
    expect(page.get_by_role("main")).to_contain_text("Offer made, awaiting the team")

    # The letter: previewed, then sent through the task queue.
    page.get_by_role("link", name="preview and send").click()
    expect(page.get_by_role("main")).to_contain_text("Build your data infrastructure first.")
    assert_accessible(page)
    mail.outbox.clear()
    page.get_by_role("button", name="Send the letter").click()
    expect(page.get_by_role("main")).to_contain_text("The letter was sent.")
    assert any("offer to join the Learning Network" in m.subject for m in mail.outbox)

    # The team accepts the offer: the team is created and its members invited.
    application_offer_answer(actor=application.created_by, application=application, accept=True)
    page.reload()
    expect(page.get_by_role("main")).to_contain_text("Accepted")
    invited = {m.to[0] for m in mail.outbox if "invit" in m.subject.lower()}
    assert invited == set(application.roster.values_list("email", flat=True))
    page.get_by_role("link", name="members and leaders").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learning Network")
    expect(page.get_by_role("table", name="Team members").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_role("table", name="Team members")).to_contain_text("Invited")
    assert_accessible(page)

    open_from_nav(page, "Review")
    page.get_by_role("link", name="Portfolio: applicants and selected teams").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portfolio")
    assert_accessible(page)

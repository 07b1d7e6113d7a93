"""Journey: a visitor finds the open call, creates an account and submits an Action Community
application — organization, team, readiness, hopes, letter, video, review, submit — with axe on
every page. The letter and the video are tiny generated files (a valid PDF, an MP4 header)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from journeys import open_from_nav
from playwright.sync_api import Page, expect

from pursuing_equity.applications.models import Application
from pursuing_equity.applications.tests.factories import open_cycle
from pursuing_equity.applications.tests.files import mp4_bytes, pdf_bytes

pytestmark = pytest.mark.browser

EMAIL = "applicant@harbor.example.org"
PASSWORD = "a-long-applicant-passphrase"
TEAM = [
    (
        "Rosa Alvarez",
        "rosa@harbor.example.org",
        "Chief Health Equity Officer",
        ["executive", "equity"],
    ),
    ("Sam Okafor", "sam@harbor.example.org", "Data Analyst", ["data"]),
    (
        "Lee Tran",
        "lee@harbor.example.org",
        "Nurse Manager",
        ["patient_facing", "quality_improvement"],
    ),
]


def confirmation_link() -> str:
    body = next(m.body for m in reversed(mail.outbox) if EMAIL in m.to)
    return re.search(r"https?://\S+/accounts/confirm-email/\S+", body).group(0)


def test_an_action_community_application_from_account_to_submission(page: Page, assert_accessible):
    cycle = open_cycle()

    # The visitor starts at the home page, which leads with the open call and invites to apply.
    page.goto("/")
    assert_accessible(page)
    page.locator("#apply-cta").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)

    # An account, confirmed from the emailed link.
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    page.goto(confirmation_link())  # the link the applicant receives by email, typed as such
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()

    # Choose the Action Community (with the Learning Network as the fallback).
    open_from_nav(page, "My home")
    page.get_by_role("link", name=f"Apply to {cycle}").click()
    expect(page.locator("main")).to_contain_text(
        "automatically considered for the Learning Network"
    )
    assert_accessible(page)
    page.get_by_label(re.compile(r"Action Community \(deadline")).check()
    page.get_by_role("button", name="Start the application").click()

    # Organization.
    expect(page.locator("h1")).to_have_text("Your organization")
    assert_accessible(page)
    page.locator("[name=name]").fill("Harbor Point Community Health Center")
    page.get_by_label("Organization type").select_option("fqhc")
    page.get_by_label("City").fill("Providence")
    page.get_by_label("State or territory").select_option("RI")
    page.get_by_label("Size").select_option("medium")
    page.get_by_label("Hispanic / Latino communities").check()
    page.get_by_role("button", name="Save and continue").click()

    # Team: first with too few people (refused, kept), then complete.
    expect(page.locator("h1")).to_have_text("Your team")
    assert_accessible(page)
    for i, (name, email, title, lenses) in enumerate(TEAM[:2]):
        page.locator(f'[name="member-{i}-full_name"]').fill(name)
        page.locator(f'[name="member-{i}-email"]').fill(email)
        page.locator(f'[name="member-{i}-title"]').fill(title)
        for lens in lenses:
            page.locator(f'[name="member-{i}-lenses"][value="{lens}"]').check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("main")).to_contain_text("this roster has 2")
    expect(page.locator('[name="member-1-email"]')).to_have_value(TEAM[1][1])
    assert_accessible(page)
    name, email, title, lenses = TEAM[2]
    page.locator('[name="member-2-full_name"]').fill(name)
    page.locator('[name="member-2-email"]').fill(email)
    page.locator('[name="member-2-title"]').fill(title)
    for lens in lenses:
        page.locator(f'[name="member-2-lenses"][value="{lens}"]').check()
    page.get_by_role("button", name="Save and continue").click()

    # Readiness and hopes.
    expect(page.locator("h1")).to_have_text("Readiness")
    assert_accessible(page)
    page.get_by_label("What equity work has your organization done so far?").fill(
        "Stratified dashboards."
    )
    page.get_by_label(re.compile("measurable results")).fill("No-shows down from 18% to 11%.")
    page.locator('[name="real_data"][value="accessible_and_usable"]').check()
    page.locator('[name="sogi_data"][value="accessible_not_usable"]').check()
    page.get_by_label(re.compile("community partnerships")).fill("A tenants' union.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text("What your team hopes to achieve")
    assert_accessible(page)
    page.get_by_label("What does your team hope to achieve?").fill(
        "Close the blood pressure control gap."
    )
    page.get_by_role("button", name="Save and continue").click()

    # The letter: a renamed program is refused, then the PDF is accepted.
    expect(page.locator("h1")).to_have_text("Documents")
    assert_accessible(page)
    page.locator("[name=commitment_letter-file]").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 100}
    )
    page.get_by_role("checkbox", name="CEO").check()
    page.get_by_role("checkbox", name="Board Chair").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("main")).to_contain_text("not a PDF")
    assert_accessible(page)
    page.locator("[name=commitment_letter-file]").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("checkbox", name="CEO").check()
    page.get_by_role("checkbox", name="Board Chair").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("main")).to_contain_text("(current)")
    page.get_by_role("link", name="Continue").click()

    # The video: 10 minutes read from the file.
    expect(page.locator("h1")).to_have_text("Team video")
    assert_accessible(page)
    page.locator('[name="source"][value="file"]').check()
    page.locator("[name=file]").set_input_files(
        {"name": "team.mp4", "mimeType": "video/mp4", "buffer": mp4_bytes(600)}
    )
    for box in page.locator('[name="required_items"]').all():
        box.check()
    page.locator('[name="optional_questions"][value="quote"]').check()
    page.locator('[name="optional_questions"][value="define_racism"]').check()
    page.get_by_role("button", name="Save the video").click()

    # Review everything, submit (twice: the second click changes nothing), see the status.
    expect(page.locator("h1")).to_have_text("Review and submit")
    expect(page.locator("main")).to_contain_text("Rosa Alvarez")
    assert_accessible(page)
    page.get_by_role("button", name="Submit the application").dblclick()
    expect(page.locator("h1")).to_contain_text("Your application to the Action Community")
    expect(page.locator("#status-heading")).to_have_text("Status: Received")
    assert_accessible(page)

    application = Application.objects.get(created_by__email=EMAIL)
    assert application.state == "submitted"
    acknowledgements = [m for m in mail.outbox if "Application received" in m.subject]
    assert (
        len(acknowledgements) == 1
        and "Close the blood pressure control gap." in acknowledgements[0].body
    )
    invited = {m.to[0] for m in mail.outbox if "confirm you are on" in m.subject}
    assert invited == {email for _, email, _, _ in TEAM}

"""Steps every journey takes: signing in as a person made by the accounts factories, signing out."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.tests.factories import PASSWORD
from pursuing_equity.applications.tests.files import mp4_bytes, pdf_bytes


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in on the login page and land on the home page."""
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("home")) + "$"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def open_from_nav(page: Page, label: str) -> None:
    """Follow the main navigation's row named ``label``, as a person would."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


# The applicant of the Action Community journeys (test_apply_action_community,
# test_call_and_selection): their team, and the password they choose.
APPLICANT_PASSWORD = "a-long-applicant-passphrase"
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
ORGANIZATION = "Harbor Point Community Health Center"


def confirmation_link(email: str) -> str:
    """The link of the latest email-confirmation message sent to ``email``."""
    body = next(m.body for m in reversed(mail.outbox) if email in m.to)
    return re.search(r"https?://\S+/accounts/confirm-email/\S+", body).group(0)


def apply_to_the_action_community(
    page: Page, assert_accessible, cycle, *, email: str, name: str, pronouns: str = ""
) -> None:
    """A visitor goes from ``/`` to a submitted Action Community application: an account (name,
    pronouns), the organization, the team, readiness, hopes, the CEO's and the Board Chair's
    letters (each its own slot), the video, review and submit. Ends on the status page."""
    # The visitor starts at the home page, which leads with the open call and invites to apply.
    page.goto("/")
    assert_accessible(page)
    page.locator("#apply-cta").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)

    # An account, confirmed from the emailed link.
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Pronouns (optional)").fill(pronouns)
    page.get_by_label("Email").fill(email)
    page.locator("input[name=password1]").fill(APPLICANT_PASSWORD)
    page.locator("input[name=password2]").fill(APPLICANT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    page.goto(confirmation_link(email))  # the link the applicant receives by email, typed as such
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
    page.locator("[name=name]").fill(ORGANIZATION)
    page.get_by_label("Organization type").select_option("fqhc")
    page.get_by_label("City").fill("Providence")
    page.get_by_label("State or territory").select_option("RI")
    page.get_by_label("Size").select_option("medium")
    page.get_by_label("Hispanic / Latino communities").check()
    page.get_by_role("button", name="Save and continue").click()

    # Team: first with too few people (refused, kept), then complete.
    expect(page.locator("h1")).to_have_text("Your team")
    assert_accessible(page)
    for i, (member, address, title, lenses) in enumerate(TEAM[:2]):
        page.locator(f'[name="member-{i}-full_name"]').fill(member)
        page.locator(f'[name="member-{i}-email"]').fill(address)
        page.locator(f'[name="member-{i}-title"]').fill(title)
        for lens in lenses:
            page.locator(f'[name="member-{i}-lenses"][value="{lens}"]').check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("main")).to_contain_text("this roster has 2")
    expect(page.locator('[name="member-1-email"]')).to_have_value(TEAM[1][1])
    assert_accessible(page)
    member, address, title, lenses = TEAM[2]
    page.locator('[name="member-2-full_name"]').fill(member)
    page.locator('[name="member-2-email"]').fill(address)
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

    # The letters, one slot each: a renamed program is refused, then each PDF is accepted.
    expect(page.locator("h1")).to_have_text("Documents")
    assert_accessible(page)
    ceo = page.locator("section", has=page.locator("#doc-ceo_letter"))
    ceo.locator("[name=ceo_letter-file]").set_input_files(
        {"name": "ceo.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 100}
    )
    ceo.get_by_role("checkbox", name="CEO").check()
    ceo.get_by_role("button", name="Upload").click()
    expect(page.locator("main")).to_contain_text("not a PDF")
    assert_accessible(page)
    for key, signatory, filename in (
        ("ceo_letter", "CEO", "ceo-letter.pdf"),
        ("board_chair_letter", "Board Chair", "board-chair-letter.pdf"),
    ):
        slot = page.locator("section", has=page.locator(f"#doc-{key}"))
        slot.locator(f"[name={key}-file]").set_input_files(
            {"name": filename, "mimeType": "application/pdf", "buffer": pdf_bytes()}
        )
        slot.get_by_role("checkbox", name=signatory, exact=True).check()
        slot.get_by_role("button", name="Upload").click()
        expect(page.locator("section", has=page.locator(f"#doc-{key}"))).to_contain_text(
            f"{filename}"
        )
    expect(page.locator("main")).not_to_contain_text("not a PDF")
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
    for label in ("CEO", "Board Chair"):
        expect(page.locator("main")).to_contain_text(
            f"Letter of commitment signed by your {label}: "
        )
    assert_accessible(page)
    page.get_by_role("button", name="Submit the application").dblclick()
    expect(page.locator("h1")).to_contain_text("Your application to the Action Community")
    expect(page.locator("#status-heading")).to_have_text("Status: Received")
    assert_accessible(page)

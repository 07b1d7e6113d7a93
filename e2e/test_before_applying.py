"""Journey: before applying, a visitor goes from the home page to the informational call's page,
registers for the call (the join details arrive by email), answers the "which cohort fits us?"
self-check and reads the FAQ — without signing in, with axe on every page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from pursuing_equity.programs.models import CallRegistration
from pursuing_equity.programs.tests.factories import load_cycle

pytestmark = pytest.mark.browser

YES = ("team", "ceo_letter", "attendance", "board_letter", "real_sogi", "travel_monthly")


def test_a_visitor_registers_for_the_call_checks_which_cohort_fits_and_reads_the_faq(
    page: Page, assert_accessible
):
    today = timezone.localdate()
    # The call (September 21 in the file) falls next month; both deadlines are after it.
    cycle = load_cycle(shift_months=(today.year - 2022) * 12 + today.month - 9 + 1)

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Informational call, questions and which cohort fits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Informational call: {cycle}")
    expect(page.locator("#call-time")).to_contain_text("(3-4 PM ET)")
    # The static script adds the time in the reader's zone (the browser's: New York here).
    expect(page.locator("#call-local-time")).to_contain_text("In your time zone:")
    assert_accessible(page)

    page.get_by_label("Your name").fill("Ana Reyes")
    page.get_by_label("Your organization").fill("Juniper Valley Health")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("main")).to_contain_text("Your email address: enter an address like")
    assert_accessible(page)
    page.get_by_label("Your email address").fill("ana@juniper.example.org")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("main")).to_contain_text(
        "You are registered. We emailed the call's details to ana@juniper.example.org."
    )
    assert_accessible(page)
    assert CallRegistration.objects.filter(cycle=cycle, email="ana@juniper.example.org").exists()
    assert [m.to for m in mail.outbox] == [["ana@juniper.example.org"]]

    check = page.locator("#self-check")
    for key in YES:
        check.locator(f"input[name='check-{key}'][value='yes']").check()
    check.get_by_role("group", name="quality improvement initiatives").get_by_label("No").check()
    check.get_by_role("button", name="See which cohort fits").click()
    result = page.locator("#self-check-result")
    expect(result).to_contain_text("Our suggestion: the Learning Network")
    expect(result).to_contain_text("measurable results from previous QI initiatives")
    assert_accessible(page)
    result.get_by_role("link", name="Read about the Learning Network").click()
    expect(page.locator("#learning_network-heading")).to_be_visible()
    page.go_back()

    faq = page.locator("#faq")
    expect(faq.get_by_text("What does it cost to take part?")).to_be_visible()
    expect(faq).to_contain_text("$30,000 per team")
    expect(faq).to_contain_text("automatically considered for the Learning Network")

"""Journey: a visitor reads the program page; program staff sign in with two-factor authentication.

Axe runs on every page the journey reaches: the program page, sign-in, the two-factor code, the
staff home, the audit log, the outbox, the two-factor set-up page and the "page not found" page.
"""

from __future__ import annotations

import datetime
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role, User
from pursuing_equity.accounts.services import role_assign
from pursuing_equity.programs.dates import add_months, demo_shift_for
from pursuing_equity.programs.services import program_load

pytestmark = pytest.mark.browser

PASSWORD = "a-long-staff-passphrase"
PROGRAM_FILE = settings.PE_PROGRAM_FILE
COHORTS = ("Learning Network", "Action Community")

# The calendar cells that matter: (cohort key, activity, month, what the cell says to a screen reader).
CALENDAR_CELLS = [
    ("learning_network", "REI Groundwater Training", datetime.date(2023, 2, 1), "Yes"),
    ("learning_network", "REI Groundwater Training", datetime.date(2023, 3, 1), ""),
    ("learning_network", "All-Team Virtual Meetings", datetime.date(2023, 1, 1), "Yes"),
    (
        "action_community",
        "Learning Sessions",
        datetime.date(2023, 3, 1),
        "Yes, in person (Boston, MA)",
    ),
    ("action_community", "Learning Sessions", datetime.date(2023, 9, 1), "Yes"),
    (
        "action_community",
        "Learning Sessions",
        datetime.date(2024, 6, 1),
        "Yes, in person (Boston, MA)",
    ),
    ("action_community", "Learning Sessions", datetime.date(2023, 4, 1), ""),
]

# The spoken text of one calendar cell, found by its row (activity) and column (month) headers.
CELL_TEXT_JS = """([tableId, activity, month]) => {
  const table = document.getElementById(tableId);
  const months = [...table.tHead.rows[1].cells].map(c => c.querySelector("abbr").title);
  const row = [...table.tBodies[0].rows].find(r => r.cells[0].textContent.trim() === activity);
  const column = months.indexOf(month);
  if (!row || column < 0) return null;
  const spoken = row.cells[column + 1].querySelector(".visually-hidden");
  return spoken ? spoken.textContent.trim() : "";
}"""


def calendar_cell(page: Page, cohort_key: str, activity: str, month: datetime.date) -> str | None:
    return page.evaluate(
        CELL_TEXT_JS, [f"calendar-{cohort_key}", activity, month.strftime("%B %Y")]
    )


def overview_cell(page: Page, row_label: str, cohort: str) -> str:
    table = page.locator("#cohort-overview")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr").filter(has=page.locator(f"th:text-is('{row_label}')"))
    return row.locator("td").nth(headers.index(cohort) - 1).inner_text().strip()


def staff_member(email: str, *, with_totp: bool) -> tuple[User, str | None]:
    user = User.objects.create_user(
        email, PASSWORD, full_name=email.split("@")[0].replace(".", " ").title()
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    role_assign(actor=None, user=user, role=Role.PROGRAM_STAFF)
    secret = None
    if with_totp:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
    return user, secret


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page: Page, email: str) -> None:
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()


def test_visitor_reads_both_cohorts_and_both_calendars_with_the_real_dates(
    page: Page, assert_accessible
):
    program_load(path=PROGRAM_FILE)

    page.goto(reverse("program"))

    expect(page.locator("h1")).to_contain_text("Pursuing Equity 2023–2024")
    expect(page.locator("#demo-dates")).to_have_count(0)
    headers = page.locator("#cohort-overview thead th").all_inner_texts()
    assert [h.strip() for h in headers[1:]] == list(COHORTS)
    assert overview_cell(page, "Estimated size", "Learning Network") == "40 participating teams"
    assert overview_cell(page, "Estimated size", "Action Community") == "10 participating teams"
    for cohort_key, cohort in zip(("learning_network", "action_community"), COHORTS, strict=True):
        expect(page.locator(f"#calendar-{cohort_key} caption")).to_contain_text(cohort)
    for cohort_key, activity, month, spoken in CALENDAR_CELLS:
        assert calendar_cell(page, cohort_key, activity, month) == spoken, (activity, month)
    assert_accessible(page)


def test_demo_dates_move_the_calendar_so_that_today_is_the_ninth_month(
    page: Page, assert_accessible
):
    today = timezone.localdate()
    shift = demo_shift_for(datetime.date(2023, 1, 1), today)
    program_load(path=PROGRAM_FILE, shift_months=shift)

    page.goto(reverse("program"))

    expect(page.locator("#demo-dates")).to_contain_text("Demo dates")
    for cohort_key, activity, month, spoken in CALENDAR_CELLS:
        assert calendar_cell(page, cohort_key, activity, add_months(month, shift)) == spoken, (
            activity,
            month,
        )
    this_month = page.locator("#calendar-action_community thead th[aria-current=date]")
    expect(this_month.locator("abbr")).to_have_attribute("title", today.strftime("%B %Y"))
    month_headers = page.locator("#calendar-action_community thead tr").nth(1).locator("th")
    assert month_headers.nth(8).get_attribute("aria-current") == "date"  # the ninth month
    assert_accessible(page)


def test_staff_sign_in_with_an_authenticator_code_and_reach_the_staff_home(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = True
    program_load(path=PROGRAM_FILE)
    _, secret = staff_member("rosa.delgado@pursuingequity.example.org", with_totp=True)

    page.goto(reverse("account_login"))
    assert_accessible(page)
    sign_in(page, "rosa.delgado@pursuingequity.example.org")

    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    assert_accessible(page)
    page.get_by_label("Code").fill(current_code(secret))
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(re.escape(reverse("home")) + "$"))
    expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit log")
    expect(page.get_by_role("main")).to_contain_text("role.assign")
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outbox")
    assert_accessible(page)

    page.goto("/no-such-page/")  # a mistyped URL, typed on purpose: the 404 page
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_staff_without_an_authenticator_are_sent_to_set_one_up(
    page: Page, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = True
    staff_member("kofi.mensah@pursuingequity.example.org", with_totp=False)

    sign_in(page, "kofi.mensah@pursuingequity.example.org")

    # allauth asks for the password once more before anyone changes how they sign in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your password")
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_activate_totp")) + r"\?required=1$"))
    expect(page.get_by_role("main")).to_contain_text(
        "Before you continue, set up an authenticator app"
    )
    expect(page.get_by_label("Authenticator code")).to_be_visible()
    assert_accessible(page)

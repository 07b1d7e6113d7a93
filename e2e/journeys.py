"""Steps every journey takes: signing in as a person made by the accounts factories, signing out."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.tests.factories import PASSWORD


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

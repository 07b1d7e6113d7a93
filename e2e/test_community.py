"""Journey: a team member posts in their small cohort's space, a peer replies, and the first
person is notified and reads the reply from their notification list.

Everyone signs in and then only follows links (the main navigation, the home's panels, the
header's notifications); axe runs on every page.
"""

from __future__ import annotations

import re

import pytest
from journeys import open_from_nav, sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.community.tests.factories import make_world

pytestmark = pytest.mark.browser


def test_a_member_posts_a_peer_replies_and_the_first_is_notified(
    page: Page, live_server, assert_accessible, settings
):
    settings.PE_REQUIRE_MFA = False
    world = make_world()
    lina, pat = world.people["ln_member"], world.people["ln_peer"]

    # Lina opens her small cohort's space from the navigation and starts a thread.
    sign_in(page, lina.email)
    open_from_nav(page, "Discussions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Discussion spaces")
    expect(page.get_by_role("link", name="Small cohort South")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Small cohort North").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Small cohort North")
    assert_accessible(page)
    page.get_by_label("Title").fill("Text reminders for follow-up visits")
    page.get_by_label("Message").fill(
        "We tried **text reminders** in Spanish. Has anyone measured no-shows by language?"
    )
    page.get_by_role("button", name="Post the thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Text reminders for follow-up visits")
    expect(page.locator("article strong", has_text="text reminders")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Pat, on a peer team of the same small cohort, finds the thread on their home and replies.
    sign_in(page, pat.email)
    page.get_by_role("link", name=re.compile("Text reminders for follow-up visits")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Text reminders for follow-up visits")
    page.get_by_label("Your reply").fill("Yes: our Spanish-speaking no-shows fell by a third.")
    page.get_by_role("button", name="Post the reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Lina sees one unread notification in the header, reads it and follows it to the reply.
    sign_in(page, lina.email)
    page.get_by_role("link", name="Notifications 1 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert_accessible(page)
    page.get_by_role(
        "link", name="Pat Pine replied in “Text reminders for follow-up visits”"
    ).click()
    expect(page.get_by_text("our Spanish-speaking no-shows fell by a third")).to_be_visible()
    assert_accessible(page)
    # Read: the header no longer counts it, the list still has it.
    page.get_by_role("link", name="Notifications", exact=True).click()
    expect(page.get_by_text("New:")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Pat Pine replied"))).to_be_visible()

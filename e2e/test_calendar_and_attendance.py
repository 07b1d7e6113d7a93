"""Journey: a participant opens "my calendar", copies the private subscription address and the
feed it gives parses as iCalendar with Eastern times; a coach takes attendance for a call; staff
set every month's date of an activity at once and name a team's 1:1 coach. Axe on every page."""

from __future__ import annotations

import re
import urllib.request

import icalendar
import pytest
from journeys import open_from_nav, sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.events.generation import calendar_generate
from pursuing_equity.events.models import Attendance
from pursuing_equity.events.tests.factories import make_program, past_event

pytestmark = pytest.mark.browser


def test_participant_subscribes_and_coach_takes_attendance(
    page: Page, live_server, assert_accessible
):
    program = make_program(shift_months=36)  # demo dates: the events lie ahead
    calendar_generate(actor=None, cycle=program.cycle)
    team = program.ln_teams[0]
    participant, colleague = program.members_of(team)[1:3]
    call = past_event(program.cycle, cohort=program.ln, title="Learning Network check-in call")
    call.facilitators.add(program.coach)

    # The participant finds "Calendar" in the navigation.
    sign_in(page, participant.email)
    assert_accessible(page)
    open_from_nav(page, "Calendar")
    expect(page.get_by_role("heading", name="My calendar", level=1)).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("All-Team Virtual Meetings")).first
    ).to_be_visible()
    assert_accessible(page)

    # Copy the subscription address (select it, copy) and read it back from the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    address = page.get_by_label("Your calendar’s subscription address")
    address.click()
    address.press("Control+a")
    address.press("Control+c")
    copied = page.evaluate("navigator.clipboard.readText()") or address.input_value()
    assert copied == address.input_value()
    assert re.match(re.escape(live_server.url) + r"/calendar/feed/[\w-]+\.ics$", copied)

    # A calendar app fetches it without any cookie: a valid RFC 5545 calendar in Eastern time.
    with urllib.request.urlopen(copied, timeout=10) as response:  # noqa: S310 (the live server)
        assert response.headers["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.read())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert "All-Team Virtual Meetings — Learning Network" in summaries
    assert not any("Action Community" in s for s in summaries)
    assert all(e["DTSTART"].params["TZID"] == "America/New_York" for e in calendar.walk("VEVENT"))

    # One event's page.
    page.get_by_role("link", name=re.compile("All-Team Virtual Meetings")).first.click()
    expect(page.get_by_text("Video call")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The coach takes attendance for the call they facilitated.
    sign_in(page, program.coach.email)
    open_from_nav(page, "Attendance")
    expect(page.get_by_role("heading", name="Attendance", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "link", name=re.compile("Take attendance of Learning Network check-in")
    ).click()
    expect(page.get_by_role("heading", name=re.compile("^Attendance: "))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(re.escape(participant.full_name))).check()
    page.get_by_label(re.compile(re.escape(colleague.full_name))).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved: 2 of 12 present.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Who is expected"))).to_be_visible()
    assert_accessible(page)
    present = set(
        Attendance.objects.filter(event=call, present=True).values_list("user", flat=True)
    )
    assert present == {participant.pk, colleague.pk}


def test_staff_and_coach_pages_of_the_calendar_are_accessible(
    page: Page, settings, live_server, assert_accessible
):
    """The other pages of the calendar, each checked by axe: staff generate and edit, a coach
    offers a slot and a team books it, a Zoom report is reviewed, a team's attendance is read."""
    settings.PE_REQUIRE_MFA = False
    program = make_program(shift_months=36)
    call = past_event(program.cycle, cohort=program.ln, title="Learning Network check-in call")
    call.facilitators.add(program.coach)

    staff = person(Role.PROGRAM_STAFF, totp=False)  # two-factor sign-in is not this journey's
    sign_in(page, staff.email)
    open_from_nav(page, "Calendar")
    page.get_by_role("link", name="Every event (staff)").click()
    page.get_by_role("button", name="Generate the calendar from the program file").click()
    expect(
        page.get_by_text(re.compile(r"Calendar generated from the program file: \d+ created"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Edit ")).first.click()
    assert_accessible(page)
    page.get_by_label("Venue").fill("Community room")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The event was saved")).to_be_visible()

    # Every month's all-team call at once: move the first one to 11:30.
    open_from_nav(page, "Calendar")
    page.get_by_role("link", name="Every event (staff)").click()
    page.get_by_role("link", name="Set the dates of an activity").click()
    page.get_by_label("Activity", exact=True).select_option(label="All-Team Virtual Meetings")
    page.get_by_role("button", name="Show its events").click()
    assert_accessible(page)
    page.locator("input[type=time][name^=start_]").first.fill("11:30")
    page.get_by_role("button", name="Save all dates").click()
    expect(page.get_by_text(re.compile(r"Learning Network: 1 event moved"))).to_be_visible()
    assert_accessible(page)

    # 1:1 coaches: the second Action Community team gets its coach.
    ac_team = program.ac_teams[1]
    open_from_nav(page, "Teams")
    page.get_by_role("link", name="1:1 coaches").click()
    assert_accessible(page)
    page.get_by_label(f"1:1 coach for {ac_team.name}").select_option(label="Otto Othercoach")
    page.get_by_role("button", name=f"Save the coach of {ac_team.name}").click()
    expect(page.get_by_text(f"{ac_team.name}: Otto Othercoach is the 1:1 coach.")).to_be_visible()
    assert_accessible(page)
    open_from_nav(page, "Attendance")
    page.get_by_role("rowheader", name=program.ln_teams[0].name).get_by_role("link").click()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, program.coach.email)
    open_from_nav(page, "Coaching")
    page.get_by_label("Date").fill("2030-01-15")
    page.get_by_label("Starts at (Eastern Time)").fill("10:00")
    page.get_by_role("button", name="Offer this slot").click()
    expect(page.get_by_text("Your slot is open for booking.")).to_be_visible()
    assert_accessible(page)
    open_from_nav(page, "Attendance")
    page.get_by_role(
        "link", name=re.compile("Take attendance of Learning Network check-in")
    ).click()
    member = program.members_of(program.ln_teams[0])[0]
    page.get_by_label("Zoom participant report (CSV)").set_input_files(
        files=[
            {
                "name": "participants.csv",
                "mimeType": "text/csv",
                "buffer": (
                    "Name (Original Name),User Email,Duration (Minutes)\n"
                    f"{member.full_name},{member.email},55\nGuest,guest@example.net,30\n"
                ).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Upload and review").click()
    expect(page.get_by_role("heading", name=re.compile("Review the Zoom report"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and save attendance").click()
    expect(
        page.get_by_text("Attendance saved from the Zoom report: 1 of 12 present.")
    ).to_be_visible()
    sign_out(page)

    booker = program.members_of(program.ac_teams[0])[1]
    sign_in(page, booker.email)
    open_from_nav(page, "Coaching")
    page.get_by_role("button", name=re.compile("^Book ")).first.click()
    expect(page.get_by_text("Booked.")).to_be_visible()
    assert_accessible(page)

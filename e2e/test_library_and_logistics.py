"""Journey: a faculty member adds slides and a suggested activity to a past call and a team member
marks it as tried as one of the team's PDSA cycles; a participant registers for the Boston
Learning Session and staff export the roster. After signing in, only links. Axe on every page."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from journeys import sign_in, sign_out
from playwright.sync_api import Page, expect

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.applications.sample_files import pdf_bytes
from pursuing_equity.events.models import ActivityTry, Registration
from pursuing_equity.events.tests.factories import make_program, past_event
from pursuing_equity.reporting.services import pdsa_cycle_save

pytestmark = pytest.mark.browser


def test_materials_activities_registration_and_roster(
    page: Page, live_server, assert_accessible, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    program = make_program()
    team = program.ac_teams[0]
    member = program.members_of(team)[1]
    past_event(program.cycle, audience="cohort", cohort=program.ac, title="All-Team Call")
    boston = past_event(
        program.cycle,
        days_ago=-20,
        audience="cohort",
        cohort=program.ac,
        kind="ac_learning_sessions",
        title="Learning Session in Boston",
        modality="in_person",
        location="Boston, MA",
    )
    pdsa_cycle_save(
        actor=member, team=team, change_idea="Ask language at check-in",
        started_on=datetime.date.today(),
    )  # fmt: skip

    # The faculty member finds the past call on their home and adds slides and an activity.
    sign_in(page, program.coach.email)
    assert_accessible(page)
    page.get_by_role("link", name="Materials of All-Team Call").click()
    expect(page.get_by_role("heading", name="Materials of All-Team Call", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("slides")
    page.get_by_label("Title").fill("Stratifying your measures")
    page.get_by_label("Topic").fill("Data")
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(pdf_bytes("Slides"))
    page.get_by_label("File").set_input_files(slides)
    page.get_by_role("button", name="Add the material").click()
    expect(page.get_by_text("The material was added")).to_be_visible()
    page.get_by_role("textbox", name="Activity to try").fill(
        "Ask every patient their preferred language"
    )
    page.get_by_role("button", name="Add the activity").click()
    expect(page.get_by_text("The suggested activity was added")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # A team member finds the activity on their home and marks it tried as their PDSA cycle.
    sign_in(page, member.email)
    page.get_by_role("link", name=re.compile("Try “Ask every patient")).click()
    expect(page.get_by_role("link", name="Stratifying your measures")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("As our PDSA cycle (optional)").select_option(
        label="Ask language at check-in"
    )
    page.get_by_role("button", name="Mark as tried").click()
    expect(page.locator(".badge", has_text=f"Tried by {team.name}")).to_be_visible()
    assert_accessible(page)
    assert ActivityTry.objects.get().pdsa_cycle.change_idea == "Ask language at check-in"

    # The same participant registers for the Boston session from their home.
    page.get_by_role("link", name="My home").click()
    page.get_by_role("link", name="Register for Learning Session in Boston").click()
    assert_accessible(page)
    page.get_by_label("In person").check()
    page.get_by_label("Dietary needs").fill("Vegetarian")
    page.get_by_label("Access needs").fill("Step-free access")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered for Learning Session in Boston")).to_be_visible()
    assert Registration.objects.get(event=boston).dietary_needs == "Vegetarian"
    sign_out(page)

    # Staff open the roster from their home and export it.
    settings.PE_REQUIRE_MFA = False  # two-factor sign-in is not this journey's
    staff = person(Role.PROGRAM_STAFF, totp=False)
    sign_in(page, staff.email)
    page.get_by_role("link", name="Roster of Learning Session in Boston").click()
    expect(page.get_by_role("heading", name=re.compile("^Roster: "))).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == member.display_name and "Vegetarian" in rows[1]

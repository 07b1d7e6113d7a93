"""The calendar, attendance and library pages are kept ({% fresh %}) between reads: a change made
through the app's own services shows at once, and a kept page never lets in whom it refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.tests.query_counts import read_twice
from pursuing_equity.events import library, services
from pursuing_equity.events.attendance_taking import attendance_take
from pursuing_equity.events.tests.factories import past_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(program):
    """A past all-team call of the Learning Network, its coach facilitating."""
    event = past_event(program.cycle, cohort=program.ln, title="Monthly all-team call")
    event.facilitators.add(program.coach)
    return event


def test_attendance_overview_shows_attendance_just_taken(client, program, call):
    url = reverse("attendance_overview")
    page = read_twice(client, program.staff, url)
    assert "Take attendance<span" in page and "Taken — change" not in page
    member = program.members_of(program.ln_teams[0])[0]
    attendance_take(actor=program.coach, event=call, present={member.pk})
    page = client.get(url).content.decode()
    assert "Taken — change" in page
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_my_calendar_shows_an_event_renamed_by_staff(client, program):
    event = past_event(program.cycle, cohort=program.ln, days_ago=-5, title="Coffee chat")
    member = program.members_of(program.ln_teams[0])[0]
    url = reverse("calendar_mine")
    assert "Coffee chat" in read_twice(client, member, url)
    services.event_update(actor=program.staff, event=event, title="Leadership huddle")
    page = client.get(url).content.decode()
    assert "Leadership huddle" in page and "Coffee chat" not in page
    client.logout()
    assert client.get(url).status_code == 302


def test_every_event_page_shows_an_edit_at_once_and_still_refuses_members(client, program):
    event = past_event(program.cycle, cohort=program.ln, days_ago=-5, title="Coffee chat")
    month = timezone.localtime(event.starts_at)
    url = reverse("calendar_manage") + f"?cycle={program.cycle.slug}&month={month:%Y-%m}"
    assert "Coffee chat" in read_twice(client, program.staff, url)
    services.event_update(actor=program.staff, event=event, title="Leadership huddle")
    page = client.get(url).content.decode()
    assert "Leadership huddle" in page and "Coffee chat" not in page
    client.force_login(program.members_of(program.ln_teams[0])[0])
    assert client.get(url).status_code == 403


def test_the_library_shows_a_material_just_added(client, program, call):
    member = program.members_of(program.ln_teams[0])[0]
    url = reverse("library")
    assert "Driver diagram" not in read_twice(client, member, url)
    library.material_add(
        actor=program.coach,
        event=call,
        kind="recording",
        title="Driver diagram walk-through",
        recording_url="https://example.org/recording",
    )
    assert "Driver diagram walk-through" in client.get(url).content.decode()
    # Another team's reader, whose calendar has no such event, does not see it.
    client.force_login(program.members_of(program.ac_teams[0])[0])
    assert "Driver diagram" not in client.get(url).content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_the_attendance_form_shows_attendance_taken_meanwhile(client, program, call):
    url = reverse("attendance_take", args=[call.pk])
    member = program.members_of(program.ln_teams[0])[0]
    box = f'name="present_{member.pk}"'
    page = read_twice(client, program.coach, url)
    assert box in page and f'{box} id="id_present_{member.pk}" checked' not in page
    attendance_take(actor=program.staff, event=call, present={member.pk})
    page = client.get(url).content.decode()
    assert f'{box} id="id_present_{member.pk}" checked' in page
    client.post(url, {})  # nobody present, saved from the page
    assert f'{box} id="id_present_{member.pk}" checked' not in client.get(url).content.decode()
    client.force_login(program.other_coach)
    assert client.get(url).status_code == 403
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_the_materials_page_shows_an_activity_just_suggested(client, program, call):
    url = reverse("material_add", args=[call.pk])
    assert "Try a huddle" not in read_twice(client, program.coach, url)
    library.suggested_activity_add(actor=program.staff, event=call, title="Try a huddle")
    assert "Try a huddle" in client.get(url).content.decode()
    response = client.post(url, {"replaces": "0", "kind": "", "title": ""})
    assert response.status_code == 200
    assert "Choose the kind of material." in response.content.decode()
    client.force_login(program.members_of(program.ln_teams[0])[0])
    assert client.get(url).status_code == 403


def test_the_coaching_page_shows_a_booking_at_once_and_not_to_another_team(client, program):
    from pursuing_equity.events.coaching import coaching_book
    from pursuing_equity.events.tests.factories import future_slot

    slot = future_slot(program.cycle, program.coach)
    team, other_team = program.ac_teams[0], program.ac_teams[1]
    user, other = program.members_of(team)[1], program.members_of(other_team)[1]
    book = reverse("slot_book", args=[slot.pk])
    assert book in read_twice(client, user, reverse("coaching"))
    coaching_book(actor=user, slot=slot, team=team)
    assert book not in client.get(reverse("coaching")).content.decode()
    client.force_login(other)
    assert book not in client.get(reverse("coaching")).content.decode()


def test_an_event_and_a_teams_attendance_show_attendance_taken_at_once(client, program, call):
    team = program.ln_teams[0]
    member = program.members_of(team)[0]
    event_url = reverse("event_detail", args=[call.pk])
    team_url = reverse("attendance_team", args=[team.slug])
    before_event = read_twice(client, program.staff, event_url).split("<main")[1]
    before_team = read_twice(client, program.staff, team_url).split("<main")[1]
    attendance_take(actor=program.coach, event=call, present={member.pk})
    assert client.get(event_url).content.decode().split("<main")[1] != before_event
    assert client.get(team_url).content.decode().split("<main")[1] != before_team
    client.force_login(program.members_of(program.ln_teams[1])[0])  # another team
    assert client.get(team_url).status_code == 403
    client.logout()
    assert client.get(event_url).status_code == 302

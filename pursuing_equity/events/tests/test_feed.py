"""The private iCalendar feed: RFC 5545 with time zones, token in the URL, resettable."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events.generation import calendar_generate
from pursuing_equity.events.services import event_update, feed_for, feed_token_reset
from pursuing_equity.events.tests.factories import make_program

pytestmark = pytest.mark.django_db
ET = ZoneInfo("America/New_York")


@pytest.fixture
def demo(db):
    program = make_program(shift_months=36)
    calendar_generate(actor=None, cycle=program.cycle)
    return program


def _fetch(client, user):
    return client.get(reverse("calendar_feed", args=[feed_for(user).token]))


def test_the_feed_parses_back_with_eastern_times_and_a_vtimezone(client, demo):
    user = demo.members_of(demo.ln_teams[0])[1]
    response = _fetch(client, user)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    items = calendar.walk("VEVENT")
    expected = {f"event-{pk}@pursuing-equity" for pk in _visible_pks(user)}
    assert {str(item["UID"]) for item in items} == expected
    for item in items:
        assert item["DTSTART"].params["TZID"] == "America/New_York"
        start = item.decoded("DTSTART")
        assert start.tzinfo.key == "America/New_York"
    call = next(i for i in items if str(i["SUMMARY"]).startswith("All-Team Virtual Meetings"))
    start, end = call.decoded("DTSTART"), call.decoded("DTEND")
    assert (start.hour, end - start) == (13, datetime.timedelta(hours=2))
    assert b"\r\n" in response.content


def _visible_pks(user):
    from pursuing_equity.events.selectors import feed_events

    return [e.pk for e in feed_events(user)]


def test_the_feed_works_without_signing_in_but_only_with_a_valid_token(client, demo):
    user = demo.members_of(demo.ln_teams[0])[1]
    assert _fetch(client, user).status_code == 200
    assert client.get(reverse("calendar_feed", args=["not-a-token"])).status_code == 404
    assert client.get("/calendar/feed/.ics").status_code == 404


def test_resetting_the_token_invalidates_the_old_url(client, demo):
    user = demo.members_of(demo.ln_teams[0])[1]
    old = reverse("calendar_feed", args=[feed_for(user).token])
    assert client.get(old).status_code == 200
    feed_token_reset(actor=user, user=user)
    assert client.get(old).status_code == 404
    assert _fetch(client, user).status_code == 200
    entry = AuditEntry.objects.get(action="calendar.feed_reset")
    assert feed_for(user).token not in str(entry.after) + entry.note


def test_reset_button_gives_a_new_address(client, demo):
    user = demo.members_of(demo.ln_teams[0])[1]
    old = feed_for(user).token
    client.force_login(user)
    response = client.post(reverse("calendar_feed_reset"), follow=True)
    assert response.status_code == 200
    assert feed_for(user).token != old
    assert feed_for(user).token in response.content.decode()
    assert client.get(reverse("calendar_feed_reset")).status_code == 405


def test_a_cancelled_event_stays_in_the_feed_as_cancelled_with_a_higher_sequence(client, demo):
    user = demo.members_of(demo.ln_teams[0])[1]
    event = demo.cycle.events.filter(kind="ln_all_team_meetings").order_by("-starts_at")[0]
    event_update(actor=demo.staff, event=event, cancelled=True)
    calendar = icalendar.Calendar.from_ical(_fetch(client, user).content)
    item = next(
        i for i in calendar.walk("VEVENT") if i["UID"] == f"event-{event.pk}@pursuing-equity"
    )
    assert (str(item["STATUS"]), int(item["SEQUENCE"])) == ("CANCELLED", 1)


def test_an_empty_calendar_is_still_valid(client, db):
    from pursuing_equity.accounts.models import Role
    from pursuing_equity.accounts.tests.factories import person

    faculty = person(Role.FACULTY)
    response = _fetch(client, faculty)
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")

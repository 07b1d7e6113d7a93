"""Staff pages: generate the calendar, list every event, edit one (audited, people emailed)."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events.models import CoachingBooking, CoachingSlot, Event
from pursuing_equity.events.tests.factories import future_slot

pytestmark = pytest.mark.django_db
ET = ZoneInfo("America/New_York")


@pytest.fixture
def staff_client(client, program):
    client.force_login(program.staff)
    return client


def _generate(staff_client):
    return staff_client.post(reverse("calendar_generate"), follow=True)


def test_staff_generate_the_calendar_from_the_page(staff_client, program):
    response = _generate(staff_client)
    assert response.status_code == 200
    assert "Calendar generated from the program file" in response.content.decode()
    assert program.cycle.events.count() > 0
    again = _generate(staff_client).content.decode()
    assert "0 created, 0 updated, 0 removed" in again


def test_staff_filter_events_by_activity_and_month(staff_client, program):
    _generate(staff_client)
    url = reverse("calendar_manage")
    body = staff_client.get(url, {"kind": "ln_all_team_meetings", "month": "2023-03"}).content
    assert body.decode().count('Edit<span class="visually-hidden">') == 1
    assert "All-Team Virtual Meetings — Learning Network" in body.decode()
    response = staff_client.get(url, {"month": "March"})
    assert response.status_code == 200
    assert "Enter a month as YYYY-MM" in response.content.decode()


def test_every_event_shows_one_month_at_a_time_with_a_link_to_each_month(
    staff_client, program, monkeypatch
):
    from django.utils import timezone

    _generate(staff_client)
    starts = sorted(e.starts_at.astimezone(ET) for e in program.cycle.events.all())
    months = sorted({d.date().replace(day=1) for d in starts})
    second = months[1]
    # On a day of the second month the page opens on that month.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: second.replace(day=2))
    body = staff_client.get(reverse("calendar_manage")).content.decode()
    shown = [d for d in starts if d.date().replace(day=1) == second]
    assert f"{len(shown)} event{'s' if len(shown) != 1 else ''} in {second:%B %Y}" in body
    assert body.count('Edit<span class="visually-hidden">') == len(shown)
    for month in months:
        link = f"?cycle={program.cycle.slug}&amp;month={month:%Y-%m}"
        assert f'href="{link}"' in body
    first = staff_client.get(reverse("calendar_manage"), {"month": f"{months[0]:%Y-%m}"})
    assert f"in {months[0]:%B %Y}" in first.content.decode()


def test_staff_set_the_exact_date_and_time_and_people_are_told(staff_client, program):
    _generate(staff_client)
    event = program.cycle.events.filter(kind="ln_all_team_meetings").order_by("starts_at")[0]
    mail.outbox.clear()
    response = staff_client.post(
        reverse("event_edit", args=[event.pk]),
        {
            "title": event.title,
            "start_date": "2023-01-12",
            "start_time": "14:30",
            "end_date": "2023-01-12",
            "end_time": "16:30",
            "modality": "virtual",
            "video_url": "https://zoom.example.org/j/123",
            "location": "Zoom",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == datetime.datetime(2023, 1, 12, 14, 30, tzinfo=ET)
    assert event.edited and event.sequence == 1
    entry = AuditEntry.objects.get(action="event.updated", object_id=str(event.pk))
    assert set(entry.before) == {"starts_at", "ends_at", "video_url"}
    ln_members = {m.user.email for t in program.ln_teams for m in t.members.select_related("user")}
    assert {m.to[0] for m in mail.outbox} == ln_members
    assert "Thursday, January 12, 2023, 2:30 PM – 4:30 PM ET" in mail.outbox[0].body


def test_a_title_change_alone_sends_no_email(staff_client, program):
    _generate(staff_client)
    event = program.cycle.events.filter(kind="ln_all_team_meetings")[0]
    local = event.starts_at.astimezone(ET)
    mail.outbox.clear()
    staff_client.post(
        reverse("event_edit", args=[event.pk]),
        {
            "title": "Renamed",
            "start_date": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"),
            "end_date": local.date().isoformat(),
            "end_time": event.ends_at.astimezone(ET).strftime("%H:%M"),
            "modality": "virtual",
            "location": event.location,
        },
    )
    event.refresh_from_db()
    assert event.title == "Renamed"
    assert mail.outbox == []


def test_bad_input_is_shown_next_to_the_fields(staff_client, program):
    _generate(staff_client)
    event = program.cycle.events.first()
    response = staff_client.post(
        reverse("event_edit", args=[event.pk]),
        {
            "title": "",
            "start_date": "2023-13-40",
            "start_time": "14:00",
            "end_date": "2023-01-12",
            "end_time": "13:00",
            "modality": "in_person",
            "location": "",
            "video_url": "not a url",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"title", "start_date", "location", "video_url"}


def test_an_end_before_the_start_is_refused(staff_client, program):
    _generate(staff_client)
    event = program.cycle.events.first()
    response = staff_client.post(
        reverse("event_edit", args=[event.pk]),
        {
            "title": "x",
            "start_date": "2023-01-12",
            "start_time": "14:00",
            "end_date": "2023-01-12",
            "end_time": "13:00",
            "modality": "virtual",
        },
    )
    assert "The event must end after it starts." in response.content.decode()


def test_the_event_page_shows_when_where_and_for_staff_who(staff_client, program):
    _generate(staff_client)
    event = program.cycle.events.filter(kind="ac_learning_sessions", modality="in_person")[0]
    body = staff_client.get(reverse("event_detail", args=[event.pk])).content.decode()
    body = re.sub(r"<[^>]+>", "", body)
    assert "Venue to be announced, Boston, MA" in body
    assert "Who is expected" in body
    assert "Tue, Mar 21, 2023, 9:00 AM – Thu, Mar 23, 5:00 PM ET" in body


# --- coaching pages ---------------------------------------------------------------------------


def test_a_coach_offers_a_slot_from_the_page(client, program):
    client.force_login(program.coach)
    day = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        reverse("slot_publish"), {"date": day, "start_time": "10:00", "minutes": "60"}
    )
    assert response.status_code == 302
    slot = CoachingSlot.objects.get(coach=program.coach)
    assert slot.starts_at.astimezone(ET).hour == 10


def test_a_bad_slot_is_explained(client, program):
    client.force_login(program.coach)
    response = client.post(
        reverse("slot_publish"), {"date": "2020-01-01", "start_time": "25:00", "minutes": "7"}
    )
    assert response.status_code == 400
    assert set(response.context["slot_form"].errors) == {"start_time", "minutes"}
    response = client.post(
        reverse("slot_publish"), {"date": "2020-01-01", "start_time": "10:00", "minutes": "60"}
    )
    assert "Choose a time in the future." in response.content.decode()


def test_a_team_member_books_and_cancels_from_the_page(client, program):
    slot = future_slot(program.cycle, program.coach)
    team = program.ac_teams[0]
    user = program.members_of(team)[1]
    client.force_login(user)
    page = client.get(reverse("coaching")).content.decode()
    assert reverse("slot_book", args=[slot.pk]) in page
    response = client.post(reverse("slot_book", args=[slot.pk]), {"team": team.pk}, follow=True)
    assert "Booked." in response.content.decode()
    booking = CoachingBooking.objects.get(slot=slot)
    assert Event.objects.filter(pk=booking.event_id, team=team).exists()
    # The other team cannot take it any more.
    other = program.members_of(program.ac_teams[1])[1]
    client.force_login(other)
    response = client.post(
        reverse("slot_book", args=[slot.pk]), {"team": program.ac_teams[1].pk}, follow=True
    )
    assert "Another team has just booked this slot" in response.content.decode()
    # …nor book for a team that is not theirs.
    response = client.post(reverse("slot_book", args=[slot.pk]), {"team": team.pk}, follow=True)
    assert "Choose one of your Action Community teams" in response.content.decode()
    client.force_login(user)
    response = client.post(reverse("booking_cancel", args=[booking.pk]), follow=True)
    assert "The booking was cancelled" in response.content.decode()


def test_the_coaching_page_names_each_teams_coach_once(client, program):
    from pursuing_equity.teams.models import TeamMember

    first, second = program.ac_teams
    user = program.members_of(first)[1]
    client.force_login(user)
    page = client.get(reverse("coaching")).content.decode()
    assert "Your team’s 1:1 coach:" in page
    assert page.count("The open slots below are your coach’s.") == 1
    # A member of both teams, with two coaches: each team and its coach once, one sentence.
    second.coach = program.other_coach
    second.save()
    TeamMember.objects.create(team=second, user=user, part=TeamMember.Part.MEMBER)
    page = client.get(reverse("coaching")).content.decode()
    assert "Your teams’ 1:1 coaches:" in page
    assert f"{first.name} — <strong>Cora Coach</strong>" in page
    assert f"{second.name} — <strong>Otto Othercoach</strong>" in page
    assert page.count("The open slots below are those of your teams’ coaches.") == 1
    assert "your coach’s" not in page
    # A team without a coach: its people book any coach, so no sentence narrows the slots.
    second.coach = None
    second.save()
    page = client.get(reverse("coaching")).content.decode()
    assert f"{first.name} — <strong>Cora Coach</strong>" in page
    assert "The open slots below" not in page


def test_the_month_shown_is_this_month_else_the_next_with_events_else_the_last():
    from pursuing_equity.events.selectors import month_to_show

    months = [datetime.date(2023, 1, 1), datetime.date(2023, 3, 1)]
    assert month_to_show(months, datetime.date(2023, 1, 20)) == months[0]
    assert month_to_show(months, datetime.date(2023, 2, 5)) == months[1]
    assert month_to_show(months, datetime.date(2024, 6, 1)) == months[1]
    assert month_to_show([], datetime.date(2023, 1, 1)) is None

"""Staff set the date and time of every month's event of one activity at once."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events import selectors
from pursuing_equity.events.generation import calendar_generate
from pursuing_equity.events.models import Event

pytestmark = pytest.mark.django_db
ET = ZoneInfo("America/New_York")


@pytest.fixture
def calls(program):
    calendar_generate(actor=program.staff, cycle=program.cycle)
    activity = program.cycle.activities.get(key="ln_all_team_meetings")
    events = list(Event.objects.filter(activity=activity).order_by("starts_at"))
    assert len(events) > 3
    return activity, events


def _url(activity, audience=""):
    url = f"{reverse('activity_dates')}?activity={activity.key}"
    return url + (f"&audience={audience}" if audience else "")


def _grid(events, *, hour=14, shift_days=1):
    """Post data moving every event a day later (same month) to ``hour``:00–``hour+2``:00."""
    data = {}
    for event in events:
        day = event.starts_at.astimezone(ET).date()
        moved = day + datetime.timedelta(days=shift_days)
        if moved.month != day.month:
            moved = day - datetime.timedelta(days=shift_days)
        data[f"date_{event.pk}"] = moved.isoformat()
        data[f"start_{event.pk}"] = f"{hour:02d}:00"
        data[f"end_{event.pk}"] = f"{hour + 2:02d}:00"
    return data


def test_only_staff_open_the_page(program, calls, client):
    activity, events = calls
    url = _url(activity)
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    member = program.members_of(program.ln_teams[0])[0]
    for who in (member, program.coach):
        client.force_login(who)
        assert client.get(url).status_code == 403
        assert client.post(url, _grid(events)).status_code == 403
    assert not Event.objects.filter(activity=activity, edited=True).exists()


def test_staff_see_one_row_per_month(program, calls, client):
    activity, events = calls
    client.force_login(program.staff)
    body = client.get(_url(activity)).content.decode()
    for event in events:
        assert f'name="date_{event.pk}"' in body
    assert "Set the dates of an activity" in body
    month = events[0].starts_at.astimezone(ET)
    assert f"{month:%B %Y}" in body


def test_saving_the_grid_moves_every_event_and_emails_their_people(program, calls, client):
    activity, events = calls
    client.force_login(program.staff)
    mail.outbox.clear()
    response = client.post(_url(activity), _grid(events), follow=True)
    assert response.status_code == 200
    assert f"{len(events)} events moved" in response.content.decode()
    for event in events:
        event.refresh_from_db()
        local = event.starts_at.astimezone(ET)
        assert (local.hour, local.minute) == (14, 0)
        assert event.ends_at - event.starts_at == datetime.timedelta(hours=2)
        assert event.edited
    # Every LN person is told of each change, as with a single edit.
    ln_people = {u.email for t in program.ln_teams for u in program.members_of(t)}
    assert {m.to[0] for m in mail.outbox} >= ln_people
    assert len(mail.outbox) >= len(events) * len(ln_people)
    entry = AuditEntry.objects.get(action="calendar.activity_dates")
    assert entry.after["events"] == [e.pk for e in events]
    assert AuditEntry.objects.filter(action="event.updated").count() == len(events)


def test_a_bad_row_changes_nothing_and_says_where(program, calls, client):
    activity, events = calls
    client.force_login(program.staff)
    data = _grid(events)
    first, second = events[0], events[1]
    outside = first.starts_at.astimezone(ET).date().replace(day=1) - datetime.timedelta(days=1)
    data[f"date_{first.pk}"] = outside.isoformat()
    data[f"end_{second.pk}"] = "09:00"
    before = [(e.starts_at, e.ends_at) for e in events]
    mail.outbox.clear()
    response = client.post(_url(activity), data)
    body = response.content.decode()
    assert response.status_code == 400
    month = first.starts_at.astimezone(ET)
    assert f"Choose a date in {month:%B %Y}." in body
    assert "The event must end after it starts." in body
    assert [(e.starts_at, e.ends_at) for e in Event.objects.filter(activity=activity)] == before
    assert not mail.outbox
    data = _grid(events)
    data[f"date_{first.pk}"] = "not a date"
    assert client.post(_url(activity), data).status_code == 400


def test_small_cohort_activities_are_set_one_small_cohort_at_a_time(program, client):
    calendar_generate(actor=program.staff, cycle=program.cycle)
    activity = program.cycle.activities.get(key="ln_group_coaching")
    audiences = selectors.activity_audiences(program.cycle, activity)
    assert [a.label for a in audiences] == ["Cohort 1", "Cohort 2"]
    client.force_login(program.staff)
    body = client.get(_url(activity)).content.decode()
    assert "Who it is for" in body and 'name="date_' not in body
    chosen = audiences[1]
    response = client.post(_url(activity, chosen.key), _grid(chosen.events, hour=10))
    assert response.status_code == 302
    assert all(e.edited for e in Event.objects.filter(small_cohort=program.small_cohorts[1]))
    assert not Event.objects.filter(small_cohort=program.small_cohorts[0], edited=True).exists()


def test_the_page_makes_a_fixed_number_of_queries(
    program, calls, client, django_assert_max_num_queries
):
    activity, _ = calls
    client.force_login(program.staff)
    with django_assert_max_num_queries(12):
        client.get(_url(activity))


def test_saving_the_grid_unchanged_moves_nothing_and_records_nothing(program, calls):
    from pursuing_equity.events.services import activity_dates_set

    activity, events = calls
    mail.outbox.clear()
    times = [(event, event.starts_at, event.ends_at) for event in events]
    assert activity_dates_set(actor=program.staff, activity=activity, times=times) == 0
    assert not AuditEntry.objects.filter(action__in=["calendar.activity_dates", "event.updated"])
    assert not Event.objects.filter(activity=activity, edited=True).exists()
    assert not mail.outbox


def test_the_times_are_compared_with_the_events_as_saved(program, calls):
    """A stale copy of an event (changed since the page was read) is moved all the same."""
    from pursuing_equity.events.services import activity_dates_set

    activity, events = calls
    stale = events[0]
    Event.objects.filter(pk=stale.pk).update(
        starts_at=stale.starts_at + datetime.timedelta(hours=1)
    )
    times = [(stale, stale.starts_at, stale.ends_at)]
    assert activity_dates_set(actor=program.staff, activity=activity, times=times) == 1
    stale.refresh_from_db()
    assert stale.edited
    assert AuditEntry.objects.get(action="calendar.activity_dates").after["events"] == [stale.pk]

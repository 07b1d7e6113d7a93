"""``{{ event|when }}`` reads as the calendar always read: Eastern Time, the end's day only when
it differs (no database)."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import Context, Template

from pursuing_equity.events.templatetags.event_times import when

UTC = datetime.UTC


def event(start: datetime.datetime, end: datetime.datetime):
    return SimpleNamespace(starts_at=start, ends_at=end)


def test_a_call_shows_its_day_once_in_eastern_time():
    call = event(
        datetime.datetime(2025, 3, 4, 18, 0, tzinfo=UTC),
        datetime.datetime(2025, 3, 4, 19, 30, tzinfo=UTC),
    )
    assert when(call) == (
        '<time datetime="2025-03-04T13:00:00-05:00">Tue, Mar 4, 2025, 1:00 PM</time> – '
        '<time datetime="2025-03-04T14:30:00-05:00">2:30 PM</time> ET'
    )


def test_a_session_over_two_days_shows_both_days():
    zone = ZoneInfo("America/New_York")
    session = event(
        datetime.datetime(2025, 6, 10, 9, 0, tzinfo=zone),
        datetime.datetime(2025, 6, 11, 16, 0, tzinfo=zone),
    )
    html = Template("{% load event_times %}{{ e|when }}").render(Context({"e": session}))
    assert html == (
        '<time datetime="2025-06-10T09:00:00-04:00">Tue, Jun 10, 2025, 9:00 AM</time> – '
        '<time datetime="2025-06-11T16:00:00-04:00">Wed, Jun 11, 4:00 PM</time> ET'
    )

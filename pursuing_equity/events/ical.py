"""A person's calendar as an iCalendar document (RFC 5545), for Google Calendar and Outlook.

Times are written in the program's time zone with a TZID and the matching VTIMEZONE, so that
calendars show the right local time on both sides of a daylight-saving change. Each event keeps
its UID; SEQUENCE rises with every change and a cancelled event stays in the feed with
STATUS:CANCELLED, so that subscribed calendars update or remove it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar

from pursuing_equity.events.models import Event

PRODID = "-//Pursuing Equity//Calendar//EN"


def uid(event: Event) -> str:
    return f"event-{event.pk}@pursuing-equity"


def calendar_document(
    events: Iterable[Event], *, name: str, time_zone: str, url_of=lambda e: ""
) -> bytes:
    """The events as one VCALENDAR (bytes, CRLF line endings as RFC 5545 asks)."""
    zone = ZoneInfo(time_zone)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", time_zone)
    cal.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    first, last = None, None
    for event in events:
        item = icalendar.Event()
        item.add("uid", uid(event))
        item.add("dtstamp", event.updated_at)
        item.add("last-modified", event.updated_at)
        item.add("dtstart", event.starts_at.astimezone(zone))
        item.add("dtend", event.ends_at.astimezone(zone))
        item.add("summary", event.title)
        item.add("location", event.where)
        description = [event.get_modality_display()]
        if event.video_url:
            description.append(f"Video call: {event.video_url}")
        if event.optional:
            description.append("Optional.")
        if event.notes:
            description.append(event.notes)
        link = url_of(event)
        if link:
            description.append(link)
            item.add("url", link)
        item.add("description", "\n".join(description))
        item.add("sequence", event.sequence)
        item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        item.add("transp", "TRANSPARENT" if event.optional else "OPAQUE")
        cal.add_component(item)
        day = event.starts_at.date()
        first = min(first or day, day)
        last = max(last or day, day)
    if first is not None:
        cal.add_missing_timezones(
            first_date=datetime.date(first.year - 1, 1, 1),
            last_date=datetime.date(last.year + 2, 1, 1),
        )
    else:
        today = datetime.date.today()
        # No events yet: still say which time zone the calendar is in.
        cal.add_component(
            icalendar.Timezone.from_tzid(
                time_zone, first_date=today, last_date=today.replace(year=today.year + 1)
            )
        )
    return cal.to_ical()

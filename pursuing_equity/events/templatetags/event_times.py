"""``{{ event|when }}``: an event's (or a coaching slot's) start and end in the program's time
zone, as ``<time>`` elements. A filter, not an included template: calendars list dozens of
events, and an include with its date filters per row cost the page most of its time."""

from __future__ import annotations

from django import template
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _time(moment, shown: str) -> str:
    return f'<time datetime="{dateformat.format(moment, "c")}">{dateformat.format(moment, shown)}</time>'


@register.filter
def when(event) -> SafeString:
    """ "Tue, Mar 4, 2025, 1:00 PM – 2:30 PM ET" (the end's day too when it differs)."""
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    end_format = "g:i A" if starts.date() == ends.date() else "D, M j, g:i A"
    # Only formatted dates: nothing a person typed.
    return mark_safe(f"{_time(starts, 'D, M j, Y, g:i A')} – {_time(ends, end_format)} ET")  # noqa: S308

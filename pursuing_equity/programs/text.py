"""Texts of a program file that refer to its data: ``{format:key.path}`` placeholders.

A text quoted from the seed that contains a date, a number or an address the file also holds as
data refers to that datum instead of repeating it, so that demo dates and edited numbers show
everywhere. ``key.path`` is a dotted path from the document's root; a step into a list is an index
or the ``key`` of one of its tables (``activities.ln_group_coaching.duration_minutes``).

Formats:  date "November 1, 2022" · day "November 1" · month "January 2023" · year "2023" ·
value "40" · usd "$30,000" · text (a string as is) · call "Wednesday, September 21, 2022 (3-4 PM ET)"
(a table with starts_at, ends_at as local times; the label of the zone is the document's
``time_zone_label``).

Works on both forms of a document: as read from TOML (date objects) and as stored (ISO strings).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pursuing_equity.programs.dates import is_month, parse_month

PLACEHOLDER_RE = re.compile(r"\{([a-z_]+):([A-Za-z0-9_.\-]+)\}")
FORMATS = ("date", "day", "month", "year", "value", "usd", "text", "call")
_MISSING = object()


def resolve(document: Any, path: str) -> Any:
    """The value at a dotted ``path`` of ``document``; KeyError if there is none."""
    node = document
    for step in path.split("."):
        if isinstance(node, Mapping) and step in node:
            node = node[step]
        elif isinstance(node, list):
            node = _list_step(node, step)
        else:
            raise KeyError(path)
    return node


def _list_step(items: list, step: str) -> Any:
    if step.isdigit() and int(step) < len(items):
        return items[int(step)]
    for item in items:
        if isinstance(item, Mapping) and item.get("key") == step:
            return item
    raise KeyError(step)


def placeholders(text: str) -> Iterator[tuple[str, str, str]]:
    """(whole placeholder, format, path) for each placeholder in ``text``."""
    for match in PLACEHOLDER_RE.finditer(text):
        yield match[0], match[1], match[2]


def check(text: str, document: Any) -> list[str]:
    """What is wrong with the placeholders of ``text``: one message each, empty if nothing."""
    problems = []
    for whole, fmt, path in placeholders(text):
        if fmt not in FORMATS:
            problems.append(f"{whole}: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
            continue
        try:
            _format(fmt, resolve(document, path), document)
        except KeyError:
            problems.append(f"{whole}: the file has nothing at {path}")
        except (TypeError, ValueError) as error:
            problems.append(f"{whole}: {error}")
    return problems


def render(text: str, document: Any) -> str:
    """``text`` with each placeholder replaced by the datum it refers to, formatted."""

    def replace(match: re.Match) -> str:
        return _format(match[1], resolve(document, match[2]), document)

    return PLACEHOLDER_RE.sub(replace, text)


def _format(fmt: str, value: Any, document: Any) -> str:
    if fmt == "date":
        day = _as_date(value)
        return f"{day:%B} {day.day}, {day.year}"
    if fmt == "day":
        day = _as_date(value)
        return f"{day:%B} {day.day}"
    if fmt in ("month", "year"):
        day = _as_date(value, months_too=True)
        return day.strftime("%B %Y") if fmt == "month" else str(day.year)
    if fmt == "value":
        if isinstance(value, Mapping | list) or value is None:
            raise TypeError("value needs a number or a string")
        return str(value)
    if fmt == "usd":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("usd needs a number")
        return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"
    if fmt == "text":
        if not isinstance(value, str):
            raise TypeError("text needs a string")
        return value
    if fmt == "call":
        return call_text(
            value, document.get("time_zone_label", "") if isinstance(document, Mapping) else ""
        )
    raise ValueError(f"unknown format {fmt!r}")


def call_text(call: Any, zone_label: str) -> str:
    """ "Wednesday, September 21, 2022 (3-4 PM ET)" for a table with local starts_at and ends_at."""
    if not isinstance(call, Mapping):
        raise TypeError("call needs a table with starts_at and ends_at")
    starts, ends = _as_datetime(call.get("starts_at")), _as_datetime(call.get("ends_at"))
    start_clock, start_half = _clock(starts)
    end_clock, end_half = _clock(ends)
    if start_half == end_half:
        span = f"{start_clock}-{end_clock} {end_half}"
    else:
        span = f"{start_clock} {start_half}-{end_clock} {end_half}"
    label = f" {zone_label}" if zone_label else ""
    return f"{starts:%A, %B} {starts.day}, {starts.year} ({span}{label})"


def _clock(moment: datetime.datetime) -> tuple[str, str]:
    hour = moment.hour % 12 or 12
    clock = f"{hour}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}"
    return clock, "AM" if moment.hour < 12 else "PM"


def _as_date(value: Any, *, months_too: bool = False) -> datetime.date:
    if isinstance(value, datetime.date):
        return value.date() if isinstance(value, datetime.datetime) else value
    if isinstance(value, str):
        if months_too and is_month(value):
            return parse_month(value)
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise TypeError(f"needs a date{' or a month' if months_too else ''}, found {value!r}")


def _as_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise TypeError(f"needs a date and time, found {value!r}")


def strings(document: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(key path, string) for every string in ``document``."""
    if isinstance(document, Mapping):
        for key, value in document.items():
            yield from strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from strings(value, f"{path}.{index}" if path else str(index))
    elif isinstance(document, str):
        yield path, document

"""Large tables' rows built in Python: the template engine's cost per cell (a lookup, a filter,
escaping) made most of the time of pages with hundreds of rows (bench/bench_pages.py)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe


def _cell(value: object) -> str:
    """As the template engine prints a value: escaped (django.utils.html.escape is
    ``html.escape``), unless it is safe already."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value.__html__()
    if isinstance(value, int):
        return str(value)
    return html.escape(str(value))


def table_rows(rows: Iterable[Iterable[object]], *, header: int = 0) -> SafeString:
    """``<tr>`` per row, one cell per value, the ``header``-th a ``<th scope="row">``.

    Values are escaped as the template engine escapes them, unless already safe (a
    ``format_html`` result), so a cell may carry its own markup; None is an empty cell."""
    out = []
    for row in rows:
        out.append("<tr>")
        for index, value in enumerate(row):
            text = _cell(value)
            if index == header:
                out.append(f'<th scope="row">{text}</th>')
            else:
                out.append(f"<td>{text}</td>")
        out.append("</tr>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above was escaped by _cell

"""The program page's body, rendered once per process per content.

The body (contents, cohorts, calendars, fees, glossary: a few hundred template nodes filled from
the program file, with links found by ``urlize``) took most of the page's time and is the same
for every reader until the cycle's rows or this month change. It is kept per process, keyed by
``ProgramPage.fingerprint`` (every stored value it is drawn from), so a reload, an edit or a new
month is a new key and never stale. What depends on the reader or the hour (the open calls,
"Apply now") stays in ``program_detail.html`` around it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from pursuing_equity.programs.selectors import ProgramPage

#: Bodies kept: a few cycles × this month is all a site shows.
KEPT = 16

_bodies: OrderedDict[tuple, SafeString] = OrderedDict()
_lock = threading.Lock()


def program_body(page: ProgramPage) -> SafeString:
    """The body of the program page for ``page`` (rendered on the first request for its
    fingerprint, then reused)."""
    key = page.fingerprint
    with _lock:
        html = _bodies.get(key)
        if html is not None:
            _bodies.move_to_end(key)
            return html
    html = mark_safe(render_to_string("programs/_program_body.html", {"page": page}))  # noqa: S308 - a template's autoescaped output
    with _lock:
        _bodies[key] = html
        while len(_bodies) > KEPT:
            _bodies.popitem(last=False)
    return html


def clear_program_bodies() -> None:
    """Forget every rendered body (tests that edit a document in place call it between tests)."""
    with _lock:
        _bodies.clear()

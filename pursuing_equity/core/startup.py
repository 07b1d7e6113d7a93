"""What a server process does once the project is loaded, before it serves requests.

Everything loaded at start (modules, templates, URL patterns, settings) lives as long as the
process, yet CPython's garbage collector walks all of it in every full (generation 2) collection:
on this project's heap that took 0.2–0.3 s, a pause that fell on whichever request was running
(the "p95 spikes" of ``bench/bench_pages.py``). :func:`settle` moves those objects to the
permanent generation (:func:`gc.freeze`, as the CPython documentation advises for servers), so a
full collection walks only what requests created since: well under a millisecond.
"""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load what the first request would (the URL patterns and every view module they import),
    collect once, then freeze every object that survived (call after ``django.setup()``)."""
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and the views
    gc.collect()
    gc.freeze()

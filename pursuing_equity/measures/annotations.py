"""Dated notes on a measure's timeline (the PDSA cycles that tested a change), from other apps.

The reporting app owns PDSA cycles and depends on measures, so measures cannot import it: it
registers its source here from ``ReportingConfig.ready()``, and the dashboard views ask
:func:`for_measure`. Each source takes a measure and returns ``(date, label)`` pairs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

Source = Callable[[object], Iterable[tuple[datetime.date, str]]]

_sources: list[Source] = []


def register(source: Source) -> None:
    """Add a source of annotations (registering the same one twice has no effect)."""
    if source not in _sources:
        _sources.append(source)


def for_measure(measure) -> tuple[tuple[datetime.date, str], ...]:
    """Every registered source's annotations of ``measure``, oldest first."""
    notes = [note for source in _sources for note in source(measure)]
    return tuple(sorted(notes, key=lambda note: note[0]))

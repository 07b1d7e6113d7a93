"""Dated notes on a measure's timeline (the PDSA cycles that tested a change), from other apps.

The reporting app owns PDSA cycles and depends on measures, so measures cannot import it: it
registers its source here from ``ReportingConfig.ready()``, and the dashboard views ask
:func:`for_measure`. Each source takes a measure and returns ``(date, label)`` or
``(date, label, url)`` tuples; the charts mark each with a number keyed to the table below them
(see :mod:`.charts`), and the url links that table's row to the change's own page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple


class Annotation(NamedTuple):
    day: datetime.date
    label: str
    url: str = ""


Source = Callable[[object], Iterable[Sequence]]

_sources: list[Source] = []


def register(source: Source) -> None:
    """Add a source of annotations (registering the same one twice has no effect)."""
    if source not in _sources:
        _sources.append(source)


def normalise(notes: Iterable[Sequence]) -> tuple[Annotation, ...]:
    """``notes`` as :class:`Annotation`, oldest first: their position is their number on a chart."""
    return tuple(sorted((Annotation(*note) for note in notes), key=lambda note: note.day))


def for_measure(measure) -> tuple[Annotation, ...]:
    """Every registered source's annotations of ``measure``, oldest first."""
    return normalise(note for source in _sources for note in source(measure))

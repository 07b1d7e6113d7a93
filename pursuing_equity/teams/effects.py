"""What other apps do when the cohort builder lets a small cohort go or takes a retired one back.

The events app owns the calendar and depends on teams, so teams cannot import it: it registers its
effect here from ``EventsConfig.ready()`` (as reporting does for measures' annotations), and the
builder calls :func:`small_cohort_reset`. An effect drops what its app planned ahead for the small
cohort (the calendar's future events), so that a retired cohort keeps only its history and a
reused one starts afresh, like a new one. Each effect runs in the builder's transaction, takes the
acting user and the small cohort, and returns a sentence for staff ("" when it did nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pursuing_equity.teams.models import SmallCohort

Effect = Callable[..., str]

_effects: list[Effect] = []


def register(effect: Effect) -> None:
    """Add an effect (registering the same one twice has no effect)."""
    if effect not in _effects:
        _effects.append(effect)


def small_cohort_reset(*, actor: Any, small_cohort: SmallCohort) -> list[str]:
    """Run every registered effect on ``small_cohort``; their sentences for staff, if any."""
    notes = [effect(actor=actor, small_cohort=small_cohort) for effect in _effects]
    return [note for note in notes if note]

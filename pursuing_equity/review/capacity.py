"""Seats and the ranked waitlist of a cohort: small pure functions, no Django.

A cohort has a capacity from the program file (Cohort.capacity: 10 for the Action Community, 40 for
the Learning Network). Accepting beyond it is refused; the applications that do not fit go to the
cohort's waitlist, ranked 1, 2, 3 … in the order staff chose them, after those already waiting.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


def seats_left(capacity: int, accepted: int) -> int:
    """Seats still open (never negative)."""
    return max(capacity - accepted, 0)


@dataclass(frozen=True)
class SeatPlan[K: Hashable]:
    """What a batch of acceptances becomes: who gets a seat, who waits (with their rank)."""

    accept: tuple[K, ...]
    waitlist: tuple[tuple[K, int], ...]


def plan_acceptances[K: Hashable](
    *, capacity: int, accepted: int, chosen: Sequence[K], waitlisted: int
) -> SeatPlan[K]:
    """Give ``chosen`` (in order) the open seats; the rest join the waitlist after ``waitlisted``.

    ``accepted`` is how many already hold a seat, ``waitlisted`` how many already wait.
    """
    if len(set(chosen)) != len(chosen):
        raise ValueError("an application is chosen twice")
    open_seats = seats_left(capacity, accepted)
    accept = tuple(chosen[:open_seats])
    rest = chosen[open_seats:]
    return SeatPlan(
        accept=accept,
        waitlist=tuple((key, waitlisted + i) for i, key in enumerate(rest, start=1)),
    )


def compact_ranks[K: Hashable](ranked: Sequence[tuple[K, int]]) -> dict[K, int]:
    """Ranks 1, 2, 3 … in the order of the given ranks (gaps closed when someone leaves the list)."""
    ordered = sorted(ranked, key=lambda pair: pair[1])
    return {key: i for i, (key, _) in enumerate(ordered, start=1)}


def move_rank[K: Hashable](ranked: Sequence[tuple[K, int]], key: K, new_rank: int) -> dict[K, int]:
    """Ranks after moving ``key`` to ``new_rank`` (clamped to the list), the others shifting."""
    order = [k for k, _ in sorted(ranked, key=lambda pair: pair[1])]
    if key not in order:
        raise KeyError(key)
    order.remove(key)
    position = min(max(new_rank, 1), len(order) + 1) - 1
    order.insert(position, key)
    return {k: i for i, k in enumerate(order, start=1)}

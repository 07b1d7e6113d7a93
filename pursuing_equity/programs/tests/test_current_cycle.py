"""Which cycle is current: the one running (the latest to start), else the next, else the last."""

from __future__ import annotations

import datetime

import pytest

from pursuing_equity.programs.models import Cycle
from pursuing_equity.programs.selectors import current_cycle

pytestmark = pytest.mark.django_db
D = datetime.date


def cycle(slug: str, starts: datetime.date, ends: datetime.date) -> Cycle:
    return Cycle.objects.create(
        slug=slug,
        program_name="Pursuing Equity",
        title=slug,
        starts_on=starts,
        ends_on=ends,
        document={},
        source_sha256="0" * 64,
    )


def test_no_cycle_is_none():
    assert current_cycle(D(2024, 1, 1)) is None


def test_the_running_cycle_wins_and_the_latest_to_start_of_two_running():
    cycle("old", D(2020, 1, 1), D(2021, 1, 1))
    cycle("long", D(2023, 1, 1), D(2025, 12, 31))
    cycle("late", D(2024, 1, 1), D(2024, 12, 31))
    cycle("next", D(2026, 1, 1), D(2027, 1, 1))
    assert current_cycle(D(2023, 6, 1)).slug == "long"
    assert current_cycle(D(2024, 6, 1)).slug == "late"


def test_between_cycles_the_next_to_start_then_after_all_the_last_to_start():
    cycle("old", D(2020, 1, 1), D(2021, 1, 1))
    cycle("older", D(2019, 1, 1), D(2021, 6, 1))
    cycle("far", D(2030, 1, 1), D(2031, 1, 1))
    cycle("next", D(2026, 1, 1), D(2027, 1, 1))
    assert current_cycle(D(2022, 1, 1)).slug == "next"
    Cycle.objects.filter(slug__in=["far", "next"]).delete()
    assert current_cycle(D(2022, 1, 1)).slug == "old"


def test_one_query(django_assert_num_queries):
    cycle("a", D(2020, 1, 1), D(2021, 1, 1))
    cycle("b", D(2022, 1, 1), D(2023, 1, 1))
    with django_assert_num_queries(1):
        current_cycle(D(2022, 6, 1))

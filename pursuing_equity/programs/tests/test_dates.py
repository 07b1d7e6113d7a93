import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pursuing_equity.programs.dates import (
    add_months,
    demo_shift_for,
    local_to_utc,
    month_end,
    month_index,
    months_of,
    parse_month,
    shift_document,
    utc_to_local,
)

D = datetime.date


@pytest.mark.parametrize(
    ("day", "k", "expected"),
    [
        (D(2023, 1, 15), 1, D(2023, 2, 15)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2023, 3, 31), -1, D(2023, 2, 28)),
        (D(2023, 1, 1), -1, D(2022, 12, 1)),
        (D(2022, 10, 21), 38, D(2025, 12, 21)),
        (D(2023, 5, 5), 0, D(2023, 5, 5)),
    ],
)
def test_add_months_moves_whole_months_and_clamps_the_day(day, k, expected):
    assert add_months(day, k) == expected


def test_add_months_keeps_the_wall_clock_time_of_a_datetime():
    moment = datetime.datetime(2022, 9, 21, 15, 0)
    assert add_months(moment, 2) == datetime.datetime(2022, 11, 21, 15, 0)


def test_months_of_the_cycle_are_eighteen_from_january_2023_to_june_2024():
    months = months_of(D(2023, 1, 1), D(2024, 6, 30))
    assert len(months) == 18
    assert months[0] == D(2023, 1, 1) and months[-1] == D(2024, 6, 1)
    assert all(m.day == 1 for m in months)


def test_month_helpers():
    assert parse_month("2023-05") == D(2023, 5, 1)
    assert month_end(D(2024, 2, 3)) == D(2024, 2, 29)
    for bad in ("2023-13", "2023-00", "2023-5", "May 2023", "2023-05-01"):
        with pytest.raises(ValueError):
            parse_month(bad)


@pytest.mark.parametrize(
    ("today", "expected_shift"),
    [(D(2023, 9, 15), 0), (D(2025, 11, 25), 26), (D(2023, 1, 1), -8), (D(2026, 11, 30), 38)],
)
def test_demo_shift_puts_today_in_the_ninth_month(today, expected_shift):
    shift = demo_shift_for(D(2023, 1, 1), today)
    assert shift == expected_shift
    assert month_index(add_months(D(2023, 1, 1), shift), today) == 9


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 1)).map(
        lambda d: d.replace(day=1)
    ),
    today=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
    target=st.integers(min_value=1, max_value=18),
)
def test_demo_shift_always_lands_today_in_the_target_month(start, today, target):
    shift = demo_shift_for(start, today, target_month=target)
    assert month_index(add_months(start, shift), today) == target


def test_shift_document_moves_dates_datetimes_and_months_only():
    document = {
        "deadline": D(2022, 10, 31),
        "call": {"starts_at": datetime.datetime(2022, 9, 21, 15, 0)},
        "months": ["2023-01", "2023-12"],
        "text": "January 2023",
        "not_a_month": "2023-13",
        "count": 40,
        "flag": True,
    }
    shifted = shift_document(document, 1)
    assert shifted == {
        "deadline": D(2022, 11, 30),
        "call": {"starts_at": datetime.datetime(2022, 10, 21, 15, 0)},
        "months": ["2023-02", "2024-01"],
        "text": "January 2023",
        "not_a_month": "2023-13",
        "count": 40,
        "flag": True,
    }
    assert document["deadline"] == D(2022, 10, 31), "the input is not changed"
    assert shift_document(shifted, -1)["months"] == document["months"]


def test_eastern_times_convert_to_utc_in_summer_and_winter():
    summer = local_to_utc(datetime.datetime(2022, 9, 21, 15, 0), "America/New_York")
    winter = local_to_utc(datetime.datetime(2023, 1, 10, 15, 0), "America/New_York")
    assert summer == datetime.datetime(2022, 9, 21, 19, 0, tzinfo=datetime.UTC)
    assert winter == datetime.datetime(2023, 1, 10, 20, 0, tzinfo=datetime.UTC)
    back = utc_to_local(summer, "America/New_York")
    assert (back.hour, back.tzname()) == (15, "EDT")
    with pytest.raises(ValueError):
        utc_to_local(datetime.datetime(2022, 9, 21, 19, 0), "America/New_York")

"""Day-and-time rules: pure functions, no database."""

import datetime

import pytest

from pursuing_equity.events import schedule

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("month", "weekday", "week", "expected"),
    [
        (datetime.date(2023, 1, 1), 1, 2, datetime.date(2023, 1, 10)),  # 2nd Tuesday
        (datetime.date(2023, 3, 1), 2, 1, datetime.date(2023, 3, 1)),  # month starts on it
        (datetime.date(2023, 3, 1), 1, 3, datetime.date(2023, 3, 21)),
        (datetime.date(2024, 2, 1), 3, -1, datetime.date(2024, 2, 29)),  # last Thursday, leap
        (datetime.date(2023, 12, 1), 0, 2, datetime.date(2023, 12, 11)),
    ],
)
def test_nth_weekday(month, weekday, week, expected):
    assert schedule.nth_weekday(month, weekday, week) == expected


def test_week_five_is_refused():
    with pytest.raises(ValueError):
        schedule.nth_weekday(datetime.date(2023, 1, 1), 1, 5)


def test_two_hour_call_keeps_eastern_wall_clock_across_daylight_saving():
    rule = schedule.rule_from({"weekday": "tuesday", "week": 2, "start": "13:00"}, minutes=120)
    winter = schedule.occurrence(rule, datetime.date(2023, 1, 1), "America/New_York")
    summer = schedule.occurrence(rule, datetime.date(2023, 5, 1), "America/New_York")
    assert winter == (
        datetime.datetime(2023, 1, 10, 18, 0, tzinfo=UTC),
        datetime.datetime(2023, 1, 10, 20, 0, tzinfo=UTC),
    )
    assert summer == (
        datetime.datetime(2023, 5, 9, 17, 0, tzinfo=UTC),
        datetime.datetime(2023, 5, 9, 19, 0, tzinfo=UTC),
    )


def test_three_day_session_runs_from_first_morning_to_last_afternoon():
    rule = schedule.rule_from(
        {"weekday": "tuesday", "week": 3, "start": "09:00", "end": "17:00"}, days=3
    )
    starts, ends = schedule.occurrence(rule, datetime.date(2023, 3, 1), "America/New_York")
    assert starts == datetime.datetime(2023, 3, 21, 13, 0, tzinfo=UTC)  # 9 AM EDT
    assert ends == datetime.datetime(2023, 3, 23, 21, 0, tzinfo=UTC)  # Thursday 5 PM EDT


def test_in_person_session_falls_on_the_hosts_second_day():
    host = schedule.rule_from(
        {"weekday": "tuesday", "week": 3, "start": "09:00", "end": "17:00"}, days=3
    )
    rule = schedule.rule_from(
        {
            "weekday": "wednesday",
            "week": 4,
            "start": "13:00",
            "duration_minutes": 90,
            "in_person_during": "host",
            "in_person_day": 2,
        }
    )
    # In March 2023 the third Wednesday (15th) is before the third Tuesday (21st): the rule
    # follows the host's days, not the weekday.
    starts, ends = schedule.during(rule, host, datetime.date(2023, 3, 1), "America/New_York")
    assert starts.date() == datetime.date(2023, 3, 22)
    assert ends - starts == datetime.timedelta(minutes=90)


def test_without_a_rule_the_fallback_is_second_tuesday_1_pm_with_the_activity_duration():
    rule = schedule.rule_from(None, minutes=120)
    assert (rule.weekday, rule.week, rule.start, rule.minutes) == (
        1,
        2,
        datetime.time(13, 0),
        120,
    )

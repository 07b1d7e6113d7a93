"""Reporting periods and due dates: pure functions, across months, year ends and time zones."""

import datetime
import tomllib
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pursuing_equity.reporting import dates

D = datetime.date
NY = "America/New_York"
UTC = datetime.UTC


def program_document() -> dict:
    return tomllib.loads(settings.PE_PROGRAM_FILE.read_text())


def test_the_program_file_gives_monthly_updates_due_the_tenth_with_a_leader_reply():
    rule = dates.rule_from_document(program_document(), "action_community")
    assert rule == dates.ReportingRule("monthly_update", 1, 10, True)


def test_the_learning_network_reflects_every_three_months_without_a_leader_reply():
    rule = dates.rule_from_document(program_document(), "learning_network")
    assert (rule.kind, rule.every_months, rule.due_day, rule.leader_reply) == (
        "reflection",
        3,
        None,
        False,
    )


def test_a_cohort_without_reporting_has_no_rule():
    assert dates.rule_from_document({"reporting": {}}, "action_community") is None


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2023, 1, 1), D(2023, 2, 10)),
        (D(2023, 2, 1), D(2023, 3, 10)),
        (D(2023, 11, 1), D(2023, 12, 10)),
        (D(2023, 12, 1), D(2024, 1, 10)),  # year end
        (D(2024, 6, 1), D(2024, 7, 10)),  # the cycle's last month is due after it ends
    ],
)
def test_a_monthly_update_is_due_on_the_tenth_of_the_following_month(start, due):
    assert dates.due_date(start, 1, 10) == due


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2023, 1, 1), D(2023, 4, 30)),
        (D(2023, 10, 1), D(2024, 1, 31)),  # year end
        (D(2023, 11, 1), D(2024, 2, 29)),  # leap February
    ],
)
def test_a_periodic_reflection_without_due_day_is_due_at_the_end_of_the_following_month(start, due):
    assert dates.due_date(start, 3, None) == due


def test_periods_follow_the_cadence_from_the_first_month():
    monthly = dates.period_starts(D(2023, 1, 1), D(2024, 6, 30), 1)
    quarterly = dates.period_starts(D(2023, 1, 1), D(2024, 6, 30), 3)
    assert len(monthly) == 18 and monthly[-1] == D(2024, 6, 1)
    assert quarterly == [D(2023, m, 1) for m in (1, 4, 7, 10)] + [D(2024, 1, 1), D(2024, 4, 1)]


def test_a_day_belongs_to_the_period_that_contains_it():
    assert dates.period_of(D(2023, 5, 20), D(2023, 1, 1), 3) == D(2023, 4, 1)
    assert dates.period_of(D(2024, 2, 29), D(2023, 1, 1), 1) == D(2024, 2, 1)
    assert dates.period_of(D(2022, 12, 31), D(2023, 1, 1), 1) is None


def test_the_deadline_is_the_end_of_the_due_day_in_new_york_in_winter_and_summer():
    # EST is UTC−5, EDT is UTC−4.
    assert dates.deadline(D(2023, 2, 10), NY) == datetime.datetime(2023, 2, 11, 5, tzinfo=UTC)
    assert dates.deadline(D(2023, 7, 10), NY) == datetime.datetime(2023, 7, 11, 4, tzinfo=UTC)
    # Clocks go forward at 2:00 on March 12, 2023: the midnight that ends March 11 is still EST.
    assert dates.deadline(D(2023, 3, 11), NY) == datetime.datetime(2023, 3, 12, 5, tzinfo=UTC)
    # ... and go back on November 5, 2023: midnight ending November 5 is EST.
    assert dates.deadline(D(2023, 11, 5), NY) == datetime.datetime(2023, 11, 6, 5, tzinfo=UTC)


def test_a_submission_at_one_minute_to_midnight_new_york_time_is_on_time():
    zone = ZoneInfo(NY)
    just_in = datetime.datetime(2023, 12, 10, 23, 59, tzinfo=zone)
    just_late = datetime.datetime(2023, 12, 11, 0, 0, tzinfo=zone)
    assert not dates.is_late(just_in, D(2023, 12, 10), NY)
    assert dates.is_late(just_late, D(2023, 12, 10), NY)
    # 02:00 UTC on the 11th is still the 10th in New York.
    assert not dates.is_late(datetime.datetime(2023, 12, 11, 2, tzinfo=UTC), D(2023, 12, 10), NY)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        dates.is_late(datetime.datetime(2023, 12, 10, 12), D(2023, 12, 10), NY)


def test_the_local_day_is_new_yorks():
    assert dates.local_day(datetime.datetime(2024, 1, 1, 3, tzinfo=UTC), NY) == D(2023, 12, 31)


def test_a_reflection_is_due_with_the_next_update_but_leaves_a_week_after_a_late_update():
    assert dates.reflection_due_date(D(2023, 2, 10), D(2023, 2, 8), 1) == D(2023, 3, 10)
    assert dates.reflection_due_date(D(2023, 2, 10), D(2023, 3, 8), 1) == D(2023, 3, 15)


def test_reminders_come_three_days_before_the_due_day():
    assert dates.reminder_day(D(2024, 1, 2)) == D(2023, 12, 30)


def test_the_program_file_sets_the_reminder_and_reflection_offsets():
    rule = dates.rule_from_document(program_document(), "action_community")
    assert (rule.reminder_days_before, rule.reflection_grace_days) == (3, 7)


def test_offsets_the_file_leaves_out_are_the_defaults():
    document = {"reporting": {"x": {"kind": "monthly_update", "cadence": "monthly"}}}
    rule = dates.rule_from_document(document, "x")
    assert (rule.reminder_days_before, rule.reflection_grace_days) == (
        dates.REMINDER_DAYS_BEFORE,
        dates.REFLECTION_GRACE_DAYS,
    )


def test_offsets_from_the_file_move_the_reminder_and_the_reflection_due_day():
    document = program_document()
    document["reporting"]["action_community"].update(
        reminder_days_before=6, reflection_grace_days=21
    )
    rule = dates.rule_from_document(document, "action_community")
    assert (rule.reminder_days_before, rule.reflection_grace_days) == (6, 21)
    due = dates.due_date(D(2023, 12, 1), rule.every_months, rule.due_day)
    assert due == D(2024, 1, 10)
    assert dates.reminder_day(due, rule.reminder_days_before) == D(2024, 1, 4)
    assert dates.reminder_day(D(2024, 3, 2), 0) == D(2024, 3, 2)
    # On time (2024-01-09): 21 days later, 2024-01-30, is before the next due day.
    assert dates.reflection_due_date(due, D(2024, 1, 9), 1, rule.reflection_grace_days) == D(
        2024, 2, 10
    )
    # Late (2024-02-01): 21 days later, 2024-02-22, is after the next due day.
    assert dates.reflection_due_date(due, D(2024, 2, 1), 1, rule.reflection_grace_days) == D(
        2024, 2, 22
    )
    # The same late update with the default week: the next due day wins.
    assert dates.reflection_due_date(due, D(2024, 2, 1), 1) == D(2024, 2, 10)


def test_period_labels():
    assert dates.period_label(D(2023, 3, 1), 1) == "March 2023"
    assert dates.period_label(D(2023, 1, 1), 3) == "January – March 2023"
    assert dates.period_label(D(2023, 11, 1), 3) == "November 2023 – January 2024"


# Drawing dates is cheap, but on a busy shared machine Hypothesis judged it "slow" and failed.
@hypothesis_settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    start=st.dates(D(2000, 1, 1), D(2100, 12, 1)).map(lambda d: d.replace(day=1)),
    every=st.integers(1, 12),
    due_day=st.one_of(st.none(), st.integers(1, 28)),
)
def test_a_report_is_always_due_after_its_period_and_within_the_following_month(
    start, every, due_day
):
    due = dates.due_date(start, every, due_day)
    end = dates.period_end(start, every)
    assert end < due
    assert (due.year * 12 + due.month) - (end.year * 12 + end.month) == 1
    assert dates.period_of(end, start, every) == start

"""Response clocks from the program file's rules (pure, no database)."""

import datetime

import pytest

from pursuing_equity.review.clocks import clock, days_since, due_within, response_due

D = datetime.date


def test_learning_network_answers_within_thirty_days_of_receipt():
    assert response_due(
        received_on=D(2022, 10, 15), response_within_days=30, decisions_by=None
    ) == D(2022, 11, 14)


def test_action_community_answers_by_the_fixed_date_whenever_received():
    for received in (D(2022, 9, 1), D(2022, 10, 21)):
        assert response_due(
            received_on=received, response_within_days=None, decisions_by=D(2022, 12, 5)
        ) == D(2022, 12, 5)


def test_the_earlier_date_counts_when_both_are_given():
    assert response_due(
        received_on=D(2022, 11, 20), response_within_days=30, decisions_by=D(2022, 12, 5)
    ) == D(2022, 12, 5)


def test_a_cohort_without_a_rule_is_an_error():
    with pytest.raises(ValueError):
        response_due(received_on=D(2022, 1, 1), response_within_days=None, decisions_by=None)


def test_days_left_due_today_and_overdue_are_said_in_words():
    due = D(2022, 12, 5)
    assert clock(due, D(2022, 12, 3)).label == "2 days left"
    assert clock(due, D(2022, 12, 4)).label == "1 day left"
    assert clock(due, D(2022, 12, 5)).label == "Due today"
    late = clock(due, D(2022, 12, 6))
    assert late.overdue and late.label == "Overdue by 1 day"
    assert not clock(due, D(2022, 12, 5)).overdue


def test_digest_keeps_overdue_and_soon_due():
    today = D(2022, 12, 1)
    clocks = [
        clock(D(2022, 11, 30), today),
        clock(D(2022, 12, 4), today),
        clock(D(2023, 1, 9), today),
    ]
    assert [c.due for c in due_within(clocks, 7)] == [D(2022, 11, 30), D(2022, 12, 4)]
    assert days_since(D(2022, 11, 1), today) == 30

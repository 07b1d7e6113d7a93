"""The "falling attendance" rule: pure, no database."""

import pytest

from pursuing_equity.events.attendance import rate, trend


def test_fewer_than_three_events_tell_nothing():
    assert not trend([0.1, 0.1]).falling


def test_last_three_below_half_is_falling():
    result = trend([0.4, 0.5, 0.4])
    assert result.falling
    assert "below 50%" in result.reason


def test_a_drop_of_twenty_points_is_falling():
    result = trend([1.0, 1.0, 0.9, 0.7, 0.7, 0.8])
    assert result.falling
    assert result.previous == pytest.approx(29 / 30)
    assert "down 23 points" in result.reason


def test_a_drop_of_exactly_twenty_points_counts():
    assert trend([0.9, 0.9, 0.9, 0.7, 0.7, 0.7]).falling


def test_a_small_drop_above_half_is_not_falling():
    result = trend([0.9, 0.9, 0.9, 0.8, 0.8, 0.8])
    assert not result.falling
    assert result.recent == pytest.approx(0.8)


def test_only_the_last_six_events_matter():
    assert not trend([0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]).falling


def test_rate_of_nobody_expected_is_none():
    assert rate(0, 0) is None
    assert rate(1, 4) == 0.25

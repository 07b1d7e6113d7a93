"""Seats and the ranked waitlist (pure, no database)."""

import pytest

from pursuing_equity.review.capacity import compact_ranks, move_rank, plan_acceptances, seats_left


def test_seats_left_never_goes_below_zero():
    assert seats_left(10, 7) == 3
    assert seats_left(10, 12) == 0


def test_chosen_beyond_capacity_join_the_waitlist_in_order():
    plan = plan_acceptances(capacity=10, accepted=8, chosen=["a", "b", "c", "d"], waitlisted=1)
    assert plan.accept == ("a", "b")
    assert plan.waitlist == (("c", 2), ("d", 3))


def test_a_full_cohort_accepts_no_one():
    plan = plan_acceptances(capacity=2, accepted=2, chosen=["a"], waitlisted=0)
    assert plan.accept == () and plan.waitlist == (("a", 1),)


def test_choosing_an_application_twice_is_refused():
    with pytest.raises(ValueError):
        plan_acceptances(capacity=5, accepted=0, chosen=["a", "a"], waitlisted=0)


def test_ranks_close_their_gaps():
    assert compact_ranks([("x", 4), ("y", 2), ("z", 7)]) == {"y": 1, "x": 2, "z": 3}


def test_moving_up_shifts_the_others_down():
    ranked = [("a", 1), ("b", 2), ("c", 3)]
    assert move_rank(ranked, "c", 1) == {"c": 1, "a": 2, "b": 3}
    assert move_rank(ranked, "a", 99) == {"b": 1, "c": 2, "a": 3}
    with pytest.raises(KeyError):
        move_rank(ranked, "q", 1)

"""Rubric aggregation: mean, spread and the strong-disagreement flag (pure, no database)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pursuing_equity.review.scoring import Criterion, Rubric, rubric_of, summarize
from pursuing_equity.review.tests.conftest import program_document

RUBRIC = Rubric(
    criteria=(Criterion("a", "Alpha", ""), Criterion("b", "Beta", "")),
    scale_min=1,
    scale_max=5,
    scale_labels=("1", "2", "3", "4", "5"),
    disagreement_spread=2,
    disagreement_sd=1.5,
)


def test_rubric_comes_from_the_program_file():
    rubric = rubric_of(program_document(), "action_community")
    assert rubric.keys[0] == "enthusiasm_radical_hope"
    assert len(rubric.criteria) == 7
    assert rubric.scale[0] == (1, "Not evident")
    assert rubric.disagreement_spread == 2
    assert rubric.disagreement_sd == 1.5


def test_the_learning_network_has_its_own_rubric_from_the_seeds_criteria():
    """The seed: IHI is looking for Learning Network teams "that have demonstrated some initial
    equity work and that have leadership and infrastructure support"."""
    rubric = rubric_of(program_document(), "learning_network")
    assert rubric.keys == (
        "initial_equity_work",
        "leadership_support",
        "infrastructure_support",
        "team_composition",
    )
    assert "enthusiasm_radical_hope" not in rubric.keys
    assert rubric.scale == rubric_of(program_document(), "action_community").scale


def test_a_cohort_without_a_rubric_is_named():
    with pytest.raises(KeyError, match="no review rubric for the cohort 'other'"):
        rubric_of(program_document(), "other")


def test_agreeing_reviewers_are_not_flagged():
    summary = summarize(RUBRIC, [{"a": 4, "b": 3}, {"a": 5, "b": 3}])
    assert summary.mean == pytest.approx(3.75)
    assert summary.criteria[0].mean == pytest.approx(4.5)
    assert summary.criteria[0].spread == 1
    assert summary.spread == pytest.approx(0.5)
    assert not summary.disagreement


def test_two_points_apart_on_one_criterion_is_strong_disagreement():
    summary = summarize(RUBRIC, [{"a": 2, "b": 3}, {"a": 4, "b": 3}])
    assert summary.disagreement
    assert summary.criteria[0].disagreement and not summary.criteria[1].disagreement
    assert summary.reasons == ("Alpha: scores from 2 to 4",)


def test_far_apart_overall_scores_are_strong_disagreement():
    rubric = Rubric(**{**RUBRIC.__dict__, "disagreement_spread": 99})
    summary = summarize(rubric, [{"a": 1, "b": 2}, {"a": 4, "b": 4}])
    assert summary.sd == pytest.approx(1.768, abs=1e-3)
    assert summary.disagreement
    assert summary.reasons == ("Overall scores from 1.5 to 4.0",)


def test_one_review_never_disagrees_and_none_gives_no_mean():
    assert not summarize(RUBRIC, [{"a": 1, "b": 5}]).disagreement
    empty = summarize(RUBRIC, [])
    assert empty.mean is None and empty.count == 0 and not empty.disagreement


def test_a_review_missing_a_criterion_is_refused():
    with pytest.raises(KeyError):
        summarize(RUBRIC, [{"a": 3}])


scores = st.fixed_dictionaries({"a": st.integers(1, 5), "b": st.integers(1, 5)})


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(scores, min_size=1, max_size=6))
def test_order_of_reviews_does_not_matter(reviews):
    assert summarize(RUBRIC, reviews) == summarize(RUBRIC, list(reversed(reviews)))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(scores, min_size=2, max_size=6))
def test_identical_reviews_never_disagree(reviews):
    same = [reviews[0]] * len(reviews)
    summary = summarize(RUBRIC, same)
    assert not summary.disagreement and summary.spread == 0

"""Scoring with the program file's rubric: drafts, submission, the video for the Action Community."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pursuing_equity.review import services
from pursuing_equity.review.tests.factories import full_scores, received, reviewer


@pytest.fixture
def assignment(cycle, staff_user):
    application = received(cycle)
    return services.reviewer_assign(actor=staff_user, application=application, reviewer=reviewer())


def save(assignment, **kwargs):
    args = {"scores": {}, "comments": {}, "video_watched": False, "submit": False} | kwargs
    return services.review_save(actor=assignment.reviewer, assignment=assignment, **args)


def test_a_draft_may_be_partial_and_is_kept(assignment):
    review = save(assignment, scores={"qi_capability": "3"}, comments={"qi_capability": "Clear"})
    assert review.scores == {"qi_capability": 3}
    assert review.comments == {"qi_capability": "Clear"}
    assert review.submitted_at is None


def test_submitting_needs_every_criterion_and_the_video(assignment, cycle):
    with pytest.raises(ValidationError) as error:
        save(assignment, scores={"qi_capability": 3}, submit=True)
    assert "enthusiasm_radical_hope" in error.value.message_dict
    assert "video_watched" in error.value.message_dict
    review = save(assignment, scores=full_scores(cycle), video_watched=True, submit=True)
    assert review.submitted


def test_scores_outside_the_scale_are_refused(assignment):
    with pytest.raises(ValidationError, match="from 1 to 5"):
        save(assignment, scores={"qi_capability": 6})
    with pytest.raises(ValidationError, match="from 1 to 5"):
        save(assignment, scores={"qi_capability": "abc"})


def test_a_submitted_review_is_final(assignment, cycle):
    save(assignment, scores=full_scores(cycle), video_watched=True, submit=True)
    with pytest.raises(ValidationError, match="no longer be changed"):
        save(assignment, scores=full_scores(cycle, 1))


def test_only_the_assigned_reviewer_scores(assignment):
    with pytest.raises(PermissionDenied):
        services.review_save(actor=reviewer(), assignment=assignment, scores={}, comments={})


def test_learning_network_reviews_need_no_video(cycle, staff_user):
    application = received(cycle, "learning_network")
    someone = reviewer()
    assignment = services.reviewer_assign(
        actor=staff_user, application=application, reviewer=someone
    )
    review = save(assignment, scores=full_scores(cycle), submit=True)
    assert review.submitted


def test_learning_network_applications_are_scored_on_the_learning_network_rubric(cycle, staff_user):
    application = received(cycle, "learning_network")
    assignment = services.reviewer_assign(
        actor=staff_user, application=application, reviewer=reviewer()
    )
    with pytest.raises(ValidationError) as error:
        save(assignment, scores=full_scores(cycle, 4, "action_community"), submit=True)
    assert {"initial_equity_work", "leadership_support", "infrastructure_support"} <= set(
        error.value.message_dict
    )
    review = save(assignment, scores=full_scores(cycle, 3, "learning_network"), submit=True)
    assert set(review.scores) == {
        "initial_equity_work",
        "leadership_support",
        "infrastructure_support",
        "team_composition",
    }

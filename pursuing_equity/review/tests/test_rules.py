"""The review rules as a matrix of personas × rules."""

import pytest

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.review import decisions, rules, services
from pursuing_equity.review.tests.factories import full_scores, received, reviewer
from pursuing_equity.teams import rules as team_rules


@pytest.fixture
def world(personas, cycle):
    people = dict(personas.people)
    application = received(cycle)
    staff = people["staff"]
    assigned = people["reviewer"]
    services.reviewer_assign(actor=staff, application=application, reviewer=assigned)
    people["other_reviewer"] = reviewer()
    people["applicant_of_it"] = application.created_by
    return people, application


STAFF_ONLY = [
    rules.can_view_review_queue,
    rules.can_view_portfolio,
    rules.can_decide_application,
    rules.can_assign_reviewer,
    rules.can_send_decision_letter,
]

# persona → (view application, score it, see others' reviews before submitting)
EXPECTED = {
    "anonymous": (False, False, False),
    "applicant": (False, False, False),
    "applicant_of_it": (False, False, False),
    "staff": (True, False, True),
    "faculty": (False, False, False),
    "reviewer": (True, True, False),
    "other_reviewer": (False, False, False),
    "team_member_a": (False, False, False),
    "senior_leader_a": (False, False, False),
    "community_partner_a": (False, False, False),
    "funder": (False, False, False),
}


def test_matrix(world):
    people, application = world
    for name, (view, score, others) in EXPECTED.items():
        user = people[name]
        assert rules.can_view_application_for_review(user, application) is view, name
        assert rules.can_score_application(user, application) is score, name
        assert rules.can_view_other_reviews(user, application) is others, name
        for rule in STAFF_ONLY:
            assert rule(user, application) is (name == "staff"), (name, rule.__name__)
        assert rules.can_declare_conflict(user) is (name in ("reviewer", "other_reviewer")), name


def test_submitting_opens_the_other_reviews(world, cycle):
    people, application = world
    assignment = application.reviewer_assignments.get(reviewer=people["reviewer"])
    services.review_save(
        actor=people["reviewer"],
        assignment=assignment,
        scores=full_scores(cycle),
        comments={},
        video_watched=True,
        submit=True,
    )
    assert rules.can_view_other_reviews(people["reviewer"], application)
    assert not rules.can_score_application(people["reviewer"], application)


def test_a_decided_application_is_no_longer_scored(world):
    people, application = world
    decisions.decision_record(
        actor=people["staff"],
        application=application,
        decision="accept",
        reviews_override_reason="Rules test.",
    )
    application.refresh_from_db()
    assert not rules.can_score_application(people["reviewer"], application)
    assert rules.can_view_application_for_review(people["reviewer"], application)
    assert not team_rules.can_name_team_leaders(person(Role.FACULTY), application.team)

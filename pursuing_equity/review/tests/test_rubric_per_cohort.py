"""Each cohort's own rubric on the pages: the Learning Network's criteria for its applications."""

from django.urls import reverse

from pursuing_equity.review import services
from pursuing_equity.review.tests.factories import full_scores, received, reviewer


def test_the_score_page_and_the_summary_use_the_learning_networks_criteria(
    client, cycle, staff_user
):
    application = received(cycle, "learning_network")
    someone = reviewer()
    assignment = services.reviewer_assign(
        actor=staff_user, application=application, reviewer=someone
    )
    client.force_login(someone)
    html = client.get(reverse("review_score", args=[application.pk])).content.decode()
    assert "Initial equity work" in html
    assert "Leadership support" in html
    assert "Infrastructure support" in html
    assert "Enthusiasm and radical hope" not in html

    services.review_save(
        actor=someone,
        assignment=assignment,
        scores=full_scores(cycle, 3, "learning_network"),
        comments={"initial_equity_work": "A health equity council since 2021."},
        submit=True,
    )
    client.force_login(staff_user)
    html = client.get(reverse("review_application", args=[application.pk])).content.decode()
    assert "Initial equity work: 3 — A health equity council since 2021." in html
    assert "Scores of 1 submitted review (1–5)" in html

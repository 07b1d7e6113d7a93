"""The review pages make as many queries with more applications, assignments and reviews."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow
from pursuing_equity.review import services
from pursuing_equity.review.tests.factories import received, reviewer, submitted_review

pytestmark = pytest.mark.django_db


def test_review_pages_make_the_same_queries_however_many_applications(client, cycle, staff_user):
    mine = reviewer()
    watched = received(cycle)
    services.reviewer_assign(actor=staff_user, application=watched, reviewer=mine)
    submitted_review(actor_staff=staff_user, application=watched, by=reviewer())
    received(cycle, "learning_network")

    def grow():
        for _ in range(2):
            submitted_review(actor_staff=staff_user, application=watched, by=reviewer(), value=3)
        for key in ("action_community", "learning_network", "action_community"):
            application = received(cycle, key)
            services.reviewer_assign(actor=staff_user, application=application, reviewer=mine)
            submitted_review(actor_staff=staff_user, application=application, by=reviewer())

    def pages():
        application = reverse("review_application", args=[watched.pk])
        return {
            "review queue": (staff_user, reverse("review_queue")),
            "review queue of the cycle": (
                staff_user,
                reverse("review_queue") + f"?cycle={cycle.slug}",
            ),
            "portfolio": (staff_user, reverse("review_portfolio")),
            "application (staff)": (staff_user, application),
            "my reviews": (mine, reverse("review_assigned")),
            "application (reviewer)": (mine, application),
            "score form": (mine, reverse("review_score", args=[watched.pk])),
        }

    assert_counts_do_not_grow(client, pages, grow)

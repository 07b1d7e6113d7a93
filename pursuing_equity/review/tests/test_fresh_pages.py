"""The review queue and the reviewer's list are kept between requests ({% fresh %}): a change made
through the app shows at once, and a page kept for one person is never served to another."""

import pytest
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.review import services
from pursuing_equity.review.tests.factories import received, reviewer

pytestmark = pytest.mark.django_db


def test_the_queue_shows_a_reviewer_assigned_at_once(client, cycle, staff_user):
    application = received(cycle)
    client.force_login(staff_user)
    url = reverse("review_queue") + f"?cycle={cycle.slug}"
    assigned = '<span class="muted">1 assigned</span>'
    assert application.organization.name in client.get(url).content.decode()
    assert assigned not in client.get(url).content.decode()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=reviewer())
    assert assigned in client.get(url).content.decode()


def test_a_kept_queue_is_still_refused_to_others(client, cycle, staff_user):
    application = received(cycle)
    url = reverse("review_queue") + f"?cycle={cycle.slug}"
    client.force_login(staff_user)
    client.get(url)
    assert application.organization.name in client.get(url).content.decode()
    for role in (Role.REVIEWER, Role.FACULTY, None):
        client.force_login(person(role))
        response = client.get(url)
        assert response.status_code == 403
        assert application.organization.name not in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_my_reviews_show_a_declared_conflict_at_once(client, cycle, staff_user):
    application = received(cycle)
    first = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=first)
    client.force_login(first)
    url = reverse("review_assigned")
    assert application.organization.name in client.get(url).content.decode()
    assert "Former employer" not in client.get(url).content.decode()
    response = client.post(
        reverse("review_conflict_declare"),
        {"organization": application.organization.pk, "note": "Former employer"},
    )
    assert response.status_code == 302
    assert "Former employer" in client.get(url).content.decode()


def test_a_kept_review_list_is_never_served_to_another_person(client, cycle, staff_user):
    application = received(cycle)
    first = reviewer()
    services.reviewer_assign(actor=staff_user, application=application, reviewer=first)
    url = reverse("review_assigned")
    client.force_login(first)
    client.get(url)
    assert f"/review/applications/{application.pk}/" in client.get(url).content.decode()
    client.force_login(reviewer())
    other = client.get(url)
    assert other.status_code == 200
    assert f"/review/applications/{application.pk}/" not in other.content.decode()
    client.force_login(application.created_by)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_portfolio_counts_a_new_application_at_once_and_stays_staffs(client, cycle, staff_user):
    url = reverse("review_portfolio") + f"?cycle={cycle.slug}"
    received(cycle)
    client.force_login(staff_user)
    before = client.get(url).content.decode().split("<main")[1]
    assert client.get(url).content.decode().split("<main")[1] == before  # kept
    received(cycle)
    assert client.get(url).content.decode().split("<main")[1] != before
    for role in (Role.REVIEWER, Role.FACULTY):
        client.force_login(person(role))
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_an_application_shows_a_reviewer_assigned_at_once_and_not_to_other_reviewers(
    client, cycle, staff_user
):
    application = received(cycle)
    url = reverse("review_application", args=[application.pk])
    client.force_login(staff_user)
    client.get(url)
    assert "Rey Viewer" not in client.get(url).content.decode()
    services.reviewer_assign(
        actor=staff_user, application=application, reviewer=reviewer(full_name="Rey Viewer")
    )
    assert "Rey Viewer" in client.get(url).content.decode()
    client.force_login(reviewer())  # not assigned to it
    assert client.get(url).status_code == 403

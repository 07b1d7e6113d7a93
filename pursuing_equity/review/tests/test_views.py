"""Review pages from the outside: who reaches what, no leak, the queue's fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person
from pursuing_equity.applications.models import Application
from pursuing_equity.review import decisions, services
from pursuing_equity.review.tests.factories import full_scores, received, reviewer


@pytest.fixture
def scene(cycle, staff_user):
    application = received(cycle)
    first, second, outsider = reviewer(), reviewer(), reviewer()
    a1 = services.reviewer_assign(actor=staff_user, application=application, reviewer=first)
    services.reviewer_assign(actor=staff_user, application=application, reviewer=second)
    services.review_save(
        actor=second,
        assignment=a1.application.reviewer_assignments.get(reviewer=second),
        scores=full_scores(cycle, 2),
        comments={"qi_capability": "SECOND-REVIEWER-COMMENT"},
        video_watched=True,
        submit=True,
    )
    return {"application": application, "first": first, "second": second, "outsider": outsider}


STAFF_PAGES = ["review_queue", "review_portfolio"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_visitors_go_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("role", [None, Role.REVIEWER, Role.FACULTY, Role.FUNDER])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_only_staff_reach_the_queue_and_portfolio(client, db, role, name):
    client.force_login(person(role))
    assert client.get(reverse(name)).status_code == 403


def test_an_applicant_cannot_reach_review_pages(client, scene):
    application = scene["application"]
    client.force_login(application.created_by)
    for url in (
        reverse("review_queue"),
        reverse("review_assigned"),
        reverse("review_application", args=[application.pk]),
        reverse("review_score", args=[application.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "SECOND-REVIEWER-COMMENT" not in response.content.decode()


def test_a_reviewer_cannot_see_an_unassigned_application(client, scene):
    client.force_login(scene["outsider"])
    response = client.get(reverse("review_application", args=[scene["application"].pk]))
    assert response.status_code == 403
    assert scene["application"].organization.name not in response.content.decode()


def test_a_reviewer_sees_other_reviews_only_after_submitting(client, scene, cycle):
    application = scene["application"]
    url = reverse("review_application", args=[application.pk])
    client.force_login(scene["first"])
    before = client.get(url).content.decode()
    assert "SECOND-REVIEWER-COMMENT" not in before
    assert scene["second"].display_name not in before
    assert "once you submit your own" in before

    response = client.post(
        reverse("review_score", args=[application.pk]),
        {**{f"score_{k}": "5" for k in full_scores(cycle)}, "video_watched": "on", "submit": "1"},
    )
    assert response.status_code == 302
    after = client.get(url).content.decode()
    assert "SECOND-REVIEWER-COMMENT" in after


def test_scoring_form_shows_errors_next_to_fields(client, scene):
    client.force_login(scene["first"])
    response = client.post(
        reverse("review_score", args=[scene["application"].pk]),
        {"score_qi_capability": "9", "submit": "1"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body


def test_staff_see_average_spread_and_disagreement(client, scene, cycle, staff_user):
    application = scene["application"]
    first = application.reviewer_assignments.get(reviewer=scene["first"])
    services.review_save(
        actor=scene["first"],
        assignment=first,
        scores=full_scores(cycle, 5),
        comments={},
        video_watched=True,
        submit=True,
    )
    client.force_login(staff_user)
    body = client.get(reverse("review_application", args=[application.pk])).content.decode()
    assert "reviewers disagree strongly" in body
    assert "3.5" in body  # the mean of 2 and 5


def test_conflict_shown_disabled_in_the_assignment_list(client, scene, staff_user):
    application = scene["application"]
    services.conflict_declare(actor=scene["outsider"], organization=application.organization)
    client.force_login(staff_user)
    body = client.get(reverse("review_application", args=[application.pk])).content.decode()
    assert "conflict of interest declared" in body
    response = client.post(
        reverse("review_assign", args=[application.pk]), {"reviewer": scene["outsider"].pk}
    )
    assert response.status_code == 400
    assert "declared a conflict of interest" in response.content.decode()


def test_queue_makes_a_fixed_number_of_queries(client, cycle, staff_user):
    client.force_login(staff_user)
    url = reverse("review_queue")
    received(cycle)
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"cycle": cycle.slug}).status_code == 200
    for _ in range(5):
        application = received(cycle)
        services.reviewer_assign(actor=staff_user, application=application, reviewer=reviewer())
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"cycle": cycle.slug})
    assert len(many) == len(few)


def test_queue_filters(client, cycle, staff_user):
    west = OrganizationFactory(name="Western Clinic", state="CA", census_region="West")
    received(cycle, organization=west)
    received(cycle, "learning_network", organization=OrganizationFactory(name="Midwest Clinic"))
    incomplete = received(
        cycle, organization=OrganizationFactory(name="Videoless Clinic"), with_video=False
    )
    client.force_login(staff_user)
    url = reverse("review_queue")

    def names(**params):
        body = client.get(url, {"cycle": cycle.slug, **params}).content.decode()
        return {n for n in ("Western Clinic", "Midwest Clinic", "Videoless Clinic") if n in body}

    assert names(region="West") == {"Western Clinic"}
    assert names(cohort="learning_network") == {"Midwest Clinic"}
    assert names(complete="no") == {incomplete.organization.name}
    assert names(min_days="3") == set()
    assert client.get(url, {"min_days": "-4"}).status_code == 200  # bad input: ignored, no 500


@pytest.mark.usefixtures("no_minimum_reviews")
def test_batch_decisions_from_the_queue(client, cycle, staff_user):
    cycle.cohorts.filter(key="learning_network").update(capacity=1)
    apps = [received(cycle, "learning_network") for _ in range(2)]
    client.force_login(staff_user)
    url = reverse("review_queue") + f"?cycle={cycle.slug}"
    missing = client.post(url, {"batch-decision": "accept"})
    assert missing.status_code == 400
    assert "Select at least one application" in missing.content.decode()
    response = client.post(
        url,
        {"batch-applications": [a.pk for a in apps], "batch-decision": "accept"},
        follow=True,
    )
    assert "put on the waitlist instead" in response.content.decode()
    assert sorted(Application.objects.values_list("state", flat=True)) == ["accepted", "waitlisted"]
    declined = client.post(url, {"batch-applications": [apps[1].pk], "batch-decision": "decline"})
    assert declined.status_code == 400
    assert "Record the reason" in declined.content.decode()


@pytest.mark.usefixtures("no_minimum_reviews")
def test_portfolio_compares_applicants_and_selected(client, cycle, staff_user):
    accepted = received(cycle, organization=OrganizationFactory(org_type="fqhc"))
    received(cycle, organization=OrganizationFactory(org_type="academic_medical_center"))
    decisions.decision_record(actor=staff_user, application=accepted, decision="accept")
    client.force_login(staff_user)
    response = client.get(reverse("review_portfolio"), {"cycle": cycle.slug})
    tables = {t.key: t for t in response.context["tables"]}
    fqhc = next(r for r in tables["org_type"].rows if r.label.startswith("FQHC"))
    assert (fqhc.applicants, fqhc.selected, fqhc.selected_share) == (1, 1, 1.0)
    assert tables["org_type"].applicants_total == 2


def test_reviewer_lists_assignments_and_declares_conflicts(client, scene):
    client.force_login(scene["first"])
    page = client.get(reverse("review_assigned"))
    assert scene["application"].organization.name in page.content.decode()
    bad = client.post(reverse("review_conflict_declare"), {"organization": "999999"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    ok = client.post(
        reverse("review_conflict_declare"),
        {"organization": scene["application"].organization.pk, "note": "Former employer"},
    )
    assert ok.status_code == 302
    assert not scene["application"].reviewer_assignments.filter(reviewer=scene["first"]).exists()

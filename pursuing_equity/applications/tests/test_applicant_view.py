"""What the applicant sees of their application: status, missing steps, dates, the outcome in
words, the letters sent, the offer to answer; and "Start or continue" resuming a draft."""

import pytest
from django.urls import reverse

from pursuing_equity.applications import services, transitions
from pursuing_equity.applications.tests import factories as f

pytestmark = pytest.mark.django_db


def test_start_or_continue_resumes_a_draft_where_it_was_left(client):
    cycle = f.open_cycle()
    app = f.draft(cycle=cycle)
    client.force_login(app.created_by)
    start = reverse("application_start", args=[cycle.slug])
    assert client.get(start).url == reverse("application_organization", args=[app.pk])
    services.application_organization_save(
        actor=app.created_by, application=app, version=app.version, **f.ORGANIZATION
    )
    assert client.get(start).url == reverse("application_team", args=[app.pk])
    page = client.get(reverse("apply")).content.decode()
    assert "Name the people on your team." in page and "Continue where you left off" in page


def test_a_submitted_application_goes_to_its_status_page(client):
    cycle = f.open_cycle()
    app = f.submitted(cycle=cycle)
    client.force_login(app.created_by)
    start = reverse("application_start", args=[cycle.slug])
    assert client.get(start).url == reverse("application_status", args=[app.pk])
    page = client.get(reverse("application_status", args=[app.pk])).content.decode()
    due = app.cohort_choice.decisions_by
    assert "Response due" in page and f"By {due:%B} {due.day}, {due.year}" in page


def test_the_team_reads_the_offer_and_the_letter_and_accepts(client, personas):
    from pursuing_equity.review.decisions import letter_send

    cycle = f.open_cycle()
    app = f.submitted(cycle=cycle)
    staff = personas.people["staff"]
    transitions.application_transition(
        actor=staff,
        application=app,
        transition="not_selected_for_action_community",
        feedback="Grow the data work first.",
        **f.NO_REVIEWS,
    )
    letter_send(actor=staff, application=app, kind="action_community_not_selected")
    client.force_login(app.created_by)
    url = reverse("application_status", args=[app.pk])
    page = client.get(url).content.decode()
    assert "Not selected for the Action Community. You are offered a place" in page
    assert "Grow the data work first." in page
    assert "feedback and an offer to join the Learning Network" in page  # the letter
    assert "Accept the offer" in page
    assert (
        client.post(reverse("application_offer", args=[app.pk]), {"answer": "x"}).status_code == 302
    )
    assert f.fresh(app).state == "offered"
    client.post(reverse("application_offer", args=[app.pk]), {"answer": "accept"})
    assert f.fresh(app).state == "accepted"
    page = client.get(url).content.decode()
    assert "you accepted the offer to join the Learning Network" in page
    assert "Accept the offer</button>" not in page


def test_staff_cannot_answer_an_offer_for_the_team(client, personas):
    cycle = f.open_cycle()
    app = f.submitted(cycle=cycle)
    staff = personas.people["staff"]
    transitions.application_transition(
        actor=staff,
        application=app,
        transition="not_selected_for_action_community",
        feedback="x",
        **f.NO_REVIEWS,
    )
    client.force_login(staff)
    response = client.post(reverse("application_offer", args=[app.pk]), {"answer": "accept"})
    assert response.status_code == 403
    assert f.fresh(app).state == "offered"


def test_the_home_page_leads_with_the_open_call(client):
    from pursuing_equity.programs.tests.factories import load_cycle

    load_cycle()
    assert 'id="open-call"' not in client.get("/").content.decode()
    cycle = f.open_cycle()
    page = client.get("/").content.decode()
    assert 'id="open-call"' in page
    assert reverse("application_start", args=[cycle.slug]) in page
    for cohort in cycle.cohorts.all():
        assert f"{cohort.name}</strong>: apply by" in page


def _home_and_status(client, app):
    home = client.get(reverse("home")).content.decode()
    status = client.get(reverse("application_status", args=[app.pk])).content.decode()
    return home, status


@pytest.mark.parametrize(
    ("transition", "data", "kind", "outcome"),
    [
        (
            "not_selected_for_action_community",
            {"feedback": "Grow the data work first."},
            "action_community_not_selected",
            "Not selected for the Action Community. You are offered a place",
        ),
        ("accept", {}, "action_community_accept", "Accepted to the Action Community."),
    ],
)
def test_the_outcome_waits_for_its_letter_then_shows_with_it_on_home_and_status(
    client, personas, transition, data, kind, outcome
):
    from pursuing_equity.review.decisions import letter_send

    cycle = f.open_cycle()
    app = f.submitted(cycle=cycle)
    staff = personas.people["staff"]
    transitions.application_transition(
        actor=staff, application=app, transition=transition, **data, **f.NO_REVIEWS
    )
    client.force_login(app.created_by)
    due = app.cohort_choice.decisions_by
    for page in _home_and_status(client, app):
        assert "Decision in preparation" in page
        assert f"By {due:%B} {due.day}, {due.year}" in page
        assert outcome not in page
        assert "Grow the data work first." not in page
        assert "Accept the offer" not in page
        assert "Decision letters" not in page
    assert "Status: Decision in preparation" in _home_and_status(client, app)[1]

    letter_send(actor=staff, application=app, kind=kind)
    home, status = _home_and_status(client, app)
    for page in (home, status):
        assert outcome in page
        assert "Decision in preparation" not in page
    assert "Status: Decision" in status
    assert "Decision letters" in status and "Dear " in status  # the letter itself
    if transition == "not_selected_for_action_community":
        assert "Answer the offer to join the Learning Network" in home
        assert "Accept the offer</button>" in status


def test_an_offer_cannot_be_answered_before_its_letter_is_sent(client, personas):
    cycle = f.open_cycle()
    app = f.submitted(cycle=cycle)
    transitions.application_transition(
        actor=personas.people["staff"],
        application=app,
        transition="not_selected_for_action_community",
        feedback="x",
        **f.NO_REVIEWS,
    )
    client.force_login(app.created_by)
    client.post(reverse("application_offer", args=[app.pk]), {"answer": "accept"}, follow=True)
    assert f.fresh(app).state == "offered"

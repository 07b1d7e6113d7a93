"""The applicant's pages from the outside: who may see what, and the flow from the program page."""

import pytest
from django.urls import reverse

from pursuing_equity.applications import transitions
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.tests import factories as f
from pursuing_equity.applications.tests.files import mp4_bytes, pdf_bytes

STEP_URLS = [
    "application_status",
    "application_cohort",
    "application_organization",
    "application_team",
    "application_readiness",
    "application_hopes",
    "application_documents",
    "application_video",
    "application_review",
    "application_withdraw",
]


@pytest.fixture
def app(db):
    return f.complete(f.draft(cycle=f.open_cycle()))


@pytest.mark.parametrize("name", STEP_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, app, name):
    response = client.get(reverse(name, args=[app.pk]))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize("name", STEP_URLS)
@pytest.mark.parametrize("who", ["applicant", "reviewer", "faculty", "team_member_a", "funder"])
def test_other_people_cannot_see_or_edit_my_application(client, personas, app, name, who):
    client.force_login(personas.people[who])
    response = client.get(reverse(name, args=[app.pk]))
    assert response.status_code == 403
    assert app.organization.name not in response.content.decode()
    assert (
        client.post(
            reverse(name, args=[app.pk]), {"version": app.version, "hopes": "x"}
        ).status_code
        == 403
    )
    assert f.fresh(app).hopes.startswith("Close the hypertension")


@pytest.mark.parametrize("name", STEP_URLS)
def test_the_applicant_reaches_every_step(client, app, name):
    client.force_login(app.created_by)
    assert client.get(reverse(name, args=[app.pk])).status_code == 200


def test_a_missing_application_is_not_found(client, app):
    client.force_login(app.created_by)
    assert client.get(reverse("application_status", args=[app.pk + 1000])).status_code == 404


def test_staff_may_read_an_application(client, personas, app):
    client.force_login(personas.people["staff"])
    assert client.get(reverse("application_status", args=[app.pk])).status_code == 200
    assert client.get(reverse("application_review", args=[app.pk])).status_code == 200


@pytest.mark.parametrize(
    ("moves", "label"),
    [
        ([], "Received"),
        (["start_review"], "Under review"),
        (["waitlist"], "Under review"),
        (["accept"], "Decision"),
    ],
)
def test_the_status_page_shows_only_the_applicant_label(client, personas, app, moves, label):
    app = transitions.application_submit(actor=app.created_by, application=app)
    staff = personas.people["staff"]
    for move in moves:
        transitions.application_transition(
            actor=staff, application=app, transition=move, **f.NO_REVIEWS
        )
    client.force_login(app.created_by)
    page = client.get(reverse("application_status", args=[app.pk])).content.decode()
    assert f"Status: {label}" in page
    for hidden in ("Waitlisted", "waitlist", "score", "Score", "reviewer", "Reviewer", staff.email):
        assert hidden not in page


def test_the_program_page_invites_to_apply_only_while_the_call_is_open(client, db):
    from pursuing_equity.programs.tests.factories import load_cycle

    cycle = f.open_cycle()
    page = client.get(reverse("program_detail", args=[cycle.slug])).content.decode()
    assert reverse("application_start", args=[cycle.slug]) in page
    closed = load_cycle()
    page = client.get(reverse("program_detail", args=[closed.slug])).content.decode()
    assert 'id="apply-cta"' not in page


def test_the_call_page_is_public_and_lists_open_cohorts(client, db):
    f.open_cycle()
    page = client.get(reverse("apply")).content.decode()
    assert "Action Community" in page and "Learning Network" in page
    assert "create an account" in page


def test_an_applicant_goes_from_cohort_choice_to_a_complete_draft(client, db):
    from pursuing_equity.accounts.tests.factories import UserFactory

    cycle = f.open_cycle()
    user = UserFactory()
    client.force_login(user)
    start = reverse("application_start", args=[cycle.slug])
    page = client.get(start).content.decode()
    assert "automatically considered for the Learning Network" in page
    assert client.post(start, {}).status_code == 400
    ac = f.cohort(cycle, "action_community")
    response = client.post(start, {"cohort": ac.pk})
    app = Application.objects.get(created_by=user)
    assert response.url == reverse("application_organization", args=[app.pk])
    # Starting again resumes the same draft.
    client.post(start, {"cohort": ac.pk})
    assert Application.objects.filter(created_by=user).count() == 1

    def version():
        return Application.objects.get(pk=app.pk).version

    org = {**f.ORGANIZATION, "version": version()}
    assert client.post(reverse("application_organization", args=[app.pk]), org).status_code == 302
    bad = {**f.ORGANIZATION, "state": "", "version": version()}
    response = client.post(reverse("application_organization", args=[app.pk]), bad)
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    members = f.roster(3)
    data = {"version": version(), "member-TOTAL_FORMS": 7, "member-INITIAL_FORMS": 0}
    for i, m in enumerate(members):
        data |= {f"member-{i}-{k}": v for k, v in m.items() if k != "community_partner"}
    assert client.post(reverse("application_team", args=[app.pk]), data).status_code == 302
    readiness = {
        "version": version(),
        "equity_work_so_far": "Some",
        "qi_results": "Results",
        "real_data": "accessible_and_usable",
        "sogi_data": "not_accessible",
        "community_partnerships": "Food bank",
    }
    assert (
        client.post(reverse("application_readiness", args=[app.pk]), readiness).status_code == 302
    )
    bad_choice = {**readiness, "version": version(), "real_data": "maybe"}
    assert (
        "Select a valid choice"
        in client.post(reverse("application_readiness", args=[app.pk]), bad_choice).content.decode()
    )
    assert (
        client.post(
            reverse("application_hopes", args=[app.pk]), {"version": version(), "hopes": "Equity"}
        ).status_code
        == 302
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    for kind, signatory in (("ceo_letter", "CEO"), ("board_chair_letter", "Board Chair")):
        response = client.post(
            reverse("application_documents", args=[app.pk]),
            {
                "kind": kind,
                f"{kind}-file": SimpleUploadedFile("l.pdf", pdf_bytes()),
                f"{kind}-signatories": [signatory],
            },
        )
        assert response.status_code == 302
    response = client.post(
        reverse("application_video", args=[app.pk]),
        {
            "source": "file",
            "file": SimpleUploadedFile("v.mp4", mp4_bytes(400)),
            "required_items": ["introductions", "leader", "why_now", "who_for"],
            "optional_questions": ["quote", "define_racism"],
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("application_review", args=[app.pk])).status_code == 302
    assert Application.objects.get(pk=app.pk).state == "submitted"


def test_the_organization_profile_is_prefilled_next_cycle(client, db):
    first = f.submitted(cycle=f.open_cycle())
    from pursuing_equity.programs.models import Cycle

    # The next cycle: a copy of the program with another slug.
    previous = Cycle.objects.get(pk=first.cycle_id)
    Cycle.objects.filter(pk=previous.pk).update(slug="pursuing-equity-2021")
    nxt = f.open_cycle()
    assert nxt.pk != previous.pk
    second = f.draft(cycle=nxt, user=first.created_by)
    assert second.organization_id == first.organization_id
    client.force_login(first.created_by)
    page = client.get(reverse("application_organization", args=[second.pk])).content.decode()
    assert f.ORGANIZATION["name"] in page

"""Each role's home page, from the outside."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person
from pursuing_equity.core.services import audit_record
from pursuing_equity.home import selectors
from pursuing_equity.home.tests.factories import CohortFactory, CycleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2022, 10, 18)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def cycle(today):
    cycle = CycleFactory()
    CohortFactory(
        cycle=cycle,
        key="ac",
        name="Action Community",
        application_deadline=datetime.date(2022, 10, 28),
        decisions_by=datetime.date(2022, 12, 2),
        position=0,
    )
    CohortFactory(
        cycle=cycle,
        key="ln",
        name="Learning Network",
        application_deadline=datetime.date(2022, 11, 18),
        decisions_by=None,
        rolling_review=True,
        response_within_days=14,
        position=1,
    )
    return cycle


def home_as(client, user):
    client.force_login(user)
    response = client.get("/home/")
    assert response.status_code == 200
    return response.text


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/home/")["Location"] == "/accounts/login/?next=/home/"


def test_staff_home_shows_the_cycles_next_deadlines_and_days_left(client, personas, cycle):
    text = home_as(client, personas.people["staff"])
    assert "What needs you now" in text
    assert "Applications due: Action Community" in text
    assert "In 10 days" in text
    assert "Decisions due: Action Community" in text
    assert "within 14 days of arriving" in text
    assert "Informational call" not in text  # it is in the past: only upcoming deadlines are listed


def test_the_informational_call_is_read_from_the_program_document(
    client, personas, cycle, monkeypatch
):
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2022, 9, 1))
    text = home_as(client, personas.people["applicant"])
    assert "Informational call" in text
    assert "3:00 PM–4:00 PM ET" in text
    assert "In 20 days" in text


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"informational_call": "not a date"},
        {"informational_call": {"name": "no date"}},
        [],
        {"call": 3},
    ],
)
def test_an_odd_program_document_never_breaks_the_home_page(client, personas, cycle, document):
    cycle.document = document
    cycle.save()
    text = home_as(client, personas.people["staff"])
    assert "Applications due: Action Community" in text


def test_staff_home_explains_when_no_cycle_is_loaded(client, personas, today):
    text = home_as(client, personas.people["staff"])
    assert "No program cycle is loaded yet" in text


def test_staff_home_lists_who_has_not_set_up_two_factor(client, personas):
    late = person(Role.REVIEWER, totp=False, email="late.reviewer@example.org")
    text = home_as(client, personas.people["staff"])
    assert late.email in text
    assert (
        personas.people["reviewer"].email
        not in text.split("Two-factor authentication")[1].split("Email queue")[0]
    )


def test_staff_home_shows_latest_changes_and_counts(client, personas):
    audit_record(actor=personas.people["staff"], action="organization.update", obj=personas.org_a)
    text = home_as(client, personas.people["staff"])
    assert "organization.update" in text
    assert "2 organizations" in text


def test_staff_home_counts_emails_waiting_for_the_worker(client, personas, settings):
    from django.core.mail import send_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_mail("Hello", "Body", None, ["someone@example.org"])
    text = home_as(client, personas.people["staff"])
    assert "1 email waiting to be sent" in text


def test_program_month_is_shown_during_the_cycle(client, personas, cycle, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2023, 9, 15))
    text = home_as(client, personas.people["team_member_a"])
    assert "Month 9 of 18" in text


@pytest.mark.parametrize(
    ("name", "heading", "text"),
    [
        ("faculty", "Teams I coach", "You coach no team yet"),
        ("reviewer", "Applications to score", "No application waits for your scores."),
        ("team_member_a", "My team", "You are not on a team"),
        ("senior_leader_a", "My team", "You are not on a team"),
        ("community_partner_a", "My team", "You are not on a team"),
        ("funder", "Program report", "Counts from 1 to 10 are suppressed"),
        ("applicant", "Applying to Pursuing Equity", "has no role in the program yet"),
    ],
)
def test_each_role_sees_its_own_home_and_what_to_do_when_it_is_empty(
    client, personas, cycle, name, heading, text
):
    page = home_as(client, personas.people[name])
    assert heading in page
    assert text in page
    assert "What needs you now" not in page
    assert "will appear here" not in page


def test_applicant_sees_the_dates_of_the_call(client, personas, cycle):
    text = home_as(client, personas.people["applicant"])
    assert "Applications due: Learning Network" in text


def test_a_person_with_several_roles_sees_staff_tools_first_then_each_roles_panels(
    client, personas, today
):
    org = OrganizationFactory()
    user = person(Role.PROGRAM_STAFF)
    from pursuing_equity.accounts.tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(user=user, role=Role.TEAM_MEMBER, organization=org)
    RoleAssignmentFactory(user=user, role=Role.FACULTY)
    text = home_as(client, user)
    assert text.index("What needs you now") < text.index("Teams I coach")
    assert "You are not on a team" in text


def queries_for(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/home/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["staff", "team_member_a", "applicant", "reviewer"])
def test_home_page_queries_do_not_grow_with_the_data(client, personas, cycle, name):
    user = personas.people[name]
    small = queries_for(client, user)
    for i in range(15):
        org = OrganizationFactory()
        person(Role.TEAM_MEMBER, org)
        person(Role.REVIEWER, totp=False)
        audit_record(actor=user, action="organization.update", obj=org)
        CohortFactory(
            cycle=cycle, key=f"extra-{i}", application_deadline=datetime.date(2022, 11, 1)
        )
    assert queries_for(client, user) == small
    assert (
        small <= 31
    )  # staff: the home's own tools, the header, every app's panels, the data version

"""Homes as task lists, from the data: each role's panels, from the outside, and their query counts.

The network (reporting's test fixture) is the real program file with demo dates: today is in
the ninth month, so updates are due and some are overdue whatever day the tests run.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.events.tests.factories import future_slot
from pursuing_equity.reporting.models import PdsaCycle
from pursuing_equity.reporting.tests import factories

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.text


def queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def test_a_team_member_sees_the_team_its_measures_the_update_due_and_pdsa_in_progress(
    client, network
):
    measure = factories.measure(network.ac, name="Blood pressure control")
    PdsaCycle.objects.create(
        team=network.ac,
        change_idea="Text reminders in Spanish",
        measure=measure,
        started_on=timezone.localdate() - datetime.timedelta(days=10),
        created_by=network.member,
    )
    text = home(client, network.member)
    assert f'href="{reverse("team_detail", args=["riverbend"])}"' in text
    assert "Riverbend Health: team page" in text
    assert f'href="{reverse("measure_dashboard", args=["riverbend", measure.slug])}"' in text
    assert "Enter the " in text and " data for Blood pressure control" in text
    assert "Write Riverbend Health’s" in text
    assert "Text reminders in Spanish" in text
    assert "will appear here" not in text


def test_a_senior_leader_sees_the_update_waiting_for_a_reflection(client, network):
    period = factories.started_period(network.ac, 1)
    factories.update(network.ac, network.member, period, submit=True)
    text = home(client, network.leader)
    assert "Updates waiting for your reflection" in text
    assert f"Reflect on Riverbend Health’s {period:%B %Y} update" in text
    assert reverse("update_detail", args=["riverbend", f"{period:%Y-%m}"]) in text


def test_a_community_partner_sees_the_team_and_the_update_they_may_write(client, network):
    text = home(client, network.partner)
    assert "Riverbend Health: team page" in text
    assert "Write Riverbend Health’s" in text


def test_a_coach_sees_teams_coached_updates_to_comment_progress_to_rate_and_slots(client, network):
    period = factories.started_period(network.ac, 1)
    factories.update(network.ac, network.member, period, submit=True)
    future_slot(network.ac.cycle, network.coach)
    text = home(client, network.coach)
    assert "Teams I coach" in text
    assert f"Comment on Riverbend Health’s {period:%B %Y} update" in text
    assert "Rate Riverbend Health’s progress" in text
    assert "Open: no team has booked it yet" in text


def test_staff_see_overdue_updates(client, network):
    text = home(client, network.staff)
    assert "Overdue updates and reflections" in text
    assert "update missing" in text
    assert "Needs action" in text


def test_a_funders_home_is_the_suppressed_program_report(client, network):
    period = factories.started_period(network.ac, 1)
    factories.update(network.ac, network.member, period, submit=True)
    text = home(client, person(Role.FUNDER))
    assert "Program report" in text and "Monthly updates submitted" in text
    # 2 and 3 teams per cohort, 1 update: small counts, never shown to a funder.
    assert "suppressed (fewer than 11)" in text
    assert "<td>2</td>" not in text and "<td>3</td>" not in text and "<td>1</td>" not in text


def grow(network, n: int = 6, start: int = 0) -> None:
    """More teams, members, measures, updates, PDSA cycles and coaching slots, on every side of
    each person (the first call gives each kind one row, so later calls only add rows)."""
    for _ in range(n):
        team = factories.team(coach=network.coach)
        member = factories.member(team)
        factories.update(team, member, factories.started_period(team, 2), submit=True)
    for i in range(3 * start, 3 * start + 3):
        measure = factories.measure(network.ac)
        PdsaCycle.objects.create(
            team=network.ac,
            change_idea=f"Idea {i}",
            measure=measure,
            started_on=timezone.localdate(),
            created_by=network.member,
        )
        factories.update(
            network.ac, network.member, factories.started_period(network.ac, i + 2), submit=True
        )
        future_slot(network.ac.cycle, network.coach, days=5 + i)


@pytest.mark.parametrize("name", ["member", "leader", "partner", "coach", "staff", "ln_member"])
def test_each_home_makes_a_fixed_number_of_queries_whatever_the_data(client, network, name):
    user = getattr(network, name)
    grow(network, 1)
    before = queries(client, user)
    grow(network, 6, start=1)
    assert queries(client, user) == before, name
    assert before <= 43, before  # the staff home: every app's panels and the header's unread count


def test_a_funders_home_makes_a_fixed_number_of_queries(client, network):
    funder = person(Role.FUNDER)
    grow(network, 1)
    before = queries(client, funder)
    grow(network, 6, start=1)
    assert queries(client, funder) == before

"""The main navigation: each person sees exactly the places their rules allow, the current one marked."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.home.navigation import PLACES, navigation_for
from pursuing_equity.reporting.tests import factories

pytestmark = pytest.mark.django_db


def labels(user, path="/home/") -> list[str]:
    return [item.label for item in navigation_for(user, path)]


def test_anonymous_visitors_see_the_program_and_the_case_studies_only(network):
    from django.contrib.auth.models import AnonymousUser

    assert labels(AnonymousUser()) == ["Program", "Case studies"]


def test_a_team_member_reaches_their_team_its_measures_updates_calendar_and_coaching(network):
    items = {item.label: item.url for item in navigation_for(network.member, "/home/")}
    assert items["My team"] == reverse("team_detail", args=["riverbend"])
    assert items["Measures"] == reverse("measure_list", args=["riverbend"])
    for label in ("Shared measures", "Updates", "Calendar", "Coaching", "Affinity groups"):
        assert label in items
    for label in ("Teams", "Review", "People", "Audit log", "Leadership workgroup", "Equity gaps"):
        assert label not in items


def test_a_senior_leader_of_the_action_community_reaches_the_leadership_workgroup(network):
    assert "Leadership workgroup" in labels(network.leader)
    assert "Leadership workgroup" not in labels(network.member)


def test_faculty_and_staff_reach_their_tools_and_no_team_of_their_own(network):
    faculty = labels(network.faculty)
    assert {"Teams", "Attendance", "Submissions", "Equity gaps", "Leadership workgroup"} <= set(
        faculty
    )
    assert "My team" not in faculty and "Review" not in faculty
    staff = labels(network.staff)
    assert {"Review", "Cohort builder", "Organizations", "People", "Audit log", "Outbox"} <= set(
        staff
    )
    assert "My organization" not in staff


def test_a_reviewer_reaches_their_reviews_and_an_applicant_no_team_place(network):
    assert "My reviews" in labels(person(Role.REVIEWER))
    applicant = labels(network.applicant)
    assert "My team" not in applicant and "Calendar" not in applicant


def test_every_place_is_shown_only_by_its_rule():
    # The table is the one place the navigation's entries come from: each names a rule.
    assert all(callable(place.rule) for place in PLACES)
    assert len({place.label for place in PLACES}) == len(PLACES)


def test_the_current_page_is_marked_once_by_the_longest_matching_place(client, network):
    client.force_login(network.member)
    measures = reverse("measure_list", args=["riverbend"])
    page = client.get(measures).text
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == [measures]


def test_the_navigation_costs_a_fixed_number_of_queries(client, network):
    client.force_login(network.member)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("program"))
    for _ in range(5):
        factories.member(factories.team())
        factories.measure(network.ac)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("program"))
    assert len(more) == len(few)

"""The team page and the list of teams, from the outside."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.teams.groups import affinity_choose, affinity_groups_ensure

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    for url in (reverse("team_detail", args=[world.ln_teams[0].slug]), reverse("team_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_member_sees_cohort_coach_members_and_peers(world, login):
    team = world.ln_teams[0]
    response = login(world.people["ln_member"]).get(reverse("team_detail", args=[team.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Small cohort 1" in body
    assert "Casey Coach" in body
    assert "Lee Member" in body
    assert world.ln_teams[1].name in body  # a peer of the small cohort
    assert world.ln_teams[4].name not in body
    assert "Upcoming events" in body and "Attendance" in body


def test_a_team_of_another_small_cohort_is_forbidden_and_leaks_nothing(world, login):
    team = world.ln_teams[0]
    response = login(world.people["ln_other_small"]).get(reverse("team_detail", args=[team.slug]))
    assert response.status_code == 403
    assert "Lee Member" not in response.content.decode()


def test_an_unknown_team_is_not_found(world, login):
    response = login(world.people["staff"]).get(reverse("team_detail", args=["no-such-team"]))
    assert response.status_code == 404


def test_action_community_teams_see_each_others_page_without_per_person_attendance(world, login):
    team = world.ac_teams[0]
    response = login(world.people["ac_other_team"]).get(reverse("team_detail", args=[team.slug]))
    assert response.status_code == 200
    assert "Ash Member" in response.content.decode()
    assert "Attendance per person" not in response.content.decode()


def test_the_team_page_never_shows_affinity_choices(world, login):
    groups = affinity_groups_ensure(cycle=world.cycle)
    affinity_choose(actor=world.people["ac_member"], cycle=world.cycle, choice=groups[0].key)
    for who in ("ac_member", "ac_other_team", "staff", "ac_coach"):
        body = (
            login(world.people[who])
            .get(reverse("team_detail", args=[world.ac_teams[0].slug]))
            .content.decode()
        )
        assert groups[0].name not in body
        assert "People of color" not in body


def test_the_team_list_is_for_staff_and_faculty(world, login):
    assert login(world.people["ln_member"]).get(reverse("team_list")).status_code == 403
    response = login(world.people["faculty"]).get(reverse("team_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "LN Team 0" in body
    # Faculty who coach no team see the names, not links to pages they may not open.
    assert reverse("team_detail", args=[world.ln_teams[0].slug]) not in body
    staff_body = login(world.people["staff"]).get(reverse("team_list")).content.decode()
    assert reverse("team_detail", args=[world.ln_teams[0].slug]) in staff_body


def test_staff_and_faculty_get_the_navigation_entries(world, login):
    staff_body = login(world.people["staff"]).get(reverse("team_list")).content.decode()
    assert reverse("cohort_builder") in staff_body
    faculty_body = login(world.people["faculty"]).get(reverse("team_list")).content.decode()
    assert ">Teams<" in faculty_body
    assert reverse("cohort_builder") not in faculty_body


def test_the_team_page_makes_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.people["ln_member"])
    url = reverse("team_detail", args=[world.ln_teams[0].slug])
    # 25 for the page, 2 for the navigation's reads of the person's team (home/navigation.py)
    with django_assert_max_num_queries(27):
        client.get(url)


def test_the_team_page_shows_the_teams_next_event_and_its_attendance_from_the_events_app(
    world, login
):
    from datetime import timedelta

    from django.utils import timezone

    from pursuing_equity.events.models import Attendance, Event

    team = world.ln_teams[0]
    now = timezone.now()
    common = {
        "cycle": world.cycle,
        "kind": "ln_all_team_meetings",
        "audience": Event.Audience.COHORT,
        "cohort": team.cohort,
        "modality": Event.Modality.VIRTUAL,
    }
    Event.objects.create(
        title="Next all-team call",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=1),
        **common,
    )
    past = Event.objects.create(
        title="Last all-team call",
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=1),
        attendance_taken_at=now - timedelta(days=6),
        **common,
    )
    Attendance.objects.create(event=past, user=world.people["ln_member"], team=team, present=True)
    body = (
        login(world.people["ln_member"])
        .get(reverse("team_detail", args=[team.slug]))
        .content.decode()
    )
    assert "Next all-team call" in body
    assert "Last all-team call" not in body  # past: not upcoming
    assert "over 1 event" in body
    assert "Attendance per person" in body  # the team's own people see it
    assert reverse("team_updates", args=[team.slug]) in body

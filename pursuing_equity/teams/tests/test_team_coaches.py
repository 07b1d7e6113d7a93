"""1:1 coaches of Action Community teams: the service, the staff page, and who sees the coach."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.teams.services import team_coach_assign

pytestmark = pytest.mark.django_db


def test_staff_name_a_faculty_member_as_a_teams_coach_and_it_is_audited(world):
    team = world.ac_teams[1]
    team_coach_assign(actor=world.people["staff"], team=team, coach=world.people["faculty"])
    team.refresh_from_db()
    assert team.coach == world.people["faculty"]
    entry = AuditEntry.objects.get(action="team.coach", object_id=str(team.pk))
    assert entry.before == {"coach": None}
    assert entry.after == {"coach": world.people["faculty"].pk}
    team_coach_assign(actor=world.people["staff"], team=team, coach=None)
    team.refresh_from_db()
    assert team.coach is None


def test_only_faculty_coach_and_only_teams_with_one_to_one_coaching(world):
    with pytest.raises(ValidationError, match="not on the faculty"):
        team_coach_assign(
            actor=world.people["staff"], team=world.ac_teams[1], coach=world.people["ln_member"]
        )
    with pytest.raises(ValidationError, match="not in a cohort with 1:1 coaching"):
        team_coach_assign(
            actor=world.people["staff"], team=world.ln_teams[0], coach=world.people["faculty"]
        )
    assert not AuditEntry.objects.filter(action="team.coach").exists()


def test_only_staff_open_the_coaches_page(world, login):
    url = reverse("team_coaches")
    response = login(None).get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    data = {"team": world.ac_teams[1].pk, "coach": world.people["faculty"].pk}
    for who in ("ac_member", "ac_leader", "ac_coach", "faculty", "ln_member", "funder"):
        assert login(world.people[who]).get(url).status_code == 403
        assert login(world.people[who]).post(url, data).status_code == 403
    assert login(None).post(url, data).status_code == 302
    world.ac_teams[1].refresh_from_db()
    assert world.ac_teams[1].coach is None


def test_staff_see_action_community_teams_and_set_a_coach(world, login):
    client = login(world.people["staff"])
    body = client.get(reverse("team_coaches")).content.decode()
    assert "AC Team 0" in body and "AC Team 1" in body and "Alex Onecoach" in body
    assert "LN Team 0" not in body
    response = client.post(
        reverse("team_coaches"),
        {"team": world.ac_teams[1].pk, "coach": world.people["faculty"].pk},
        follow=True,
    )
    assert "AC Team 1 team: Fran Faculty is the 1:1 coach." in response.content.decode()
    world.ac_teams[1].refresh_from_db()
    assert world.ac_teams[1].coach == world.people["faculty"]


def test_a_bad_choice_is_refused_next_to_the_team(world, login):
    client = login(world.people["staff"])
    response = client.post(
        reverse("team_coaches"),
        {"team": world.ac_teams[1].pk, "coach": world.people["ln_member"].pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        reverse("team_coaches"),
        {"team": world.ln_teams[0].pk, "coach": world.people["faculty"].pk},
    )
    assert response.status_code == 400
    world.ln_teams[0].refresh_from_db()
    assert world.ln_teams[0].coach is None


def test_a_post_naming_no_team_of_the_page_shows_its_error_at_the_top(world, login):
    client = login(world.people["staff"])
    url = reverse("team_coaches")
    for data, message in (
        ({"coach": world.people["faculty"].pk}, "The form did not say which team"),
        (
            {"team": world.ln_teams[0].pk, "coach": world.people["faculty"].pk},
            "That team has no 1:1 coaching in this cycle",
        ),
        ({"team": "not a team", "coach": ""}, "That team has no 1:1 coaching in this cycle"),
    ):
        response = client.post(url, data)
        body = response.content.decode()
        assert response.status_code == 400
        assert message in body
        assert "see the message in the team’s row" not in body
        assert body.index(message) < body.index("<table")
    for team in world.ac_teams:
        team.refresh_from_db()
    assert [t.coach for t in world.ac_teams[1:]] == [None] * (len(world.ac_teams) - 1)


def test_a_refused_row_still_points_to_its_row(world, login):
    response = login(world.people["staff"]).post(
        reverse("team_coaches"),
        {"team": world.ac_teams[1].pk, "coach": world.people["ln_member"].pk},
    )
    body = response.content.decode()
    assert "see the message in the team’s row" in body
    assert body.index("Select a valid choice") > body.index("<table")


def test_the_all_teams_heading_is_there_for_everyone(world, login):
    for who in ("ac_coach", "faculty", "staff"):
        body = login(world.people[who]).get(reverse("team_list")).content.decode()
        assert "<h2" in body and ">All teams</h2>" in body


def test_the_coach_is_on_the_team_page_and_the_coach_finds_the_team(world, login):
    team = world.ac_teams[0]
    body = login(world.people["ac_member"]).get(reverse("team_detail", args=[team.slug]))
    assert "Alex Onecoach" in body.content.decode()
    body = login(world.people["ac_coach"]).get(reverse("team_list")).content.decode()
    assert "Teams you coach" in body
    assert "1:1 coaching" in body and "AC Team 0" in body
    body = login(world.people["faculty"]).get(reverse("team_list")).content.decode()
    assert "Teams you coach" not in body


def test_the_coaches_page_makes_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries
):
    client = login(world.people["staff"])
    with django_assert_max_num_queries(15):
        client.get(reverse("team_coaches"))

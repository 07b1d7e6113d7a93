"""The team page and the cohort builder are kept between requests ({% fresh %}): a change made
through the app shows at once, and a page kept for someone allowed is never served to anyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.teams import services
from pursuing_equity.teams.models import TeamMember

pytestmark = pytest.mark.django_db


def test_the_team_page_shows_a_removed_member_at_once(world, login):
    team = world.ln_teams[0]
    url = reverse("team_detail", args=[team.slug])
    client = login(world.people["staff"])
    assert "1 people on the team" in client.get(url).content.decode()  # Lee Member alone
    assert "1 people on the team" in client.get(url).content.decode()
    member = TeamMember.objects.get(team=team, user=world.people["ln_member"])
    services.team_member_remove(actor=world.people["staff"], member=member)
    assert "No members yet." in client.get(url).content.decode()


def test_a_kept_team_page_is_still_refused_to_others(world, login):
    url = reverse("team_detail", args=[world.ln_teams[0].slug])
    member = login(world.people["ln_member"])
    assert "Lee Member" in member.get(url).content.decode()
    assert "Lee Member" in member.get(url).content.decode()
    response = login(world.people["ln_other_small"]).get(url)
    assert response.status_code == 403
    assert "Lee Member" not in response.content.decode()
    assert login(None).get(url).status_code == 302


def test_the_builder_shows_a_team_moved_by_hand_at_once(world, login):
    client = login(world.people["staff"])
    url = reverse("cohort_builder")
    assert "the program asks for 4 to 5" not in client.get(url).content.decode()
    assert "the program asks for 4 to 5" not in client.get(url).content.decode()
    response = client.post(
        reverse("cohort_move"),
        {"move-team": world.ln_teams[0].pk, "move-small_cohort": world.small[1].pk},
    )
    assert response.status_code == 302
    assert "the program asks for 4 to 5" in client.get(url).content.decode()


def test_a_kept_builder_is_still_refused_to_faculty_and_visitors(world, login):
    url = reverse("cohort_builder")
    staff = login(world.people["staff"])
    staff.get(url)
    assert staff.get(url).status_code == 200
    assert login(world.people["faculty"]).get(url).status_code == 403
    assert login(None).get(url).status_code == 302


def test_the_team_list_shows_a_new_coach_their_team_at_once(world, login):
    url = reverse("team_list")
    faculty = world.people["faculty"]
    team = world.ac_teams[0]
    client = login(faculty)
    assert "Teams you coach" not in client.get(url).content.decode()
    assert "Teams you coach" not in client.get(url).content.decode()  # kept
    services.team_coach_assign(actor=world.people["staff"], team=team, coach=faculty)
    assert "Teams you coach" in client.get(url).content.decode()
    assert login(None).get(url).status_code == 302


def test_the_coaches_page_shows_a_coach_named_at_once_and_stays_staffs(world, login):
    url = reverse("team_coaches")
    team, faculty = world.ac_teams[0], world.people["faculty"]
    client = login(world.people["staff"])
    selected = f'<option value="{faculty.pk}" selected>'
    assert selected not in client.get(url).content.decode()
    assert selected not in client.get(url).content.decode()  # kept
    services.team_coach_assign(actor=world.people["staff"], team=team, coach=faculty)
    assert selected in client.get(url).content.decode()
    assert login(faculty).get(url).status_code == 403

"""Taking someone's access away takes effect on their next request, tested from the outside:
revoking their role (``/people/roles/<id>/revoke/``), removing them from the team (the team
page's staff button) and revoking a coach's faculty role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pursuing_equity.accounts.models import Role, RoleAssignment
from pursuing_equity.accounts.services import role_assign, role_revoke
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.measures.tests.factories import TeamFactory, measure, member
from pursuing_equity.teams.models import SmallCohort, Team, TeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(person(Role.PROGRAM_STAFF))
    return client


def team_urls(team: Team) -> list[str]:
    blood_pressure = measure(team)
    return [
        reverse("team_detail", args=[team.slug]),
        reverse("measure_list", args=[team.slug]),
        reverse("measure_upload_counts", args=[team.slug, blood_pressure.slug]),
        reverse("update_edit", args=[team.slug, "2024-05"]),
    ]


def statuses(client: Client, urls: list[str]) -> list[int]:
    return [client.get(url).status_code for url in urls]


def test_revoking_the_team_member_role_closes_the_team_on_the_next_request(team, staff_client):
    user = member(team)
    urls = team_urls(team)
    client = Client()
    client.force_login(user)
    assert 403 not in statuses(client, urls)

    held = RoleAssignment.objects.get(user=user, organization=team.organization)
    response = staff_client.post(reverse("role_revoke", args=[held.pk]))
    assert response.status_code == 302

    assert statuses(client, urls) == [403] * len(urls)
    assert not TeamMember.objects.filter(user=user).exists()
    removal = AuditEntry.objects.get(action="team.member.remove")
    assert removal.before["user"] == user.email


def test_revoking_the_senior_leader_role_keeps_a_member_on_the_team_as_a_member(team):
    leader = member(team, TeamMember.Part.SENIOR_LEADER)
    role_assign(actor=None, user=leader, role=Role.TEAM_MEMBER, organization=team.organization)
    role_revoke(
        actor=None,
        assignment=RoleAssignment.objects.get(user=leader, role=Role.SENIOR_LEADER),
    )
    assert TeamMember.objects.get(user=leader).part == TeamMember.Part.MEMBER


def test_staff_remove_a_member_from_the_team_page_after_confirming(team, staff_client):
    user = member(team)
    colleague = member(team)
    row = TeamMember.objects.get(user=user)
    remove_url = reverse("team_member_remove", args=[team.slug, row.pk])
    page = staff_client.get(reverse("team_detail", args=[team.slug])).content.decode()
    assert remove_url in page

    confirm = staff_client.get(remove_url)
    assert confirm.status_code == 200 and "will no longer see" in confirm.content.decode()
    assert TeamMember.objects.filter(pk=row.pk).exists(), "asking is not removing"

    client = Client()
    client.force_login(colleague)
    assert client.get(remove_url).status_code == 403
    assert client.post(remove_url).status_code == 403
    urls = team_urls(team)
    client.force_login(user)
    assert 403 not in statuses(client, urls)

    response = staff_client.post(remove_url)
    assert response.status_code == 302
    assert statuses(client, urls) == [403] * len(urls)
    # Their last team at the organization: the team role there goes too.
    assert not RoleAssignment.objects.filter(user=user, organization=team.organization).exists()
    assert AuditEntry.objects.filter(action="team.member.remove").count() == 1
    assert AuditEntry.objects.filter(action="role.revoke").count() == 1


def test_removing_a_member_who_is_not_on_that_team_is_not_found(team, staff_client):
    other = member(TeamFactory())
    row = TeamMember.objects.get(user=other)
    url = reverse("team_member_remove", args=[team.slug, row.pk])
    assert staff_client.post(url).status_code == 404
    assert TeamMember.objects.filter(pk=row.pk).exists()


def test_revoking_the_faculty_role_clears_every_coaching_it_gave(team, staff_client):
    coach = person(Role.FACULTY)
    small = SmallCohort.objects.create(
        cycle=team.cycle, cohort=team.cohort, name="Small cohort 1", coach=coach
    )
    team.coach = coach
    team.small_cohort = small
    team.save()
    client = Client()
    client.force_login(coach)
    url = reverse("team_detail", args=[team.slug])
    assert client.get(url).status_code == 200

    held = RoleAssignment.objects.get(user=coach, role=Role.FACULTY)
    assert staff_client.post(reverse("role_revoke", args=[held.pk])).status_code == 302

    team.refresh_from_db()
    small.refresh_from_db()
    assert team.coach_id is None and small.coach_id is None
    assert client.get(url).status_code == 403
    audited = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"team.coach", "small_cohort.coach", "role.revoke"} <= audited

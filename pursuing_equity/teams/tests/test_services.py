"""Teams from accepted applications: members invited, roles in step, leaders named."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from pursuing_equity.accounts.models import Role, RoleAssignment
from pursuing_equity.accounts.tests.factories import UserFactory
from pursuing_equity.applications.models import RosterMember
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.review.decisions import decision_record
from pursuing_equity.review.tests.factories import received, staff
from pursuing_equity.teams.models import TeamMember
from pursuing_equity.teams.services import team_create_from_application, team_leaders_name


@pytest.fixture
def cycle(db):
    return load_cycle()


def accepted(cycle, key="action_community", **kwargs):
    application = received(cycle, key, **kwargs)
    decision_record(
        actor=staff(), application=application, decision="accept", reviews_override_reason="Test."
    )
    application.refresh_from_db()
    return application


def roles(user, organization):
    return set(
        RoleAssignment.objects.filter(user=user, organization=organization).values_list(
            "role", flat=True
        )
    )


def test_roster_becomes_team_members_with_invitations(cycle):
    application = received(cycle, roster_size=4)
    existing = UserFactory(email=application.roster.first().email)
    partner = application.roster.last()
    RosterMember.objects.filter(pk=partner.pk).update(community_partner=True)
    mail.outbox.clear()
    decision_record(
        actor=staff(), application=application, decision="accept", reviews_override_reason="Test."
    )
    application.refresh_from_db()
    team = application.team
    assert team.cohort == application.current_cohort and team.slug == application.organization.slug
    parts = dict(team.members.values_list("user__email", "part"))
    assert len(parts) == 4 and parts[partner.email] == "community_partner"
    # People without an account are invited; someone with one just gets the role.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(set(parts) - {existing.email})
    assert roles(existing, application.organization) == {Role.TEAM_MEMBER}
    partner_user = team.members.get(part="community_partner").user
    assert roles(partner_user, application.organization) == {Role.COMMUNITY_PARTNER}
    assert AuditEntry.objects.filter(action="team.create").count() == 1


def test_creating_the_team_again_changes_nothing(cycle):
    application = accepted(cycle)
    count = TeamMember.objects.count()
    assert team_create_from_application(actor=None, application=application) == application.team
    assert TeamMember.objects.count() == count


def test_only_an_accepted_application_becomes_a_team(cycle):
    with pytest.raises(ValidationError):
        team_create_from_application(actor=None, application=received(cycle))


def test_action_community_names_a_senior_leader_and_an_alternate(cycle):
    team = accepted(cycle).team
    first, second, third = [m.user for m in team.members.order_by("pk")[:3]]
    with pytest.raises(ValidationError) as error:
        team_leaders_name(actor=None, team=team, senior_leader=first, alternate=None)
    assert "alternate" in error.value.message_dict
    with pytest.raises(ValidationError, match="someone other"):
        team_leaders_name(actor=None, team=team, senior_leader=first, alternate=first)
    with pytest.raises(ValidationError):
        team_leaders_name(actor=None, team=team, senior_leader=UserFactory(), alternate=second)

    team_leaders_name(actor=None, team=team, senior_leader=first, alternate=second)
    assert team.members.get(user=first).part == "senior_leader"
    assert Role.SENIOR_LEADER in roles(first, team.organization)
    # Swapping: the old alternate steps down and loses the senior leader role.
    team_leaders_name(actor=None, team=team, senior_leader=first, alternate=third)
    assert team.members.get(user=second).part == "member"
    assert Role.SENIOR_LEADER not in roles(second, team.organization)
    assert Role.SENIOR_LEADER in roles(third, team.organization)


def test_learning_network_may_name_a_senior_leader_alone(cycle):
    team = accepted(cycle, "learning_network").team
    leader = team.members.first().user
    team_leaders_name(actor=None, team=team, senior_leader=leader, alternate=None)
    assert team.members.get(user=leader).part == "senior_leader"


def test_staff_and_the_senior_leader_name_leaders_members_and_partners_cannot(client, cycle):
    application = received(cycle, roster_size=4)
    partner_row = application.roster.last()
    RosterMember.objects.filter(pk=partner_row.pk).update(community_partner=True)
    decision_record(
        actor=staff(), application=application, decision="accept", reviews_override_reason="Test."
    )
    application.refresh_from_db()
    team = application.team
    url = reverse("team_leaders", args=[team.slug])
    first, second, third = [m.user for m in team.members.filter(part="member").order_by("pk")]
    partner = team.members.get(part="community_partner").user
    assert client.get(url).status_code == 302
    for outsider in (UserFactory(), first, partner):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
        naming_self = {"senior_leader": outsider.pk, "alternate": second.pk}
        assert client.post(url, naming_self).status_code == 403
    assert not team.members.filter(part="senior_leader").exists()
    assert Role.SENIOR_LEADER not in roles(partner, team.organization)

    client.force_login(staff())
    assert client.get(url).status_code == 200
    missing = client.post(url, {"senior_leader": first.pk})
    assert missing.status_code == 400 and "This field is required" in missing.content.decode()
    assert client.post(url, {"senior_leader": first.pk, "alternate": second.pk}).status_code == 302
    assert team.members.get(user=second).part == "alternate_leader"

    # The senior leader hands over; the alternate cannot name anyone.
    client.force_login(second)
    assert client.get(url).status_code == 403
    client.force_login(first)
    assert client.get(url).status_code == 200
    assert client.post(url, {"senior_leader": third.pk, "alternate": first.pk}).status_code == 302
    assert team.members.get(user=third).part == "senior_leader"
    assert Role.SENIOR_LEADER in roles(third, team.organization)
    assert client.get(url).status_code == 403


def test_the_service_refuses_an_actor_who_may_not_name_leaders(cycle):
    team = accepted(cycle).team
    first, second = [m.user for m in team.members.order_by("pk")[:2]]
    with pytest.raises(ValidationError, match="senior leader name"):
        team_leaders_name(actor=first, team=team, senior_leader=first, alternate=second)
    assert Role.SENIOR_LEADER not in roles(first, team.organization)

"""My calendar: each person sees the events of the groups they belong to, and nothing else."""

import pytest
from django.urls import reverse

from pursuing_equity.events.audience import events_for_person
from pursuing_equity.events.generation import calendar_generate
from pursuing_equity.events.models import Event
from pursuing_equity.events.selectors import my_calendar, upcoming_for_team
from pursuing_equity.events.tests.factories import affinity_member, make_program
from pursuing_equity.teams.models import TeamMember

pytestmark = pytest.mark.django_db
A = Event.Audience


@pytest.fixture
def demo(db):
    """The program with demo dates (so that events lie ahead) and its calendar generated."""
    program = make_program(shift_months=36)
    calendar_generate(actor=None, cycle=program.cycle)
    return program


def audiences(user) -> set:
    return set(events_for_person(user).values_list("audience", flat=True))


def test_a_learning_network_member_sees_their_cohort_small_cohort_and_the_meetup(demo):
    user = demo.members_of(demo.ln_teams[0])[1]
    events = events_for_person(user)
    assert audiences(user) == {A.COHORT, A.SMALL_COHORT, A.CYCLE}
    assert set(events.filter(audience=A.COHORT).values_list("cohort", flat=True)) == {demo.ln.pk}
    assert set(events.filter(audience=A.SMALL_COHORT).values_list("small_cohort", flat=True)) == {
        demo.ln_teams[0].small_cohort_id
    }


def test_an_action_community_member_sees_their_teams_coaching_not_the_other_teams(demo):
    user = demo.members_of(demo.ac_teams[0])[1]
    events = events_for_person(user)
    assert set(events.filter(audience=A.TEAM).values_list("team", flat=True)) == {
        demo.ac_teams[0].pk
    }
    assert not events.filter(audience=A.LEADERS).exists()
    assert not events.filter(audience=A.AFFINITY_GROUP).exists()


def test_senior_leaders_of_action_community_teams_see_the_leadership_workgroup(demo):
    leader = demo.ac_teams[0].members.get(part=TeamMember.Part.SENIOR_LEADER).user
    assert A.LEADERS in audiences(leader)
    ln_leader = demo.ln_teams[0].members.get(part=TeamMember.Part.SENIOR_LEADER).user
    assert A.LEADERS not in audiences(ln_leader)


def test_affinity_events_appear_only_for_the_groups_members(demo):
    member = demo.members_of(demo.ac_teams[0])[1]
    other = demo.members_of(demo.ac_teams[0])[2]
    affinity_member(demo.cycle, member, "white")
    mine = events_for_person(member).filter(audience=A.AFFINITY_GROUP)
    assert set(mine.values_list("affinity_group", flat=True)) == {"white"}
    assert not events_for_person(other).filter(audience=A.AFFINITY_GROUP).exists()


def test_a_coach_sees_the_events_they_facilitate(demo):
    events = events_for_person(demo.coach)
    assert set(events.values_list("audience", flat=True)) == {A.SMALL_COHORT, A.TEAM}


def test_my_calendar_lists_upcoming_events_soonest_first(demo):
    user = demo.members_of(demo.ln_teams[0])[1]
    events = my_calendar(user)
    assert events and [e.starts_at for e in events] == sorted(e.starts_at for e in events)


def test_upcoming_for_team_gives_the_next_team_events(demo):
    team = demo.ac_teams[0]
    upcoming = upcoming_for_team(team, limit=5)
    assert len(upcoming) == 5
    assert [u.starts_at for u in upcoming] == sorted(u.starts_at for u in upcoming)
    kinds = {u.kind for u in upcoming}
    assert "ac_affinity_groups" not in kinds and "ac_leadership_workgroup" not in kinds
    assert upcoming[0].url == reverse("event_detail", args=[upcoming[0].pk])


def test_my_calendar_page_lists_events_and_the_subscription_address(client, demo):
    user = demo.members_of(demo.ln_teams[0])[1]
    client.force_login(user)
    response = client.get(reverse("calendar_mine"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "All-Team Virtual Meetings — Learning Network" in body
    assert "/calendar/feed/" in body and ".ics" in body
    assert "Action Community" not in body.split("<main")[1].split("Subscribe")[0]


def test_my_calendar_is_for_signed_in_people_with_a_team_or_staff_or_faculty(client, db):
    from pursuing_equity.accounts.tests.factories import make_personas

    people = make_personas().people
    url = reverse("calendar_mine")
    assert client.get(url).status_code == 302
    expected = {"staff": 200, "faculty": 200, "applicant": 403, "reviewer": 403, "funder": 403}
    for name, status in expected.items():
        client.force_login(people[name])
        assert client.get(url).status_code == status, name


def test_calendar_link_in_navigation_for_team_members_only(client, demo):
    from pursuing_equity.accounts.tests.factories import person

    client.force_login(demo.members_of(demo.ln_teams[0])[0])
    assert reverse("calendar_mine") in client.get(reverse("home")).content.decode()
    client.force_login(person())
    assert reverse("calendar_mine") not in client.get(reverse("home")).content.decode()


def test_no_queries_grow_with_events(django_assert_max_num_queries, demo):
    user = demo.members_of(demo.ac_teams[0])[0]
    with django_assert_max_num_queries(4):
        my_calendar(user)

"""Permission matrix of the calendar: roles × objects, from the rules and from the outside."""

import pytest
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.events import rules
from pursuing_equity.events.models import CoachingBooking, Event
from pursuing_equity.events.tests.factories import affinity_member, future_slot, past_event
from pursuing_equity.teams.models import TeamMember

pytestmark = pytest.mark.django_db
A = Event.Audience


@pytest.fixture
def world(program):
    """Personas around one Learning Network team (team "A") and one affinity group event."""
    p = program
    team_a, team_b = p.ln_teams[0], p.ln_teams[2]  # different small cohorts
    ac_team = p.ac_teams[0]
    facilitator = person(Role.FACULTY, full_name="Fay Facilitator")
    cohort_event = past_event(p.cycle, cohort=p.ln)
    small_event = past_event(
        p.cycle, audience=A.SMALL_COHORT, small_cohort=team_a.small_cohort, kind="ln_group_coaching"
    )
    small_event.facilitators.add(p.coach)
    affinity_event = past_event(
        p.cycle, audience=A.AFFINITY_GROUP, affinity_group="white", kind="ac_affinity_groups"
    )
    affinity_event.facilitators.add(facilitator)
    member_in_group = p.members_of(ac_team)[1]
    affinity_member(p.cycle, member_in_group, "white", facilitator=facilitator)
    # Another member chose the other group; a third chose not to say.
    affinity_member(p.cycle, p.members_of(ac_team)[0], "people_of_color")
    people = {
        "anonymous": None,
        "applicant": person(),
        "staff": p.staff,
        "faculty": p.other_coach,
        "coach": p.coach,
        "facilitator": facilitator,
        "reviewer": person(Role.REVIEWER),
        "funder": person(Role.FUNDER),
        "member_a": p.members_of(team_a)[1],
        "leader_a": team_a.members.get(part=TeamMember.Part.SENIOR_LEADER).user,
        "member_b": p.members_of(team_b)[1],
        "ac_member_in_group": member_in_group,
        "ac_member": p.members_of(ac_team)[2],
    }
    slot = future_slot(p.cycle, p.coach)
    booking = CoachingBooking.objects.create(slot=slot, team=ac_team)
    return {
        "people": people,
        "cohort_event": cohort_event,
        "small_event": small_event,
        "affinity_event": affinity_event,
        "slot": slot,
        "booking": booking,
        "team_a": team_a,
    }


def _allowed(rule, world, obj=None) -> set[str]:
    return {name for name, user in world["people"].items() if user and rule(user, obj)}


STAFF_AND_FACULTY = {"staff", "faculty", "coach", "facilitator"}
TEAM_PEOPLE = {"member_a", "leader_a", "member_b", "ac_member_in_group", "ac_member"}


def test_who_sees_the_calendar(world):
    assert _allowed(rules.can_view_calendar, world) == STAFF_AND_FACULTY | TEAM_PEOPLE


def test_who_sees_a_cohort_event(world):
    assert _allowed(rules.can_view_event, world, world["cohort_event"]) == {
        "staff",
        "faculty",
        "coach",
        "facilitator",
        "member_a",
        "leader_a",
        "member_b",
    }


def test_who_sees_a_small_cohort_event(world):
    assert _allowed(rules.can_view_event, world, world["small_event"]) == {
        "staff",
        "faculty",
        "coach",
        "facilitator",
        "member_a",
        "leader_a",
    }


def test_who_sees_an_affinity_event_only_its_members_facilitators_and_staff(world):
    assert _allowed(rules.can_view_event, world, world["affinity_event"]) == {
        "staff",
        "facilitator",
        "ac_member_in_group",
    }


def test_who_sees_an_affinity_events_attendees_only_facilitators_and_staff(world):
    assert _allowed(rules.can_view_event_attendees, world, world["affinity_event"]) == {
        "staff",
        "facilitator",
    }


def test_who_sees_a_cohort_events_attendees(world):
    assert _allowed(rules.can_view_event_attendees, world, world["cohort_event"]) == (
        STAFF_AND_FACULTY
    )


def test_who_takes_attendance(world):
    assert _allowed(rules.can_take_attendance, world, world["small_event"]) == {"staff", "coach"}
    assert _allowed(rules.can_take_attendance, world, world["affinity_event"]) == {
        "staff",
        "facilitator",
    }


def test_who_manages_the_calendar_and_sends_notes(world):
    assert _allowed(rules.can_manage_calendar, world) == {"staff"}
    assert _allowed(rules.can_send_attendance_note, world, world["team_a"]) == {"staff"}


def test_who_sees_attendance_rates(world):
    assert _allowed(rules.can_view_attendance, world) == STAFF_AND_FACULTY


def test_who_publishes_withdraws_books_and_cancels_slots(world):
    assert _allowed(rules.can_publish_slot, world) == STAFF_AND_FACULTY
    assert _allowed(rules.can_withdraw_slot, world, world["slot"]) == {"staff", "coach"}
    assert _allowed(rules.can_book_slot, world) == TEAM_PEOPLE
    assert _allowed(rules.can_cancel_booking, world, world["booking"]) == {
        "staff",
        "coach",
        "ac_member_in_group",
        "ac_member",
    }


# --- from the outside ---------------------------------------------------------------------------


def _status(client, user, url, method="get"):
    client.logout()
    if user:
        client.force_login(user)
    return getattr(client, method)(url).status_code


def test_pages_from_the_outside(client, world):
    p = world["people"]
    detail = reverse("event_detail", args=[world["affinity_event"].pk])
    attendance = reverse("attendance_take", args=[world["affinity_event"].pk])
    cases = [
        (None, detail, 302),
        (p["ac_member"], detail, 403),
        (p["member_a"], detail, 403),
        (p["faculty"], detail, 403),
        (p["ac_member_in_group"], detail, 200),
        (p["facilitator"], detail, 200),
        (p["staff"], detail, 200),
        (None, attendance, 302),
        (p["ac_member_in_group"], attendance, 403),
        (p["facilitator"], attendance, 200),
        (p["member_a"], reverse("calendar_manage"), 403),
        (p["faculty"], reverse("calendar_manage"), 403),
        (p["staff"], reverse("calendar_manage"), 200),
        (p["member_a"], reverse("attendance_overview"), 403),
        (p["faculty"], reverse("attendance_overview"), 200),
        (p["applicant"], reverse("coaching"), 403),
        (p["ac_member"], reverse("coaching"), 200),
        (p["coach"], reverse("coaching"), 200),
        (p["member_a"], reverse("event_edit", args=[world["cohort_event"].pk]), 403),
        (p["staff"], reverse("event_edit", args=[world["cohort_event"].pk]), 200),
        (p["member_a"], reverse("event_detail", args=[999999]), 404),
        (p["faculty"], reverse("attendance_team", args=[world["team_a"].slug]), 200),
        (p["member_a"], reverse("attendance_team", args=[world["team_a"].slug]), 403),
    ]
    for user, url, expected in cases:
        assert _status(client, user, url) == expected, (user, url)


def test_posts_from_the_outside(client, world):
    p = world["people"]
    cases = [
        (None, reverse("calendar_generate"), 302),
        (p["faculty"], reverse("calendar_generate"), 403),
        (p["member_a"], reverse("attendance_note", args=[world["team_a"].slug]), 403),
        (p["member_a"], reverse("booking_cancel", args=[world["booking"].pk]), 403),
        (p["faculty"], reverse("slot_withdraw", args=[world["slot"].pk]), 403),
        (p["applicant"], reverse("slot_book", args=[world["slot"].pk]), 403),
    ]
    for user, url, expected in cases:
        assert _status(client, user, url, "post") == expected, (user, url)


def test_an_affinity_events_page_shows_no_member_to_a_member(client, world):
    """Members see the event, never the list of who else is in the group."""
    other = world["people"]["member_a"]
    event = world["affinity_event"]
    client.force_login(world["people"]["ac_member_in_group"])
    body = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "Who is expected" not in body
    assert other.email not in body


def test_an_affinity_event_is_not_in_an_outsiders_feed(client, world):
    import icalendar

    from pursuing_equity.events.services import feed_for

    outsider = world["people"]["ac_member"]
    body = client.get(reverse("calendar_feed", args=[feed_for(outsider).token])).content
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert f"event-{world['affinity_event'].pk}@pursuing-equity" not in uids
    insider = world["people"]["ac_member_in_group"]
    body = client.get(reverse("calendar_feed", args=[feed_for(insider).token])).content
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert f"event-{world['affinity_event'].pk}@pursuing-equity" in uids

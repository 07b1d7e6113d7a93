"""calendar_generate: the program file's grids become events, month by month, for each audience."""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events.generation import calendar_generate
from pursuing_equity.events.models import Attendance, Event
from pursuing_equity.events.services import event_update
from pursuing_equity.programs.dates import format_month
from pursuing_equity.programs.models import ActivityMonth
from pursuing_equity.programs.tests.test_program_file import (
    ACTION_COMMUNITY_GRID,
    LEARNING_NETWORK_FILE_GRID,
)

ET = ZoneInfo("America/New_York")
A = Event.Audience
pytestmark = pytest.mark.django_db


def _grid(events) -> list[str]:
    """Events as the seed's grid writes them: "YYYY-MM", with "*" for in person."""
    return sorted(
        format_month(e.starts_at.astimezone(ET).date())
        + ("*" if e.modality == Event.Modality.IN_PERSON else "")
        for e in events
    )


def _by_audience(cycle, kind):
    groups = defaultdict(list)
    for event in cycle.events.filter(kind=kind):
        target = event.small_cohort_id or event.team_id or event.affinity_group or event.cohort_id
        groups[(event.audience, target)].append(event)
    return groups


@pytest.fixture
def generated(program):
    calendar_generate(actor=program.staff, cycle=program.cycle)
    return program


def test_every_audience_gets_the_seed_grid_month_by_month(generated):
    p = generated
    cycle = p.cycle
    expected_audiences = {
        "groundwater_training": {(A.COHORT, p.ln.pk): "ln", (A.COHORT, p.ac.pk): "ac"},
        "ln_all_team_meetings": {(A.COHORT, p.ln.pk): "ln"},
        "ln_group_coaching": {(A.SMALL_COHORT, sc.pk): "ln" for sc in p.small_cohorts},
        "ac_kickoff": {(A.COHORT, p.ac.pk): "ac"},
        "ac_coaching": {(A.TEAM, t.pk): "ac" for t in p.ac_teams},
        "ac_learning_sessions": {(A.COHORT, p.ac.pk): "ac"},
        "ac_all_team_calls": {(A.COHORT, p.ac.pk): "ac"},
        # The Action Community has no small cohorts: its group coaching is for all its teams.
        "ac_group_coaching": {(A.COHORT, p.ac.pk): "ac"},
        "ac_affinity_groups": {
            (A.AFFINITY_GROUP, "people_of_color"): "ac",
            (A.AFFINITY_GROUP, "white"): "ac",
        },
        "ac_leadership_workgroup": {(A.LEADERS, p.ac.pk): "ac"},
    }
    grids = {"ln": LEARNING_NETWORK_FILE_GRID, "ac": ACTION_COMMUNITY_GRID}
    assert set(expected_audiences) == {a.key for a in cycle.activities.all()}
    for kind, audiences in expected_audiences.items():
        found = _by_audience(cycle, kind)
        assert set(found) == set(audiences), kind
        for audience, cohort in audiences.items():
            assert _grid(found[audience]) == sorted(grids[cohort][kind]), (kind, audience)


def test_events_match_the_activity_months_table(generated):
    cycle = generated.cycle
    for row in ActivityMonth.objects.filter(activity__cycle=cycle).select_related("activity"):
        events = [
            e
            for e in cycle.events.filter(kind=row.activity.key)
            if e.starts_at.astimezone(ET).date().replace(day=1) == row.month
            and (e.cohort_id == row.cohort_id or e.audience == A.AFFINITY_GROUP)
        ]
        assert events, row
        for event in events:
            assert (event.modality == Event.Modality.IN_PERSON) == row.in_person, event


def test_no_events_outside_the_grid_besides_the_forum_meetup(generated):
    cycle = generated.cycle
    months = {
        (r.activity.key, r.month)
        for r in ActivityMonth.objects.filter(activity__cycle=cycle).select_related("activity")
    }
    for event in cycle.events.exclude(kind="forum_meetup"):
        assert (event.kind, event.starts_at.astimezone(ET).date().replace(day=1)) in months


def test_durations_come_from_the_program(generated):
    cycle = generated.cycle

    def lengths(kind):
        return {e.ends_at - e.starts_at for e in cycle.events.filter(kind=kind)}

    assert lengths("ln_all_team_meetings") == {datetime.timedelta(hours=2)}
    assert lengths("ac_all_team_calls") == {datetime.timedelta(hours=2)}
    assert lengths("ln_group_coaching") == {datetime.timedelta(minutes=60)}
    assert lengths("ac_group_coaching") == {datetime.timedelta(minutes=60)}
    # Groundwater training: 3 hours (the program file's calendar; the seed gives no length).
    assert lengths("groundwater_training") == {datetime.timedelta(hours=3)}
    for session in cycle.events.filter(kind="ac_learning_sessions"):
        starts, ends = session.starts_at.astimezone(ET), session.ends_at.astimezone(ET)
        assert (ends.date() - starts.date()).days == 2  # three days
        assert (starts.hour, ends.hour) == (9, 17)


def test_default_day_and_time_is_second_tuesday_1_to_3_pm_eastern(generated):
    first = generated.cycle.events.filter(kind="ln_all_team_meetings").order_by("starts_at")[0]
    local = first.starts_at.astimezone(ET)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2023, 1, 10), 13, 0)
    assert first.ends_at.astimezone(ET).hour == 15
    assert first.starts_at.utcoffset() == datetime.timedelta(0)  # stored in UTC


def test_in_person_events_are_in_boston_and_virtual_ones_by_video_call(generated):
    cycle = generated.cycle
    in_person = cycle.events.filter(modality=Event.Modality.IN_PERSON).exclude(kind="forum_meetup")
    assert in_person.count() == 2 + 2 * 2  # 2 Learning Sessions, 2 affinity groups × 2 months
    assert {e.location for e in in_person} == {"Boston, MA"}
    assert {e.location for e in cycle.events.filter(modality=Event.Modality.VIRTUAL)} == {"Zoom"}


def test_in_person_affinity_groups_meet_during_the_learning_session(generated):
    cycle = generated.cycle
    session = cycle.events.get(kind="ac_learning_sessions", starts_at__month=3)
    for group in cycle.events.filter(
        kind="ac_affinity_groups", modality="in_person", starts_at__month=3
    ):
        assert session.starts_at < group.starts_at < group.ends_at < session.ends_at


def test_the_optional_ihi_forum_meetup_is_in_december_2023(generated):
    meetup = generated.cycle.events.get(kind="forum_meetup")
    assert meetup.audience == A.CYCLE
    assert meetup.optional
    assert meetup.modality == Event.Modality.IN_PERSON
    assert format_month(meetup.starts_at.astimezone(ET).date()) == "2023-12"
    # Venue and details are the program file's, like every other fact of the calendar.
    facts = generated.cycle.document["forum_meetup"]
    assert meetup.venue == facts["venue"] and meetup.venue
    assert meetup.notes == facts["details"] and meetup.notes
    assert meetup.location == generated.cycle.document["calendar"]["forum_meetup"]["location"]


def test_coaches_facilitate_their_small_cohorts_and_teams(generated):
    p = generated
    for event in p.cycle.events.filter(audience__in=[A.SMALL_COHORT, A.TEAM]):
        assert list(event.facilitators.all()) == [p.coach]


def test_generating_again_changes_nothing(generated):
    p = generated
    before = list(p.cycle.events.order_by("pk").values())
    result = calendar_generate(actor=p.staff, cycle=p.cycle)
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert result.unchanged == len(before)
    assert list(p.cycle.events.order_by("pk").values()) == before
    assert AuditEntry.objects.filter(action="calendar.generated").count() == 2


def test_generation_keeps_staff_edits(generated):
    p = generated
    event = p.cycle.events.filter(kind="ln_all_team_meetings").first()
    event_update(actor=p.staff, event=event, venue="", title="Kick-off all-team call")
    result = calendar_generate(actor=p.staff, cycle=p.cycle)
    event.refresh_from_db()
    assert event.title == "Kick-off all-team call"
    assert result.kept_edited == 1


def test_a_new_team_gets_its_coaching_sessions_on_the_next_run(generated):
    from pursuing_equity.events.tests.factories import TeamFactory

    p = generated
    team = TeamFactory(cycle=p.cycle, cohort=p.ac, name="Late team")
    result = calendar_generate(actor=p.staff, cycle=p.cycle)
    assert result.created == len(ACTION_COMMUNITY_GRID["ac_coaching"])
    assert p.cycle.events.filter(team=team).count() == len(ACTION_COMMUNITY_GRID["ac_coaching"])


def test_events_no_longer_asked_for_are_removed_unless_attendance_was_taken(generated):
    p = generated
    # The program file drops two months of all-team meetings (as a reload would).
    dropped = ActivityMonth.objects.filter(
        activity__key="ln_all_team_meetings", month__in=["2023-01-01", "2023-03-01"]
    )
    assert dropped.count() == 2
    dropped.delete()
    january = p.cycle.events.filter(kind="ln_all_team_meetings").order_by("starts_at")[0]
    Attendance.objects.create(event=january, user=p.members_of(p.ln_teams[0])[0], present=True)
    result = calendar_generate(actor=p.staff, cycle=p.cycle)
    assert (result.removed, result.kept_edited) == (1, 1)
    assert p.cycle.events.filter(pk=january.pk).exists()
    assert p.cycle.events.filter(kind="ln_all_team_meetings").count() == 9 - 1


def test_a_changed_default_time_moves_untouched_events_and_tells_their_people(generated):
    p = generated
    document = p.cycle.document
    document["calendar"]["defaults"]["ln_all_team_meetings"]["start"] = "14:00"
    p.cycle.document = document
    p.cycle.save()
    mail.outbox.clear()
    result = calendar_generate(actor=p.staff, cycle=p.cycle)
    assert result.updated == len(LEARNING_NETWORK_FILE_GRID["ln_all_team_meetings"])
    event = p.cycle.events.filter(kind="ln_all_team_meetings").order_by("starts_at")[0]
    assert event.starts_at.astimezone(ET).hour == 14
    assert event.sequence == 1
    ln_people = {m.user.email for t in p.ln_teams for m in t.members.select_related("user")}
    assert ln_people <= {m.to[0] for m in mail.outbox}


def test_demo_dates_shift_the_calendar_with_the_program(db):
    from pursuing_equity.events.tests.factories import make_program

    p = make_program(shift_months=12)
    calendar_generate(actor=None, cycle=p.cycle)
    first = p.cycle.events.filter(kind="ln_all_team_meetings").order_by("starts_at")[0]
    assert first.starts_at.astimezone(ET).date() == datetime.date(2024, 1, 9)  # 2nd Tuesday

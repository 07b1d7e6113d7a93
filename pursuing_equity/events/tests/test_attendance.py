"""Taking attendance (form and Zoom report), rates per team and person, falling attendance."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events.attendance_taking import attendance_note_send, attendance_take
from pursuing_equity.events.models import Attendance, Event, ZoomImport
from pursuing_equity.events.selectors import attendance_overview, attendance_summary_for_team
from pursuing_equity.events.tests.factories import past_event

pytestmark = pytest.mark.django_db
A = Event.Audience


@pytest.fixture
def call(program):
    """A past all-team call of the Learning Network (4 teams × 3 people), its coach facilitating."""
    event = past_event(program.cycle, cohort=program.ln)
    event.facilitators.add(program.coach)
    return event


def test_attendance_records_present_and_absent_for_everyone_expected(program, call):
    team = program.ln_teams[0]
    here = program.members_of(team)[:2]
    attendance_take(actor=program.coach, event=call, present={u.pk for u in here})
    records = Attendance.objects.filter(event=call)
    assert records.count() == 12
    assert {r.user_id for r in records if r.present} == {u.pk for u in here}
    assert records.get(user=here[0]).team == team
    call.refresh_from_db()
    assert call.attendance_taken_at is not None
    assert AuditEntry.objects.filter(action="attendance.taken", object_id=str(call.pk)).exists()


def test_taking_attendance_again_replaces_it(program, call):
    user = program.members_of(program.ln_teams[0])[0]
    attendance_take(actor=program.coach, event=call, present={user.pk})
    attendance_take(actor=program.coach, event=call, present=set())
    assert not Attendance.objects.filter(event=call, present=True).exists()
    assert Attendance.objects.filter(event=call).count() == 12


def test_only_expected_people_can_be_present(program, call):
    outsider = program.members_of(program.ac_teams[0])[0]
    with pytest.raises(ValidationError):
        attendance_take(actor=program.coach, event=call, present={outsider.pk})


def test_no_attendance_for_a_future_event(program):
    event = past_event(program.cycle, cohort=program.ln, days_ago=-3)
    with pytest.raises(ValidationError, match="not started"):
        attendance_take(actor=program.coach, event=event, present=set())


def _take(program, team_rates: dict, *, days_ago: int):
    """An LN call ``days_ago`` where each team in ``team_rates`` had that many of 3 present."""
    event = past_event(program.cycle, cohort=program.ln, days_ago=days_ago)
    present = set()
    for team, count in team_rates.items():
        present |= {u.pk for u in program.members_of(team)[:count]}
    attendance_take(actor=program.staff, event=event, present=present)
    return event


def test_rates_per_team_and_person(program):
    team = program.ln_teams[0]
    _take(program, {team: 3}, days_ago=20)
    _take(program, {team: 1}, days_ago=10)
    summary = attendance_summary_for_team(team)
    assert (summary.events_counted, summary.attended, summary.expected) == (2, 4, 6)
    assert summary.rate == pytest.approx(4 / 6)
    assert summary.event_rates == pytest.approx([1.0, 1 / 3])
    first = program.members_of(team)[0]
    person = next(p for p in summary.people if p.user_id == first.pk)
    assert (person.attended, person.expected, person.rate) == (2, 2, 1.0)


def test_optional_and_cancelled_events_do_not_count(program):
    team = program.ln_teams[0]
    _take(program, {team: 3}, days_ago=20)
    optional = _take(program, {team: 0}, days_ago=10)
    Event.objects.filter(pk=optional.pk).update(optional=True)
    assert attendance_summary_for_team(team).events_counted == 1


def test_the_overview_counts_in_the_database_what_each_team_page_counts(program):
    """The overview counts members and those present per event in SQL; the team page reads its
    people. Both give the same totals, rates and trend for every team."""
    for days_ago, counts in ((40, (3, 2, 0)), (30, (1, 3, 2)), (20, (2, 0, 3)), (10, (0, 1, 1))):
        _take(program, dict(zip(program.ln_teams, counts, strict=False)), days_ago=days_ago)
    rows = {r.team: r for r in attendance_overview(program.cycle)}
    for team, row in rows.items():
        page = attendance_summary_for_team(team)
        assert (row.events_counted, row.attended, row.expected, row.event_rates) == (
            page.events_counted,
            page.attended,
            page.expected,
            page.event_rates,
        )
        assert row.trend == page.trend
        assert row.people == []
    assert rows[program.ln_teams[0]].attended == 6


def test_a_team_whose_attendance_falls_is_flagged(program):
    falling, steady = program.ln_teams[0], program.ln_teams[1]
    for days_ago, count in zip(range(60, 0, -10), [3, 3, 3, 2, 2, 1], strict=True):
        _take(program, {falling: count, steady: 3}, days_ago=days_ago)
    rows = {r.team: r for r in attendance_overview(program.cycle)}
    # From 100 % to 56 %: down 44 points (above 50 %, so it is the drop that counts).
    assert rows[falling].falling
    assert rows[falling].trend.reason == "Last 3 events: 56%, down 44 points from 100%."
    assert not rows[steady].falling
    # The two teams that never came are below 50 %.
    assert [rows[t].falling for t in program.ln_teams[2:]] == [True, True]
    # Action Community teams: no event counted, nothing to say.
    assert [(rows[t].events_counted, rows[t].falling) for t in program.ac_teams] == [(0, False)] * 2
    assert list(rows)[:3] == [*program.ln_teams[2:], falling]  # falling first, lowest rate first


def test_summary_for_team_uses_a_fixed_number_of_queries(program, django_assert_num_queries):
    team = program.ln_teams[0]
    for days_ago in (30, 20, 10):
        _take(program, {team: 2}, days_ago=days_ago)
    with django_assert_num_queries(3):
        attendance_summary_for_team(team)


def test_staff_send_a_note_to_a_team(program):
    team = program.ln_teams[0]
    mail.outbox.clear()
    sent = attendance_note_send(
        actor=program.staff, team=team, subject="We miss you", message="Join the next call!"
    )
    assert sent == 3
    assert {m.to[0] for m in mail.outbox} == {u.email for u in program.members_of(team)}
    assert mail.outbox[0].subject == "[Pursuing Equity] We miss you"
    assert AuditEntry.objects.filter(action="attendance.note_sent").exists()


# --- pages --------------------------------------------------------------------------------------


def test_the_coach_takes_attendance_with_the_form(client, program, call):
    client.force_login(program.coach)
    url = reverse("attendance_take", args=[call.pk])
    page = client.get(url)
    assert page.status_code == 200
    first = program.members_of(program.ln_teams[0])[0]
    response = client.post(url, {f"present_{first.pk}": "on"})
    assert response.status_code == 302
    assert Attendance.objects.get(event=call, user=first).present
    assert Attendance.objects.filter(event=call, present=True).count() == 1


def _csv(rows: str) -> SimpleUploadedFile:
    header = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    return SimpleUploadedFile("participants.csv", (header + rows).encode(), "text/csv")


def test_zoom_report_matched_by_email_with_a_review_of_unmatched_rows(client, program, call):
    client.force_login(program.coach)
    team = program.ln_teams[0]
    a, b, c = program.members_of(team)
    rows = (
        f"{a.full_name},{a.email.upper()},1:00 PM,3:00 PM,120,No\n"
        f"Someone,personal@gmail.example,1:00 PM,2:00 PM,60,Yes\n"
        f"Stranger,stranger@example.net,1:00 PM,1:10 PM,10,Yes\n"
    )
    response = client.post(reverse("zoom_upload", args=[call.pk]), {"report": _csv(rows)})
    upload = ZoomImport.objects.get(event=call)
    assert response.status_code == 302
    assert response["Location"] == reverse("zoom_review", args=[call.pk, upload.pk])
    assert not Attendance.objects.exists()  # nothing saved before the review

    review = client.get(response["Location"])
    body = review.content.decode()
    assert "personal@gmail.example" in body and "stranger@example.net" in body
    assert review.status_code == 200

    response = client.post(response["Location"], {"row_1": str(b.pk), "row_2": ""})
    assert response.status_code == 302
    present = dict(Attendance.objects.filter(event=call).values_list("user_id", "present"))
    assert (present[a.pk], present[b.pk], present[c.pk]) == (True, True, False)
    assert Attendance.objects.get(event=call, user=a).minutes == 120
    assert Attendance.objects.get(event=call, user=a).source == "zoom"
    upload.refresh_from_db()
    assert upload.confirmed_at is not None
    assert client.get(reverse("zoom_review", args=[call.pk, upload.pk])).status_code == 404


def test_a_bad_zoom_file_is_answered_next_to_the_field(client, program, call):
    client.force_login(program.coach)
    bad = SimpleUploadedFile(
        "participants.csv",
        b"Name (Original Name),User Email,Duration (Minutes)\nAna,ana@example.org,lots\n",
    )
    response = client.post(reverse("zoom_upload", args=[call.pk]), {"report": bad})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Row 2, column “Duration (Minutes)”" in body
    assert not ZoomImport.objects.exists()


def test_a_binary_file_is_answered_not_a_500(client, program, call):
    client.force_login(program.coach)
    junk = SimpleUploadedFile("report.xlsx", b"PK\x03\x04\x00\x00\x00\xff\xfe")
    response = client.post(reverse("zoom_upload", args=[call.pk]), {"report": junk})
    assert response.status_code == 400
    assert "not a CSV text file" in response.content.decode()
    response = client.post(reverse("zoom_upload", args=[call.pk]), {})
    assert response.status_code == 400


def test_staff_see_falling_teams_and_send_a_note(client, program):
    team = program.ln_teams[0]
    for days_ago in (30, 20, 10):
        _take(program, {team: 1}, days_ago=days_ago)
    client.force_login(program.staff)
    overview = client.get(reverse("attendance_overview")).content.decode()
    assert "Teams whose attendance is falling" in overview
    assert reverse("attendance_team", args=[team.slug]) in overview.split("every-team")[0]
    mail.outbox.clear()
    response = client.post(
        reverse("attendance_note", args=[team.slug]),
        {"subject": "Attendance", "message": "We hope to see you at the next call."},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 3
    response = client.post(reverse("attendance_note", args=[team.slug]), {"subject": "x"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_future_events_are_not_offered_for_attendance(client, program):
    past_event(program.cycle, cohort=program.ln, days_ago=-2, title="Next week's call")
    client.force_login(program.staff)
    assert "Next week" not in client.get(reverse("attendance_overview")).content.decode()

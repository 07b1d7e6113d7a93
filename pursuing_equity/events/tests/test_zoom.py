"""Reading Zoom participant reports: the common variants, and bad files told clearly."""

import pytest

from pursuing_equity.events.zoom import parse

STANDARD = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
    "Recording Consent,In Waiting Room\n"
    "Ana Díaz (Ana),ana@example.org,05/09/2023 01:00:12 PM,05/09/2023 02:58:01 PM,118,No,,No\n"
    "Ben Okafor,BEN@example.org,05/09/2023 01:02:00 PM,05/09/2023 01:40:00 PM,38,No,,No\n"
    "Ben Okafor,ben@example.org,05/09/2023 01:45:00 PM,05/09/2023 03:00:00 PM,75,No,,No\n"
    "Dial-in 617,,05/09/2023 01:05:00 PM,05/09/2023 02:00:00 PM,55,Yes,,No\n"
)

WITH_MEETING_DATA = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "812 3456 7890,All-Team Call,05/09/2023 12:58:00 PM,05/09/2023 03:01:00 PM,"
    "host@example.org,123,3\n"
    "\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Ana Díaz,ana@example.org,05/09/2023 01:00:12 PM,05/09/2023 02:58:01 PM,118,No\n"
)

OLDER_LOWERCASE_SEMICOLONS = (
    "Name (original name);Email;Join time;Leave time;Duration (minutes)\n"
    "Zoë Ng;zoe@example.org;2023-05-09 13:00;2023-05-09 15:00;120\n"
)

TOTAL_DURATION = (
    "Participant,Attendee Email,Total Duration (Minutes),Guest\nAna,ana@example.org,90,No\n"
)


def test_the_standard_report():
    report = parse(STANDARD.encode("utf-8"))
    assert report.ok
    rows = {r.email or r.name: r for r in report.rows}
    assert rows["ana@example.org"].name == "Ana Díaz"
    assert rows["ana@example.org"].minutes == 118
    assert rows["ana@example.org"].guest is False
    assert rows["ben@example.org"].minutes == 38 + 75  # left and joined again: added up
    assert rows["Dial-in 617"].email == "" and rows["Dial-in 617"].guest is True
    assert rows["ben@example.org"].row == 3  # the spreadsheet's row of the first visit


def test_a_byte_order_mark_and_windows_line_endings():
    data = "\ufeff".encode() + STANDARD.replace("\n", "\r\n").encode("utf-8")
    assert len(parse(data).rows) == 3


def test_a_report_exported_with_meeting_data():
    report = parse(WITH_MEETING_DATA.encode("utf-8"))
    assert report.ok
    assert [(r.email, r.minutes, r.row) for r in report.rows] == [("ana@example.org", 118, 5)]


def test_excel_windows_1252_with_semicolons_and_lowercase_headers():
    report = parse(OLDER_LOWERCASE_SEMICOLONS.encode("cp1252"))
    assert report.ok
    assert [(r.name, r.email, r.minutes) for r in report.rows] == [
        ("Zoë Ng", "zoe@example.org", 120)
    ]


def test_other_header_names():
    report = parse(TOTAL_DURATION.encode())
    assert [(r.email, r.minutes) for r in report.rows] == [("ana@example.org", 90)]


def test_hours_minutes_seconds_durations():
    data = "Name,Email,Duration\nAna,ana@example.org,01:30:20\n"
    assert parse(data.encode()).rows[0].minutes == 90


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (b"PK\x03\x04\x00\x00binary spreadsheet", "This is not a CSV text file"),
        (b"Name,Join Time\nAna,1 PM\n", "Row 1: No participants' header found"),
        (b"Name,User Email,Duration (Minutes)\n", "The report lists no participants."),
    ],
)
def test_bad_files_are_explained(data, message):
    report = parse(data)
    assert not report.ok
    assert str(report.problems[0]).startswith(message)


def test_a_bad_duration_names_its_row_and_column():
    data = "Name (Original Name),User Email,Duration (Minutes)\nAna,ana@example.org,abc\n"
    report = parse(data.encode())
    assert [str(p) for p in report.problems] == [
        "Row 2, column “Duration (Minutes)”: “abc” is not a number of minutes."
    ]


def test_a_bad_email_names_its_row_and_column():
    data = "Name,User Email,Duration (Minutes)\nAna,ana-at-example,3\nBo,bo@example.org,4\n"
    report = parse(data.encode())
    assert [str(p) for p in report.problems] == [
        "Row 2, column “User Email”: “ana-at-example” is not an email address."
    ]


def test_a_short_row_is_reported():
    data = "Name,User Email,Duration (Minutes)\nAna\n"
    assert str(parse(data.encode()).problems[0]).startswith("Row 2: has 1 values")


def test_a_huge_file_is_refused():
    assert "larger than 2 MB" in str(parse(b"a" * 2_000_001).problems[0])

import datetime

import pytest

from pursuing_equity.programs import text

DOC = {
    "time_zone_label": "ET",
    "cycle": {"start_month": "2023-01"},
    "deadline": datetime.date(2022, 11, 1),
    "stored_deadline": "2022-11-01",
    "fee": 30000,
    "email": "pursuingequity@ihi.org",
    "activities": [{"key": "coaching", "minutes": 60}],
    "call": {"starts_at": "2022-09-21T15:00:00", "ends_at": "2022-09-21T16:00:00"},
    "late_call": {
        "starts_at": datetime.datetime(2022, 9, 21, 11, 30),
        "ends_at": datetime.datetime(2022, 9, 21, 12, 30),
    },
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("by {date:deadline}", "by November 1, 2022"),
        ("by {date:stored_deadline}", "by November 1, 2022"),
        ("through {day:deadline}", "through November 1"),
        ("in {month:cycle.start_month}", "in January 2023"),
        ("{year:cycle.start_month}", "2023"),
        ("typically {usd:fee} per team", "typically $30,000 per team"),
        ("email {text:email}", "email pursuingequity@ihi.org"),
        ("for {value:activities.coaching.minutes} minutes", "for 60 minutes"),
        ("for {value:activities.0.minutes} minutes", "for 60 minutes"),
        ("on {call:call}", "on Wednesday, September 21, 2022 (3-4 PM ET)"),
        ("on {call:late_call}", "on Wednesday, September 21, 2022 (11:30 AM-12:30 PM ET)"),
        ("no placeholders", "no placeholders"),
    ],
)
def test_placeholders_are_filled_from_the_document(template, expected):
    assert text.check(template, DOC) == []
    assert text.render(template, DOC) == expected


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{date:nowhere}", "the file has nothing at nowhere"),
        ("{date:fee}", "needs a date"),
        ("{usd:email}", "usd needs a number"),
        ("{shout:email}", "unknown format 'shout'"),
        ("{value:activities.missing.minutes}", "the file has nothing at"),
    ],
)
def test_broken_placeholders_are_reported(template, problem):
    problems = text.check(template, DOC)
    assert len(problems) == 1 and problem in problems[0]

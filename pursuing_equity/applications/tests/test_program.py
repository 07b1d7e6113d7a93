"""Application rules come from the program file."""

import datetime

import pytest

from pursuing_equity.applications import program
from pursuing_equity.programs.tests.factories import load_cycle


def test_deadline_is_end_of_day_eastern():
    end = program.end_of_day(datetime.date(2022, 10, 21), "America/New_York")
    assert end == datetime.datetime(2022, 10, 22, 4, 0, tzinfo=datetime.UTC)
    assert program.is_open(
        datetime.date(2022, 10, 21), "America/New_York", end - datetime.timedelta(seconds=1)
    )
    assert not program.is_open(datetime.date(2022, 10, 21), "America/New_York", end)


@pytest.mark.django_db
def test_rules_are_read_from_the_program_file():
    cycle = load_cycle()
    ac = cycle.cohorts.get(key="action_community")
    ln = cycle.cohorts.get(key="learning_network")
    assert program.team_rules(ac) == program.TeamRules(3, 7, True)
    assert program.team_rules(ln) == program.TeamRules(3, 7, False)
    assert [(m.key, m.signatories) for m in program.required_letters(ac)] == [
        ("ceo_letter", ("CEO",)),
        ("board_chair_letter", ("Board Chair",)),
    ]
    assert [(m.key, m.signatories) for m in program.required_letters(ln)] == [
        ("ceo_letter", ("CEO",))
    ]
    video = program.video_rules(ac)
    assert (video.min_seconds, video.max_seconds, video.choose_min, video.choose_max) == (
        300,
        900,
        2,
        3,
    )
    assert len(video.required_items) == 4
    assert program.video_rules(ln) is None
    assert program.fallback_cohort_key(ac) == "learning_network"
    assert program.fallback_cohort_key(ln) is None

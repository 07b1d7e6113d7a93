"""manage.py load_program: what it prints, and its exit status."""

import copy
import datetime
import io
import subprocess
import sys
import tomllib

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from pursuing_equity.programs.models import Cycle
from pursuing_equity.programs.tests.factories import PROGRAM_FILE
from pursuing_equity.programs.tests.tomlwrite import dumps

GOOD = tomllib.loads(PROGRAM_FILE.read_text(encoding="utf-8"))


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_program", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def broken_file(tmp_path):
    document = copy.deepcopy(GOOD)
    document["cohorts"].pop("action_community")
    document.pop("faq")  # its answers would add one error per placeholder into the cohort
    document["cohorts"]["learning_network"]["team"]["min_size"] = 0
    path = tmp_path / "broken.toml"
    path.write_text(dumps(document), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_prints_created_then_unchanged_then_the_changes(tmp_path):
    assert run(str(PROGRAM_FILE)) == ("pursuing-equity-2023: created", "")
    assert run(str(PROGRAM_FILE)) == ("pursuing-equity-2023: unchanged", "")
    document = copy.deepcopy(GOOD)
    document["cohorts"]["action_community"]["capacity"] = 12
    changed = tmp_path / "changed.toml"
    changed.write_text(dumps(document), encoding="utf-8")
    assert run(str(changed)) == (
        "pursuing-equity-2023: updated: 1 change: cohorts.action_community.capacity",
        "",
    )


@pytest.mark.django_db
def test_demo_dates_put_today_in_the_ninth_month(monkeypatch):
    today = datetime.date(2025, 11, 25)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    out, _ = run(str(PROGRAM_FILE), "--demo-dates")
    assert out == "pursuing-equity-2023: created (demo dates: shifted +26 months)"
    assert Cycle.objects.get().month_number(today) == 9


@pytest.mark.django_db
def test_shift_months_moves_the_dates():
    out, _ = run(str(PROGRAM_FILE), "--shift-months", "12")
    assert out.endswith("(demo dates: shifted +12 months)")
    assert Cycle.objects.get().starts_on == datetime.date(2024, 1, 1)


@pytest.mark.django_db
def test_a_broken_file_lists_every_error_on_stderr_and_fails(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_program", str(broken_file(tmp_path)), stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert any(line.startswith("cohorts.action_community: is missing") for line in lines)
    assert "cohorts.learning_network.team.min_size: must be at least 1 (found 0)" in lines
    assert out.getvalue() == ""
    assert not Cycle.objects.exists()


def test_the_command_exits_with_status_1_on_a_broken_file(tmp_path):
    # Validation fails before the database is touched, so this runs without a test database.
    completed = subprocess.run(
        [sys.executable, "manage.py", "load_program", str(broken_file(tmp_path))],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1
    assert (
        "cohorts.learning_network.team.min_size: must be at least 1 (found 0)" in completed.stderr
    )
    assert completed.stderr.strip().endswith("broken.toml: 2 errors; nothing was loaded.")


def test_demo_dates_and_shift_months_together_are_refused():
    with pytest.raises(CommandError):
        call_command("load_program", str(PROGRAM_FILE), "--demo-dates", "--shift-months", "3")


@pytest.mark.django_db
def test_the_seeds_printed_coaching_months_are_loaded_with_a_warning(tmp_path):
    """The seed's grid puts Learning Network group coaching in all-team months from July 2023 on,
    while its text says they alternate: a warning (the file still loads), on stderr."""
    document = copy.deepcopy(GOOD)
    coaching = next(a for a in document["activities"] if a["key"] == "ln_group_coaching")
    coaching["schedule"]["learning_network"]["months"] = [
        "2023-04",
        "2023-06",
        "2023-07",
        "2023-09",
        "2023-11",
        "2024-01",
        "2024-03",
        "2024-05",
    ]
    path = tmp_path / "as-printed.toml"
    path.write_text(dumps(document), encoding="utf-8")
    out, err = run(str(path))
    assert out == "pursuing-equity-2023: created"
    assert err.startswith("warning: activities.2.schedule.learning_network.months: ")
    assert "Group Coaching Virtual Meetings should alternate with All-Team Virtual Meetings" in err
    assert "2023-07, 2023-09, 2023-11, 2024-01, 2024-03, 2024-05" in err
    assert Cycle.objects.filter(slug="pursuing-equity-2023").exists()


def test_the_program_file_follows_the_text_so_it_loads_without_warnings():
    from pursuing_equity.programs.checks import warnings

    assert warnings(GOOD) == []
    coaching = next(a for a in GOOD["activities"] if a["key"] == "ln_group_coaching")
    meetings = next(a for a in GOOD["activities"] if a["key"] == "ln_all_team_meetings")
    assert coaching["alternates_with"] == "ln_all_team_meetings"
    assert not set(coaching["schedule"]["learning_network"]["months"]) & set(
        meetings["schedule"]["learning_network"]["months"]
    )

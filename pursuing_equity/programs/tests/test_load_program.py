"""program_load: create, leave alone, update with an audit entry; refuse broken files untouched."""

import copy
import datetime
import tomllib

import pytest

from pursuing_equity.accounts.models import User
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs.dates import add_months, demo_shift_for
from pursuing_equity.programs.models import Activity, ActivityMonth, Cohort, Cycle
from pursuing_equity.programs.services import ProgramFileError, program_load
from pursuing_equity.programs.tests.factories import PROGRAM_FILE
from pursuing_equity.programs.tests.tomlwrite import dumps

pytestmark = pytest.mark.django_db
GOOD = tomllib.loads(PROGRAM_FILE.read_text(encoding="utf-8"))
GRID_CROSSES = 2 + 9 + 8 + 2 + 14 + 3 + 7 + 6 + 9 + 6  # every X of both grids


def write(tmp_path, edit=None, name="program.toml"):
    document = copy.deepcopy(GOOD)
    if edit:
        edit(document)
    path = tmp_path / name
    path.write_text(dumps(document), encoding="utf-8")
    return path


def snapshot():
    """Everything the loader writes, to show that nothing changed."""
    return (
        list(Cycle.objects.values()),
        list(Cohort.objects.values()),
        list(Activity.objects.values()),
        list(ActivityMonth.objects.values()),
        AuditEntry.objects.count(),
    )


def test_first_load_creates_the_cycle_its_cohorts_activities_and_months():
    result = program_load(path=PROGRAM_FILE)
    cycle = result.cycle
    assert result.status == "created" and result.summary() == "created"
    assert (cycle.slug, cycle.title) == ("pursuing-equity-2023", "2023–2024")
    assert (cycle.starts_on, cycle.ends_on) == (
        datetime.date(2023, 1, 1),
        datetime.date(2024, 6, 30),
    )
    assert cycle.time_zone == "America/New_York" and not cycle.demo_dates
    ln, ac = cycle.cohorts.order_by("position")
    assert (
        ln.key,
        ln.capacity,
        ln.application_deadline,
        ln.rolling_review,
        ln.response_within_days,
    ) == ("learning_network", 40, datetime.date(2022, 11, 1), True, 30)
    assert (ac.key, ac.capacity, ac.application_deadline, ac.decisions_by) == (
        "action_community",
        10,
        datetime.date(2022, 10, 21),
        datetime.date(2022, 12, 5),
    )
    assert cycle.activities.count() == 10
    assert ActivityMonth.objects.count() == GRID_CROSSES
    assert ActivityMonth.objects.filter(in_person=True).count() == 4
    sessions = Activity.objects.get(key="ac_learning_sessions")
    assert (sessions.duration_days, sessions.duration_minutes) == (3, None)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_label, entry.object_id) == (
        "program.created",
        "load_program",
        str(cycle.pk),
    )
    assert cycle.document["cohorts"]["action_community"]["application"]["deadline"] == "2022-10-21"


def test_loading_the_same_file_twice_writes_nothing(django_assert_max_num_queries):
    program_load(path=PROGRAM_FILE)
    before = snapshot()
    with django_assert_max_num_queries(1):
        result = program_load(path=PROGRAM_FILE)
    assert result.status == "unchanged" and result.summary() == "unchanged"
    assert snapshot() == before  # same updated_at, same rows, no new audit entry


def test_a_changed_file_updates_the_cycle_and_records_the_changes(tmp_path):
    program_load(path=PROGRAM_FILE)
    cycle_updated_at = Cycle.objects.get().updated_at

    def edit(d):
        d["cohorts"]["learning_network"]["capacity"] = 45
        all_team = next(a for a in d["activities"] if a["key"] == "ln_all_team_meetings")
        all_team["schedule"]["learning_network"]["months"].remove("2024-05")
        d["activities"] = [a for a in d["activities"] if a["key"] != "ac_kickoff"]
        # Its pre-work checklist goes with it (a checklist must name an existing activity).
        d["checklists"] = [c for c in d["checklists"] if c["activity"] != "ac_kickoff"]

    result = program_load(path=write(tmp_path, edit))
    assert result.status == "updated"
    changed = {c.path for c in result.changes}
    assert "cohorts.learning_network.capacity" in changed
    assert "activities.ln_all_team_meetings.schedule.learning_network.months" in changed
    assert "activities.ac_kickoff.name" in changed
    assert result.summary().startswith(f"updated: {len(changed)} changes: ")
    assert Cohort.objects.get(key="learning_network").capacity == 45
    assert not Activity.objects.filter(key="ac_kickoff").exists()
    assert ActivityMonth.objects.count() == GRID_CROSSES - 1 - 2
    assert Cycle.objects.get().updated_at > cycle_updated_at
    entry = AuditEntry.objects.filter(action="program.updated").get()
    assert entry.before["cohorts.learning_network.capacity"] == 40
    assert entry.after["cohorts.learning_network.capacity"] == 45
    assert entry.after["activities.ac_kickoff.name"] is None
    assert set(entry.changed_keys) == changed


def test_the_acting_user_is_recorded(tmp_path):
    user = User.objects.create_user(email="staff@example.org", password="x")
    program_load(path=PROGRAM_FILE, actor=user)
    entry = AuditEntry.objects.get()
    assert entry.actor == user


def test_demo_dates_put_a_fixed_today_in_the_ninth_month():
    today = datetime.date(2025, 11, 25)
    shift = demo_shift_for(datetime.date(2023, 1, 1), today)
    cycle = program_load(path=PROGRAM_FILE, shift_months=shift).cycle
    assert cycle.month_number(today) == 9
    assert cycle.demo_dates and cycle.date_shift_months == 26
    assert cycle.starts_on == datetime.date(2025, 3, 1)
    assert cycle.title == "2025–2026"
    ac = Cohort.objects.get(key="action_community")
    assert ac.application_deadline == add_months(datetime.date(2022, 10, 21), 26)
    assert ac.decisions_by == datetime.date(2025, 2, 5)
    call = cycle.document["informational_call"]
    assert call["starts_at"] == "2024-11-21T15:00:00"
    sessions = ActivityMonth.objects.filter(activity__key="ac_learning_sessions", in_person=True)
    assert sorted(m.month for m in sessions) == [
        datetime.date(2025, 5, 1),
        datetime.date(2026, 8, 1),
    ]


def test_loading_real_dates_after_demo_dates_moves_everything_back():
    program_load(path=PROGRAM_FILE, shift_months=26)
    result = program_load(path=PROGRAM_FILE)
    assert result.status == "updated"
    assert result.changes[0].path == "date_shift_months"
    assert Cycle.objects.get().starts_on == datetime.date(2023, 1, 1)
    assert Cohort.objects.get(key="learning_network").application_deadline == datetime.date(
        2022, 11, 1
    )


def _drop_action_community(d):
    d["cohorts"].pop("action_community")


def _deadline_after_end(d):
    d["cohorts"]["learning_network"]["application"]["deadline"] = datetime.date(2024, 8, 1)


def _team_size_zero(d):
    d["cohorts"]["action_community"]["team"]["min_size"] = 0


def _unknown_month(d):
    d["activities"][0]["schedule"]["learning_network"]["months"] = ["2023-13"]


def _month_outside(d):
    d["activities"][0]["schedule"]["learning_network"]["months"] = ["2022-12"]


def _wrong_types(d):
    d["cohorts"]["learning_network"]["capacity"] = "forty"
    d["fees"]["free"] = "yes"


def _all_at_once(d):
    for edit in (_drop_action_community, _deadline_after_end, _unknown_month):
        edit(d)
    d["cohorts"]["learning_network"]["team"]["min_size"] = 0


BROKEN = [
    (_drop_action_community, {"cohorts.action_community"}),
    (_deadline_after_end, {"cohorts.learning_network.application.deadline"}),
    (_team_size_zero, {"cohorts.action_community.team.min_size"}),
    (_unknown_month, {"activities.0.schedule.learning_network.months.0"}),
    (_month_outside, {"activities.0.schedule.learning_network.months.0"}),
    (_wrong_types, {"cohorts.learning_network.capacity", "fees.free"}),
    (
        _all_at_once,
        {
            "cohorts.action_community",
            "cohorts.learning_network.application.deadline",
            "cohorts.learning_network.team.min_size",
            "activities.0.schedule.learning_network.months.0",
        },
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected_paths"), BROKEN, ids=lambda v: getattr(v, "__name__", "")
)
def test_a_broken_file_is_refused_with_every_error_and_the_database_untouched(
    tmp_path, edit, expected_paths
):
    program_load(path=PROGRAM_FILE)
    before = snapshot()
    with pytest.raises(ProgramFileError) as caught:
        program_load(path=write(tmp_path, edit))
    assert {e.path for e in caught.value.errors} >= expected_paths
    assert snapshot() == before


def test_a_broken_file_creates_nothing_in_an_empty_database(tmp_path):
    with pytest.raises(ProgramFileError):
        program_load(path=write(tmp_path, _all_at_once))
    assert snapshot() == ([], [], [], [], 0)


def test_a_toml_syntax_error_says_line_and_column(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('slug = "x"\nschema_version = = 1\n', encoding="utf-8")
    with pytest.raises(ProgramFileError) as caught:
        program_load(path=path)
    [error] = caught.value.errors
    assert error.message.startswith("TOML syntax error")
    assert "line 2, column" in error.message


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(ProgramFileError) as caught:
        program_load(path=tmp_path / "nowhere.toml")
    assert "cannot read" in caught.value.errors[0].message

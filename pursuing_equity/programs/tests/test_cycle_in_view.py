"""The one cycle selector of the staff pages: the chosen cycle, the default, a bad slug."""

import pytest

from pursuing_equity.programs.selectors import cycle_in_view
from pursuing_equity.programs.services import program_load
from pursuing_equity.programs.tests.factories import PROGRAM_FILE, load_cycle


def later_cycle(shift_months: int = 36):
    """The program file loaded a second time, as another cycle ``shift_months`` later."""
    slug = f"pursuing-equity-plus-{shift_months}"
    return program_load(path=PROGRAM_FILE, shift_months=shift_months, slug=slug).cycle


@pytest.fixture
def two_cycles(db):
    return load_cycle(), later_cycle()


def test_without_a_choice_the_page_shows_its_default(two_cycles):
    older, newer = two_cycles
    in_view = cycle_in_view({}, default=older)
    assert in_view.cycle == older and in_view.error == ""
    assert in_view.choices == (newer, older)  # newest first
    assert in_view.suffix == f"?cycle={older.slug}"


def test_the_cycle_named_in_the_query_string_wins_and_the_default_is_not_computed(two_cycles):
    older, newer = two_cycles

    def default():
        raise AssertionError("the default is computed only when no cycle is chosen")

    in_view = cycle_in_view({"cycle": newer.slug}, default=default)
    assert in_view.cycle == newer and in_view.error == ""
    assert in_view.query == f"cycle={newer.slug}"


@pytest.mark.parametrize(
    "asked", ["no-such-cycle", "42", "'; drop table programs_cycle; --", "é" * 500, "<script>"]
)
def test_an_unknown_cycle_shows_the_default_with_a_message(two_cycles, asked):
    older, _ = two_cycles
    in_view = cycle_in_view({"cycle": asked}, default=lambda: older)
    assert in_view.cycle == older
    assert in_view.error.startswith("There is no cycle “")
    assert f"Showing {older}" in in_view.error
    assert len(in_view.error) < 200


def test_no_cycle_loaded_yet(db):
    in_view = cycle_in_view({"cycle": "x"}, default=None)
    assert in_view.cycle is None and in_view.choices == ()
    assert in_view.suffix == "" and in_view.error == "There is no cycle “x”."

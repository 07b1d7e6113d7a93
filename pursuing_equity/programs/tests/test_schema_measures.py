"""``[measures]`` and the reporting offsets in a program file: accepted with their defaults,
refused with messages that name the key path."""

import copy

import pytest

from pursuing_equity.programs.schema import ProgramError, validate
from pursuing_equity.programs.tests.test_schema import GOOD


def with_(edit):
    document = copy.deepcopy(GOOD)
    edit(document)
    return document


def only(errors) -> ProgramError:
    assert len(errors) == 1, errors
    return errors[0]


def test_the_real_file_sets_the_current_defaults():
    facts = GOOD["measures"]
    assert (
        facts["chart_rules"],
        facts["control_limits_min_points"],
        facts["suppression_threshold"],
        facts["min_group_denominator"],
        facts["suppress_zero_beside_suppressed"],
    ) == ("ihi", 20, 10, 20, True)
    assert facts["ordered_stratifiers"] == ["age_group", "income_band"]
    assert facts["sharing"] == {"action_community": "cohort", "learning_network": "small_cohort"}
    assert GOOD["reporting"]["action_community"]["reminder_days_before"] == 3
    assert GOOD["reporting"]["action_community"]["reflection_grace_days"] == 7


def test_a_file_without_measures_or_offsets_is_valid():
    def edit(d):
        d.pop("measures")
        for facts in d["reporting"].values():
            facts.pop("reminder_days_before", None)
            facts.pop("reflection_grace_days", None)

    assert validate(with_(edit)) == []


@pytest.mark.parametrize("rules", ["anhoej", "nhs", "ihi"])
def test_every_rule_set_of_equitystats_is_accepted(rules):
    assert validate(with_(lambda d: d["measures"].update(chart_rules=rules))) == []


def test_only_the_keys_listed_are_needed():
    def edit(d):
        d["measures"] = {"source": "program choice", "sharing": {"action_community": "team"}}

    assert validate(with_(edit)) == []


@pytest.mark.parametrize(
    "key,value,path,message",
    [
        ("chart_rules", "shewhart", "measures.chart_rules", "must be one of anhoej, ihi, nhs"),
        ("control_limits_min_points", 5, "measures.control_limits_min_points", "at least 8"),
        ("control_limits_min_points", "20", "measures.control_limits_min_points", "integer"),
        ("suppression_threshold", 0, "measures.suppression_threshold", "at least 2"),
        ("suppression_threshold", 1, "measures.suppression_threshold", "at least 2"),
        ("suppression_threshold", 10.5, "measures.suppression_threshold", "integer"),
        ("min_group_denominator", 0, "measures.min_group_denominator", "at least 1"),
        ("min_group_denominator", "20", "measures.min_group_denominator", "integer"),
        ("ordered_stratifiers", "age_group", "measures.ordered_stratifiers", "array"),
        ("suppress_zero_beside_suppressed", "yes", "measures.suppress_zero_beside_suppressed",
         "boolean"),
        ("sharing", {"action_community": "everyone"}, "measures.sharing.action_community",
         "must be one of cohort, small_cohort, team"),
        ("colour", "blue", "measures.colour", "unknown key: colour"),
    ],
)  # fmt: skip
def test_bad_measures_values_are_named_by_key_path(key, value, path, message):
    error = only(validate(with_(lambda d: d["measures"].update({key: value}))))
    assert error.path == path
    assert message in error.message


def test_a_sharing_key_that_is_not_a_cohort_key():
    errors = validate(with_(lambda d: d["measures"].update(sharing={"Action Community": "team"})))
    assert {e.path for e in errors} == {"measures.sharing", "cohorts.Action Community"}
    assert any("Action Community" in e.message for e in errors if e.path == "measures.sharing")


def test_measures_needs_its_source():
    error = only(validate(with_(lambda d: d["measures"].pop("source"))))
    assert error == ProgramError("measures.source", "is missing")


def test_sharing_of_a_cohort_that_does_not_exist():
    error = only(
        validate(with_(lambda d: d["measures"]["sharing"].update(action_comunity="cohort")))
    )
    assert error.path == "cohorts.action_comunity"
    assert "measures.sharing.action_comunity" in error.message


def test_small_cohort_sharing_needs_a_cohort_that_meets_in_small_cohorts():
    error = only(
        validate(with_(lambda d: d["measures"]["sharing"].update(action_community="small_cohort")))
    )
    assert error.path == "measures.sharing.action_community"
    assert "does not meet in small cohorts" in error.message


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("reminder_days_before", -1, "at least 0"),
        ("reminder_days_before", 28, "at most 27"),
        ("reflection_grace_days", 0, "at least 1"),
        ("reflection_grace_days", "a week", "integer"),
    ],
)
def test_bad_reporting_offsets_are_named_by_key_path(key, value, message):
    error = only(validate(with_(lambda d: d["reporting"]["action_community"].update({key: value}))))
    assert error.path == f"reporting.action_community.{key}"
    assert message in error.message


def test_a_reflection_offset_needs_a_cohort_whose_leaders_reply():
    error = only(
        validate(
            with_(lambda d: d["reporting"]["learning_network"].update(reflection_grace_days=5))
        )
    )
    assert error.path == "reporting.learning_network.reflection_grace_days"
    assert "senior_leader_reply" in error.message

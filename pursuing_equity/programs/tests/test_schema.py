"""A broken program file is refused with every problem listed, each with its key path."""

import copy
import datetime
import tomllib

import pytest

from pursuing_equity.programs.schema import ProgramError, validate
from pursuing_equity.programs.tests.factories import PROGRAM_FILE

GOOD = tomllib.loads(PROGRAM_FILE.read_text(encoding="utf-8"))


def broken(edit):
    document = copy.deepcopy(GOOD)
    edit(document)
    return document


def paths(errors):
    return [e.path for e in errors]


def activity(document, key):
    return next(a for a in document["activities"] if a["key"] == key)


def test_the_real_file_has_no_errors():
    assert validate(GOOD) == []


def test_missing_cohort_is_reported_where_it_is_missing():
    errors = validate(broken(lambda d: d["cohorts"].pop("action_community")))
    [error] = [e for e in errors if e.path == "cohorts.action_community"]
    assert (
        "is missing" in error.message and "activities.0.schedule.action_community" in error.message
    )


def test_deadline_after_the_cycle_ends():
    def edit(d):
        d["cohorts"]["action_community"]["application"]["deadline"] = datetime.date(2024, 8, 1)

    errors = validate(broken(edit))
    assert paths(errors) == [
        "cohorts.action_community.application.deadline",
        "cohorts.action_community.application.decisions_by",
    ]
    assert "after the end of the cycle" in errors[0].message
    assert "before the deadline" in errors[1].message


def test_deadline_inside_the_cycle_is_too_late():
    def edit(d):
        d["cohorts"]["learning_network"]["application"]["deadline"] = datetime.date(2023, 2, 1)

    errors = validate(broken(edit))
    assert paths(errors) == ["cohorts.learning_network.application.deadline"]
    assert "before the cycle" in errors[0].message


def test_team_size_zero_and_min_above_max():
    def edit(d):
        d["cohorts"]["learning_network"]["team"]["min_size"] = 0
        d["cohorts"]["action_community"]["team"]["min_size"] = 9

    errors = validate(broken(edit))
    assert (
        ProgramError("cohorts.learning_network.team.min_size", "must be at least 1 (found 0)")
        in errors
    )
    assert (
        ProgramError("cohorts.action_community.team.min_size", "must not be more than max_size (7)")
        in errors
    )


def test_unknown_month_and_month_outside_the_cycle():
    def edit(d):
        activity(d, "ln_all_team_meetings")["schedule"]["learning_network"]["months"][0] = "2023-13"
        activity(d, "ac_kickoff")["schedule"]["action_community"]["months"][1] = "2024-07"

    errors = validate(broken(edit))
    assert paths(errors) == [
        "activities.1.schedule.learning_network.months.0",
        "activities.3.schedule.action_community.months.1",
    ]
    assert "'2023-13'" in errors[0].message
    assert "outside the cycle" in errors[1].message


def test_in_person_month_must_be_one_of_the_activity_months():
    def edit(d):
        activity(d, "ac_learning_sessions")["schedule"]["action_community"]["in_person"] = [
            "2023-04"
        ]

    assert paths(validate(broken(edit))) == ["activities.5.schedule.action_community.in_person.0"]


def test_activity_months_must_reference_known_cohorts():
    def edit(d):
        activity(d, "ac_kickoff")["schedule"]["action_comunity"] = {"months": ["2023-01"]}

    errors = validate(broken(edit))
    assert paths(errors) == ["cohorts.action_comunity"]
    assert "activities.3.schedule.action_comunity" in errors[0].message


def test_a_letter_for_an_unknown_cohort_or_with_an_unknown_key_is_refused():
    def edit(d):
        d["letters"]["board_chair_letter"]["cohorts"] = ["action_comunity"]
        d["letters"]["ceo_letter"]["signer"] = "CEO"

    errors = validate(broken(edit))
    assert paths(errors) == ["cohorts.action_comunity", "letters.ceo_letter.signer"]
    assert "letters.board_chair_letter.cohorts.0 refer to it" in errors[0].message
    assert "signer" in errors[1].message


def test_wrong_types_are_reported_with_their_paths():
    def edit(d):
        d["cohorts"]["learning_network"]["capacity"] = "forty"
        d["cohorts"]["action_community"]["application"]["deadline"] = "2022-10-21"
        d["informational_call"]["starts_at"] = "3 PM"
        d["cycle"]["start_month"] = datetime.date(2023, 1, 1)

    errors = validate(broken(edit))
    assert set(paths(errors)) >= {
        "cohorts.learning_network.capacity",
        "cohorts.action_community.application.deadline",
        "informational_call.starts_at",
        "cycle.start_month",
    }


def test_decision_commitment_is_required():
    def edit(d):
        d["cohorts"]["action_community"]["application"].pop("decisions_by")
        d["cohorts"]["action_community"]["application"].pop("decision_text")
        d.pop("faq")  # its answer about decisions refers to decisions_by

    errors = validate(broken(edit))
    assert paths(errors) == ["cohorts.action_community.application.decisions_by"]
    assert "decision commitment" in errors[0].message


def test_unknown_and_missing_keys():
    def edit(d):
        d["cohorts"]["learning_network"]["capacty"] = 40
        d["cohorts"]["learning_network"].pop("capacity")

    errors = validate(broken(edit))
    assert ProgramError("cohorts.learning_network.capacity", "is missing") in errors
    assert ProgramError("cohorts.learning_network.capacty", "unknown key: capacty") in errors
    # the text that refers to the capacity is reported too
    assert "cohorts.learning_network.estimated_size" in paths(errors)


def test_placeholder_to_nothing_is_reported():
    def edit(d):
        d["how_to_join"]["steps"][1] = "Attend the call on {call:informational_cal}."

    errors = validate(broken(edit))
    assert paths(errors) == ["how_to_join.steps.1"]
    assert "informational_cal" in errors[0].message


def test_every_error_of_a_file_broken_in_many_ways_is_listed():
    def edit(d):
        d["cohorts"].pop("action_community")
        d["cohorts"]["learning_network"]["application"]["deadline"] = datetime.date(2025, 1, 1)
        d["cohorts"]["learning_network"]["team"]["min_size"] = 0
        activity(d, "ln_group_coaching")["schedule"]["learning_network"]["months"][2] = "2023-13"

    errors = validate(broken(edit))
    assert {
        "cohorts.action_community",
        "cohorts.learning_network.application.deadline",
        "cohorts.learning_network.team.min_size",
        "activities.2.schedule.learning_network.months.2",
    } <= set(paths(errors))
    assert errors == sorted(errors)


@pytest.mark.parametrize("document", [None, [], "text"])
def test_a_document_that_is_not_a_table(document):
    assert validate(document) != []


def test_each_cohorts_rubric_is_checked_and_refers_to_a_cohort():
    def edit(d):
        d["review_rubric"]["criteria"]["learning_network"] = []
        d["review_rubric"]["criteria"]["other"] = [{"key": "x", "name": "X", "guidance": "G"}]

    assert paths(validate(broken(edit))) == [
        "cohorts.other",
        "review_rubric.criteria.learning_network",
    ]


def test_the_self_check_names_cohorts_of_the_file_and_advises_each_it_may_suggest():
    def edit(d):
        d["self_check"]["order"].append("other")
        d["self_check"]["advice"].pop("learning_network")
        d["self_check"]["questions"][1]["key"] = d["self_check"]["questions"][0]["key"]

    errors = validate(broken(edit))
    assert paths(errors) == [
        "cohorts.other",
        "self_check.advice.learning_network",
        "self_check.advice.other",
        "self_check.order.2",
        "self_check.questions",
    ]
    assert "no question is asked for 'other'" in str(errors)


def test_faq_answers_may_refer_to_the_files_data_and_are_checked():
    def edit(d):
        d["faq"]["questions"][0]["answer"] = "It costs {usd:fees.no_such_fee}."
        d["faq"]["questions"][1].pop("question")

    assert paths(validate(broken(edit))) == ["faq.questions.0.answer", "faq.questions.1.question"]


def test_alternates_with_must_name_an_activity():
    def edit(d):
        activity(d, "ln_group_coaching")["alternates_with"] = "no_such_activity"

    errors = validate(broken(edit))
    assert [e.message for e in errors] == ["no activity has the key 'no_such_activity'"]

"""The outcomes app's program facts: milestones per cohort, the self-assessment and its rounds."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from pursuing_equity.outcomes import program
from pursuing_equity.outcomes.proposals import RULES
from pursuing_equity.programs.schema import MILESTONE_PROPOSALS, validate

PROGRAM = Path(__file__).resolve().parents[3] / "programs" / "pursuing-equity-2023.toml"


@pytest.fixture(scope="module")
def document():
    return tomllib.loads(PROGRAM.read_text())


def cycle(document):
    return SimpleNamespace(
        document=document,
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2024, 6, 30),
    )


def test_every_expected_outcome_is_a_milestone_with_a_stable_key(document):
    ln = program.milestones_for(document, "learning_network")
    ac = program.milestones_for(document, "action_community")
    assert [m.text for m in ln] == document["cohorts"]["learning_network"]["expected_outcomes"][
        "items"
    ]
    assert len(ac) == 5
    assert next(m for m in ln if m.key == "key_aims").proposal == "aim_set"
    assert ac[-1].key == "close_equity_gaps" and ac[-1].proposal == "gap_closing"


def test_the_schema_names_exactly_the_proposal_rules_that_exist():
    assert set(MILESTONE_PROPOSALS) == set(RULES)


def test_rounds_are_derived_from_the_cycle(document):
    assessment = program.assessment_for(cycle(document))
    baseline, midpoint, end = assessment.rounds
    assert (baseline.opens_on, baseline.closes_on) == (
        datetime.date(2023, 1, 1),
        datetime.date(2023, 2, 11),
    )
    assert midpoint.opens_on == datetime.date(2023, 10, 1)
    assert end.closes_on == datetime.date(2024, 6, 30)
    assert not end.set_by_staff


def test_staff_dates_replace_the_derived_ones(document):
    window = (datetime.date(2023, 10, 2), datetime.date(2023, 10, 20))
    midpoint = program.assessment_for(cycle(document), {"midpoint": window}).round("midpoint")
    assert (midpoint.opens_on, midpoint.closes_on) == window and midpoint.set_by_staff
    assert midpoint.is_open(datetime.date(2023, 10, 20))
    assert midpoint.has_closed(datetime.date(2023, 10, 21))


def test_items_are_grouped_by_the_five_components(document):
    assessment = program.assessment_for(cycle(document))
    assert [c.key for c in assessment.components] == [
        c["key"] for c in document["strategy"]["components"]
    ]
    assert all(c.items for c in assessment.components)
    assert assessment.values == {1, 2, 3, 4, 5}


def _errors(document, change) -> list[str]:
    import copy

    broken = copy.deepcopy(document)
    change(broken)
    return [str(e) for e in validate(broken)]


def test_a_milestone_list_must_match_the_expected_outcomes(document):
    errors = _errors(document, lambda d: d["outcomes"]["milestones"]["action_community"].pop())
    assert any(
        "outcomes.milestones.action_community: needs one milestone per expected outcome" in e
        for e in errors
    )


def test_milestone_keys_are_unique_and_name_a_cohort(document):
    def change(d):
        rows = d["outcomes"]["milestones"]["action_community"]
        rows[1]["key"] = rows[0]["key"]
        d["outcomes"]["milestones"]["nowhere"] = [{"key": "x"}]

    errors = _errors(document, change)
    assert any(e.startswith("outcomes.milestones.action_community.1.key") for e in errors)
    assert any(
        e.startswith("cohorts.nowhere: is missing, but outcomes.milestones.nowhere refer")
        for e in errors
    )


def test_an_unknown_proposal_is_refused(document):
    def change(d):
        d["outcomes"]["milestones"]["action_community"][0]["proposal"] = "magic"

    errors = _errors(document, change)
    assert any(e.startswith("outcomes.milestones.action_community.0.proposal") for e in errors)


def test_self_assessment_items_name_a_component_and_cover_every_one(document):
    def change(d):
        for item in d["self_assessment"]["items"]:
            if item["component"] == "community_partnership":
                item["component"] = "partnership"

    errors = _errors(document, change)
    assert any("self_assessment.items.8.component: 'partnership' is not a key" in e for e in errors)
    assert any("no item asks about the component 'community_partnership'" in e for e in errors)


def test_scale_values_must_rise(document):
    errors = _errors(document, lambda d: d["self_assessment"]["scale"].reverse())
    assert "self_assessment.scale: values must rise, each once" in errors


def test_a_program_without_outcomes_or_self_assessment_has_neither(document):
    import copy

    bare = copy.deepcopy(document)
    del bare["outcomes"], bare["self_assessment"]
    assert program.milestones_for(bare, "action_community") == []
    assert program.assessment_for(cycle(bare)) is None
    assert validate(bare) == []

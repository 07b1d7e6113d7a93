"""What a program file must look like: a JSON Schema (Draft 2020-12), which is data, and
``validate``, which also runs the checks across keys of :mod:`pursuing_equity.programs.checks`.

``validate(document)`` takes the document as read from TOML (dates are ``datetime.date``,
local times ``datetime.datetime``, months "YYYY-MM" strings) and returns EVERY problem, each with
the key path it is about (``cohorts.action_community.application.deadline``), so that a broken
file can be fixed in one go. The checks across keys run even where the schema already failed,
on whatever parts are well-formed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from equitystats.spc import RULES as CHART_RULES
from pursuing_equity.programs.checks import ProgramError, semantic_errors
from pursuing_equity.programs.dates import (
    is_local_datetime,
    is_month,
    is_time_zone,
    is_toml_date,
)

# ---------------------------------------------------------------------------------------------
# Formats for the values TOML has and JSON has not: name -> (test, what a value must be).

FORMATS = {
    "toml-date": (is_toml_date, "must be a TOML date like 2022-11-01 (without quotes)"),
    "toml-local-datetime": (
        is_local_datetime,
        "must be a TOML local date and time like 2022-09-21T15:00:00 (without quotes or offset)",
    ),
    "month": (is_month, 'must be a month "YYYY-MM" with a month from 01 to 12'),
    "time-zone": (is_time_zone, "must be an IANA time zone like America/New_York"),
}


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, (test, _message) in FORMATS.items():
        checker.checks(name)(test)
    return checker


FORMAT_CHECKER = _format_checker()

# ---------------------------------------------------------------------------------------------
# The schema.

TEXT = {"type": "string", "minLength": 1}
KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
DATE = {"format": "toml-date"}
MONTH = {"type": "string", "format": "month"}
COUNT = {"type": "integer", "minimum": 1}
TEXTS = {"type": "array", "items": TEXT, "minItems": 1}
SOURCE = TEXT  # where a table that is not from the seed comes from


def _strict(props: Mapping[str, Any], optional: Iterable[str] = ()) -> dict:
    """A table whose keys are all required except ``optional``, and no others."""
    optional = set(optional)
    return {
        "type": "object",
        "properties": dict(props),
        "required": [k for k in props if k not in optional],
        "additionalProperties": False,
    }


INTRO_ITEMS = _strict({"intro": TEXT, "items": TEXTS})
KEYED_TEXTS = {
    "type": "array",
    "minItems": 1,
    "items": _strict({"key": KEY, "text": TEXT}),
}

#: The rules by which the outcomes app proposes a milestone's status from a team's data
#: (``outcomes/proposals.py`` implements exactly these).
MILESTONE_PROPOSALS = (
    "measure_defined",
    "aim_set",
    "stratified_data",
    "pdsa_cycles",
    "gap_narrowing",
    "gap_closing",
)

OUTCOMES = _strict(
    {
        "source": SOURCE,
        "milestones": {
            "type": "object",
            "propertyNames": KEY,
            "additionalProperties": {
                "type": "array",
                "minItems": 1,
                "items": _strict(
                    {"key": KEY, "proposal": {"enum": list(MILESTONE_PROPOSALS)}},
                    optional=["proposal"],
                ),
            },
        },
    }
)

SELF_ASSESSMENT = _strict(
    {
        "source": SOURCE,
        "name": TEXT,
        "intro": TEXT,
        "weeks_open": {"type": "integer", "minimum": 1, "maximum": 26},
        "scale": {
            "type": "array",
            "minItems": 2,
            "items": _strict({"value": {"type": "integer"}, "label": TEXT}),
        },
        "rounds": {
            "type": "array",
            "minItems": 1,
            "items": _strict(
                {"key": KEY, "name": TEXT, "at": {"enum": ["start", "middle", "end"]}}
            ),
        },
        "items": {
            "type": "array",
            "minItems": 1,
            "items": _strict({"key": KEY, "component": KEY, "text": TEXT}),
        },
    }
)

APPLICATION = _strict(
    {
        "deadline": DATE,
        "rolling_review": {"type": "boolean"},
        "response_within_days": COUNT,
        "decisions_by": DATE,
        "fallback_cohort": KEY,
        "summary": TEXT,
        "heading": TEXT,
        "intro": TEXT,
        "decision_text": TEXT,
        "notes": TEXTS,
        "materials": {
            "type": "array",
            "minItems": 1,
            "items": _strict(
                {"key": KEY, "name": TEXT, "signatories": TEXTS}, optional=["signatories"]
            ),
        },
        "video": _strict(
            {
                "heading": TEXT,
                "min_minutes": COUNT,
                "max_minutes": COUNT,
                "intro": TEXT,
                "required_intro": TEXT,
                "required_items": KEYED_TEXTS,
                "choose_min": {"type": "integer", "minimum": 0},
                "choose_max": {"type": "integer", "minimum": 0},
                "choose_intro": TEXT,
                "questions": KEYED_TEXTS,
                "example_text": TEXT,
            },
            optional=["example_text"],
        ),
    },
    optional=[
        "rolling_review",
        "response_within_days",
        "decisions_by",
        "fallback_cohort",
        "decision_text",
        "notes",
        "video",
    ],
)

COHORT = _strict(
    {
        "name": TEXT,
        "capacity": COUNT,
        "estimated_size": TEXT,
        "goals": TEXT,
        "supports": TEXT,
        "intro": TEXT,
        "focus": TEXTS,
        "intro_after": TEXT,
        "activity_descriptions": {"type": "array", "items": KEY, "uniqueItems": True},
        "expected_outcomes": _strict({"paragraphs": TEXTS, "items": TEXTS}),
        "who_should_participate": INTRO_ITEMS,
        "team": _strict(
            {
                "min_size": COUNT,
                "max_size": COUNT,
                "multidisciplinary": {"type": "boolean"},
                "text": TEXT,
                "lenses": TEXTS,
                "recommended_roles": TEXTS,
            },
            optional=["multidisciplinary", "recommended_roles"],
        ),
        "expectations": INTRO_ITEMS,
        "application": APPLICATION,
    },
    optional=["intro_after", "activity_descriptions", "who_should_participate"],
)

SCHEDULE = _strict(
    {
        "months": {"type": "array", "items": MONTH, "minItems": 1, "uniqueItems": True},
        "in_person": {"type": "array", "items": MONTH, "uniqueItems": True},
    },
    optional=["in_person"],
)

ACTIVITY = _strict(
    {
        "key": KEY,
        "name": TEXT,
        "heading": TEXT,
        "description": TEXT,
        "duration_minutes": COUNT,
        "duration_days": COUNT,
        "modality": {"enum": ["virtual", "in_person", "virtual_and_in_person", "unspecified"]},
        "audience": {
            "enum": ["all_teams", "small_groups", "one_team", "affinity_groups", "leaders"]
        },
        "group_size_min": COUNT,
        "group_size_max": COUNT,
        # Another activity whose months this one's alternate with (never the same month for a
        # cohort): load_program warns where they meet.
        "alternates_with": KEY,
        "schedule": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": KEY,
            "additionalProperties": SCHEDULE,
        },
    },
    optional=[
        "heading",
        "description",
        "duration_minutes",
        "duration_days",
        "group_size_min",
        "group_size_max",
        "alternates_with",
    ],
)

CLOCK_TIME = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
CALENDAR_RULE = _strict(
    {
        "weekday": {
            "enum": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        },
        "week": {"enum": [1, 2, 3, 4, -1]},
        "start": CLOCK_TIME,
        "end": CLOCK_TIME,
        "duration_minutes": COUNT,
        "in_person_during": KEY,
        "in_person_day": COUNT,
        "location": TEXT,
    },
    optional=["end", "duration_minutes", "in_person_during", "in_person_day", "location"],
)

#: How far a cohort's teams share their measures with the other teams of the cycle:
#: every team of the cohort, the teams of their own small cohort, or nobody outside the team.
SHARING_SCOPES = {
    "cohort": "every team of the cohort",
    "small_cohort": "the teams of the same small cohort",
    "team": "nobody outside the team",
}
#: The run chart rule sets of equitystats.spc.RULES, named for people.
CHART_RULE_NAMES = {
    "anhoej": "the Anhøj rules (longest run and number of crossings)",
    "ihi": "the IHI run chart rules (shift, trend, too few or too many runs, astronomical point)",
    "nhs": "the NHS Making Data Count rules",
}
#: Fewer points than this cannot carry control limits: limits from a handful of points move too
#: much to judge against (Provost & Murray, *The Health Care Data Guide*, 2011, recommend 20–25
#: subgroups); 8 is our floor, below which even a shift of the run chart rules barely fits.
CONTROL_LIMITS_FLOOR = 8
#: ``[measures]``: the run chart rules (equitystats.spc.RULES), the points before control limits,
#: the suppression threshold (the largest count hidden outside the team: 10 shows nothing below
#: 11), the fewest patients a group needs in a period to enter the summary disparity measures,
#: the stratifiers whose groups are ordered (their categories listed lowest first, e.g. age
#: bands: they also get the slope and relative index of inequality and the concentration
#: indices), whether a 0 numerator beside a hidden small denominator is hidden too, and, per
#: cohort, the sharing scope (SHARING_SCOPES). Every key has a default.
MEASURES = _strict(
    {
        "source": SOURCE,
        "chart_rules": {"enum": list(CHART_RULES)},
        "control_limits_min_points": {"type": "integer", "minimum": CONTROL_LIMITS_FLOOR},
        # 1 is refused: zeros are published, so a hidden cell of threshold 1 could only be 1.
        "suppression_threshold": {"type": "integer", "minimum": 2},
        "min_group_denominator": {"type": "integer", "minimum": 1},
        "ordered_stratifiers": {"type": "array", "items": KEY, "uniqueItems": True},
        "suppress_zero_beside_suppressed": {"type": "boolean"},
        # Direct age standardisation (measures.adjusted): the standard population and the age
        # bands a patient-level extract's ages are counted in.
        "age_standard": {"enum": ["us2000", "team_total"]},
        "age_bands": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
        },
        "sharing": {
            "type": "object",
            "propertyNames": KEY,
            "additionalProperties": {"enum": list(SHARING_SCOPES)},
        },
    },
    optional=[
        "chart_rules",
        "control_limits_min_points",
        "suppression_threshold",
        "min_group_denominator",
        "ordered_stratifiers",
        "suppress_zero_beside_suppressed",
        "age_standard",
        "age_bands",
        "sharing",
    ],
)

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Program cycle",
    **_strict(
        {
            "schema_version": {"const": 1},
            "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 100},
            "time_zone": {"type": "string", "format": "time-zone"},
            "time_zone_label": TEXT,
            "in_person_location": TEXT,
            "program": _strict(
                {
                    "name": TEXT,
                    "tagline": TEXT,
                    "document_title": TEXT,
                    "organization": TEXT,
                    "organization_short": TEXT,
                }
            ),
            "cycle": _strict(
                {"title": TEXT, "span": TEXT, "start_month": MONTH, "end_month": MONTH}
            ),
            "funder": _strict({"name": TEXT, "acknowledgement": TEXT}),
            "contact": _strict(
                {
                    "email": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"},
                    "website": {"type": "string", "pattern": "^https?://"},
                    "text": TEXT,
                    "document_line": TEXT,
                    "website_text": TEXT,
                }
            ),
            "introduction": _strict({"paragraphs": TEXTS}),
            "strategy": _strict(
                {
                    "heading": TEXT,
                    "intro": TEXT,
                    "components": {
                        "type": "array",
                        "minItems": 1,
                        "items": _strict({"key": KEY, "name": TEXT, "description": TEXT}),
                    },
                }
            ),
            "approach": _strict({"intro": TEXT, "supports": TEXTS, "overview_intro": TEXT}),
            "overview_rows": {
                "type": "array",
                "minItems": 1,
                "items": _strict(
                    {"label": TEXT, "both": TEXT, "cohort_field": TEXT},
                    optional=["both", "cohort_field"],
                ),
            },
            "checklists": {
                "type": "array",
                "items": _strict(
                    {
                        "key": KEY,
                        "name": TEXT,
                        "activity": KEY,
                        "cohorts": {
                            "type": "array",
                            "items": KEY,
                            "minItems": 1,
                            "uniqueItems": True,
                        },
                        "source": SOURCE,
                        "items": {
                            "type": "array",
                            "minItems": 1,
                            "items": _strict({"key": KEY, "text": TEXT}),
                        },
                    },
                    optional=["source"],
                ),
            },
            "logistics": _strict(
                {"source": SOURCE, "reminder_days_before": {"type": "integer", "minimum": 1}},
                optional=["source"],
            ),
            "forum_meetup": _strict(
                {
                    "name": TEXT,
                    "month": MONTH,
                    "optional": {"type": "boolean"},
                    "source": SOURCE,
                    "venue": TEXT,
                    "details": TEXT,
                },
                optional=["source", "venue", "details"],
            ),
            "cohorts": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": KEY,
                "additionalProperties": COHORT,
            },
            "activities": {"type": "array", "minItems": 1, "items": ACTIVITY},
            "affinity_groups": _strict(
                {
                    "cohort": KEY,
                    "activity": KEY,
                    "glossary_term": KEY,
                    "groups": {
                        "type": "array",
                        "minItems": 2,
                        "items": _strict({"key": KEY, "name": TEXT}),
                    },
                }
            ),
            "leadership_workgroup": _strict(
                {
                    "cohort": KEY,
                    "activity": KEY,
                    "senior_leaders_per_team": COUNT,
                    "alternate_senior_leaders_per_team": {"type": "integer", "minimum": 0},
                    "cadence": TEXT,
                }
            ),
            "calendar": _strict(
                {
                    "source": SOURCE,
                    "video_call": TEXT,
                    "defaults": {
                        "type": "object",
                        "propertyNames": KEY,
                        "additionalProperties": CALENDAR_RULE,
                    },
                    "forum_meetup": CALENDAR_RULE,
                },
                optional=["forum_meetup"],
            ),
            "reporting": {
                "type": "object",
                "propertyNames": KEY,
                "additionalProperties": _strict(
                    {
                        "source": SOURCE,
                        "kind": {"enum": ["monthly_update", "reflection"]},
                        "cadence": {"enum": ["monthly", "periodic"]},
                        "due_day_of_following_month": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 28,
                        },
                        "every_months": COUNT,
                        "senior_leader_reply": {"type": "boolean"},
                        "reminder_days_before": {"type": "integer", "minimum": 0, "maximum": 27},
                        "reflection_grace_days": {"type": "integer", "minimum": 1, "maximum": 90},
                    },
                    optional=[
                        "due_day_of_following_month",
                        "every_months",
                        "senior_leader_reply",
                        "reminder_days_before",
                        "reflection_grace_days",
                    ],
                ),
            },
            "measures": MEASURES,
            "review_rubric": _strict(
                {
                    "source": SOURCE,
                    "scale_min": {"type": "integer"},
                    "scale_max": {"type": "integer"},
                    "scale_labels": TEXTS,
                    # Per cohort its own rubric: the criteria an application is scored on while
                    # it is reviewed for that cohort.
                    "criteria": {
                        "type": "object",
                        "minProperties": 1,
                        "propertyNames": KEY,
                        "additionalProperties": {
                            "type": "array",
                            "minItems": 1,
                            "items": _strict({"key": KEY, "name": TEXT, "guidance": TEXT}),
                        },
                    },
                    "reviewers_per_application": {
                        "type": "object",
                        "propertyNames": KEY,
                        "additionalProperties": COUNT,
                    },
                    "disagreement_spread": {"type": "number", "exclusiveMinimum": 0},
                    "disagreement_sd": {"type": "number", "exclusiveMinimum": 0},
                },
                optional=["reviewers_per_application", "disagreement_spread", "disagreement_sd"],
            ),
            "decision_letters": {
                "type": "object",
                "properties": {"source": SOURCE},
                "required": ["source"],
                "propertyNames": KEY,
                "additionalProperties": _strict({"subject": TEXT, "body": TEXT}),
            },
            "letters": {
                "type": "object",
                "properties": {"source": SOURCE},
                "required": ["source"],
                "propertyNames": KEY,
                "additionalProperties": _strict(
                    {
                        "name": TEXT,
                        "signatory": TEXT,
                        "cohorts": {"type": "array", "items": KEY, "minItems": 1},
                    }
                ),
            },
            "collaborative_assessment": _strict(
                {
                    "source": SOURCE,
                    "name": TEXT,
                    "min_score": {"type": "number"},
                    "max_score": {"type": "number"},
                    "step": {"type": "number", "exclusiveMinimum": 0},
                    "levels": {
                        "type": "array",
                        "minItems": 2,
                        "items": _strict(
                            {"score": {"type": "number"}, "name": TEXT, "definition": TEXT}
                        ),
                    },
                }
            ),
            "outcomes": OUTCOMES,
            "self_assessment": SELF_ASSESSMENT,
            "fees": _strict(
                {
                    "typical_fee_usd": {"type": "integer", "minimum": 0},
                    "free": {"type": "boolean"},
                    "heading": TEXT,
                    "paragraphs": TEXTS,
                }
            ),
            "how_to_join": _strict({"intro": TEXT, "steps": TEXTS}),
            "informational_call": _strict(
                {
                    "name": TEXT,
                    "starts_at": {"format": "toml-local-datetime"},
                    "ends_at": {"format": "toml-local-datetime"},
                    "time_zone": {"type": "string", "format": "time-zone"},
                    "recording_promised": {"type": "boolean"},
                    "registration_intro": TEXT,
                },
                optional=["recording_promised", "registration_intro"],
            ),
            "faq": _strict(
                {
                    "source": SOURCE,
                    "questions": {
                        "type": "array",
                        "minItems": 1,
                        "items": _strict({"key": KEY, "question": TEXT, "answer": TEXT}),
                    },
                },
                optional=["source"],
            ),
            "self_check": _strict(
                {
                    "source": SOURCE,
                    "intro": TEXT,
                    "order": {"type": "array", "items": KEY, "minItems": 1, "uniqueItems": True},
                    "none_fits": TEXT,
                    "advice": {
                        "type": "object",
                        "propertyNames": KEY,
                        "additionalProperties": TEXT,
                    },
                    "questions": {
                        "type": "array",
                        "minItems": 1,
                        "items": _strict(
                            {
                                "key": KEY,
                                "text": TEXT,
                                "cohorts": {
                                    "type": "array",
                                    "items": KEY,
                                    "minItems": 1,
                                    "uniqueItems": True,
                                },
                                "if_no": TEXT,
                            }
                        ),
                    },
                },
                optional=["source"],
            ),
            "references": {
                "type": "array",
                "items": _strict({"text": TEXT, "url": {"type": "string"}}, optional=["url"]),
            },
            "glossary": {
                "type": "array",
                "minItems": 1,
                "items": _strict({"key": KEY, "term": TEXT, "definition": TEXTS}),
            },
            "glossary_sources": _strict({"text": TEXT}),
        },
        optional=[
            "in_person_location",
            "checklists",
            "logistics",
            "forum_meetup",
            "affinity_groups",
            "leadership_workgroup",
            "calendar",
            "reporting",
            "measures",
            "review_rubric",
            "decision_letters",
            "letters",
            "collaborative_assessment",
            "outcomes",
            "self_assessment",
            "references",
            "glossary_sources",
            "faq",
            "self_check",
        ],
    ),
}

Draft202012Validator.check_schema(SCHEMA)
_VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FORMAT_CHECKER)


def validate(document: Any) -> list[ProgramError]:
    """Every problem of a program document (as read from TOML), sorted by key path."""
    errors = {_schema_error(error) for error in _VALIDATOR.iter_errors(document)}
    if isinstance(document, Mapping):
        try:
            errors.update(semantic_errors(document))
        except (TypeError, AttributeError, ValueError, KeyError):
            # The semantic checks read the shape the JSON Schema describes: when the schema has
            # already refused the file, a check tripping over that shape has nothing to add.
            if not errors:
                raise
    return sorted(errors)


def _path(parts: Iterable[Any]) -> str:
    return ".".join(str(p) for p in parts)


def _schema_error(error: ValidationError) -> ProgramError:
    path = list(error.absolute_path)
    kind = error.validator
    value = error.instance
    if kind == "required":
        missing = next((name for name in error.validator_value if name not in (value or {})), "?")
        return ProgramError(_path([*path, missing]), "is missing")
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(set(value) - known)
        return ProgramError(
            _path([*path, extra[0]]) if len(extra) == 1 else _path(path),
            f"unknown key{'s' if len(extra) > 1 else ''}: {', '.join(extra)}",
        )
    if kind == "format":
        return ProgramError(_path(path), f"{FORMATS[error.validator_value][1]} (found {value!r})")
    if kind == "type":
        return ProgramError(
            _path(path), f"must be of type {error.validator_value} (found {value!r})"
        )
    if kind == "minimum":
        return ProgramError(
            _path(path), f"must be at least {error.validator_value} (found {value!r})"
        )
    if kind == "maximum":
        return ProgramError(
            _path(path), f"must be at most {error.validator_value} (found {value!r})"
        )
    if kind == "enum":
        return ProgramError(
            _path(path),
            f"must be one of {', '.join(map(str, error.validator_value))} (found {value!r})",
        )
    if kind == "minItems":
        return ProgramError(_path(path), f"needs at least {error.validator_value} item(s)")
    if kind == "uniqueItems":
        return ProgramError(_path(path), "has an item more than once")
    if kind == "minLength":
        return ProgramError(_path(path), "must not be empty")
    return ProgramError(_path(path), error.message)

"""What a program file must look like: a JSON Schema (Draft 2020-12) plus checks across keys.

``validate(document)`` takes the document as read from TOML (dates are ``datetime.date``,
local times ``datetime.datetime``, months "YYYY-MM" strings) and returns EVERY problem, each with
the key path it is about (``cohorts.action_community.application.deadline``), so that a broken
file can be fixed in one go. The checks across keys run even where the schema already failed,
on whatever parts are well-formed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from equitystats.ageadjust import us2000_standard
from equitystats.errors import InputError
from equitystats.spc import RULES as CHART_RULES
from pursuing_equity.programs import text as program_text
from pursuing_equity.programs.dates import is_month, month_end, parse_month


@dataclass(frozen=True, order=True)
class ProgramError:
    """One problem of a program file: the key path it is about and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


# ---------------------------------------------------------------------------------------------
# Formats for the values TOML has and JSON has not.

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("toml-date")
def _is_date(value: Any) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


@FORMAT_CHECKER.checks("toml-local-datetime")
def _is_local_datetime(value: Any) -> bool:
    return isinstance(value, datetime.datetime) and value.tzinfo is None


@FORMAT_CHECKER.checks("month")
def _is_month(value: Any) -> bool:
    return is_month(value)


@FORMAT_CHECKER.checks("time-zone")
def _is_time_zone(value: Any) -> bool:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


FORMAT_MESSAGES = {
    "toml-date": "must be a TOML date like 2022-11-01 (without quotes)",
    "toml-local-datetime": "must be a TOML local date and time like 2022-09-21T15:00:00 (without quotes or offset)",
    "month": 'must be a month "YYYY-MM" with a month from 01 to 12',
    "time-zone": "must be an IANA time zone like America/New_York",
}

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
            errors.update(_semantic_errors(document))
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
        return ProgramError(
            _path(path), f"{FORMAT_MESSAGES[error.validator_value]} (found {value!r})"
        )
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


# ---------------------------------------------------------------------------------------------
# Checks across keys.


def _get(document: Any, *keys: str) -> Any:
    node = document
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _date(value: Any) -> datetime.date | None:
    return (
        value
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
        else None
    )


def _month(value: Any) -> datetime.date | None:
    return parse_month(value) if is_month(value) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _semantic_errors(document: Mapping) -> list[ProgramError]:
    errors: list[ProgramError] = []
    add = errors.append
    start = _month(_get(document, "cycle", "start_month"))
    end_month = _month(_get(document, "cycle", "end_month"))
    end = month_end(end_month) if end_month else None
    if start and end and end_month <= start:
        add(ProgramError("cycle.end_month", "must be after the cycle's start month"))
    cycle_label = f"the cycle ({_get(document, 'cycle', 'start_month')} to {_get(document, 'cycle', 'end_month')})"

    cohorts = _get(document, "cohorts")
    cohorts = cohorts if isinstance(cohorts, Mapping) else {}
    references: dict[str, list[str]] = {}

    def refer(cohort_key: Any, path: str) -> None:
        if isinstance(cohort_key, str):
            references.setdefault(cohort_key, []).append(path)

    activities = _get(document, "activities")
    activities = activities if isinstance(activities, list) else []
    activity_keys = [a.get("key") for a in activities if isinstance(a, Mapping)]

    for key, cohort in cohorts.items():
        if not isinstance(cohort, Mapping):
            continue
        base = f"cohorts.{key}"
        team = cohort.get("team") if isinstance(cohort.get("team"), Mapping) else {}
        low, high = _int(team.get("min_size")), _int(team.get("max_size"))
        if low is not None and high is not None and low > high:
            add(ProgramError(f"{base}.team.min_size", f"must not be more than max_size ({high})"))
        for index, activity_key in enumerate(cohort.get("activity_descriptions") or []):
            if activity_key not in activity_keys:
                add(
                    ProgramError(
                        f"{base}.activity_descriptions.{index}",
                        f"no activity has the key {activity_key!r}",
                    )
                )
        application = cohort.get("application")
        if isinstance(application, Mapping):
            errors.extend(
                _application_errors(application, f"{base}.application", start, end, cycle_label)
            )
            if "fallback_cohort" in application:
                refer(application["fallback_cohort"], f"{base}.application.fallback_cohort")

    seen_keys: set[str] = set()
    for index, activity in enumerate(activities):
        if not isinstance(activity, Mapping):
            continue
        base = f"activities.{index}"
        key = activity.get("key")
        if isinstance(key, str):
            if key in seen_keys:
                add(ProgramError(f"{base}.key", f"another activity already has the key {key!r}"))
            seen_keys.add(key)
        low, high = _int(activity.get("group_size_min")), _int(activity.get("group_size_max"))
        if low is not None and high is not None and low > high:
            add(
                ProgramError(
                    f"{base}.group_size_min", f"must not be more than group_size_max ({high})"
                )
            )
        if "duration_minutes" in activity and "duration_days" in activity:
            add(
                ProgramError(
                    f"{base}.duration_days", "give the duration in minutes or in days, not both"
                )
            )
        schedule = activity.get("schedule")
        if not isinstance(schedule, Mapping):
            continue
        for cohort_key, plan in schedule.items():
            refer(cohort_key, f"{base}.schedule.{cohort_key}")
            if not isinstance(plan, Mapping):
                continue
            months = plan.get("months") if isinstance(plan.get("months"), list) else []
            for field in ("months", "in_person"):
                values = plan.get(field)
                for position, value in enumerate(values if isinstance(values, list) else []):
                    month = _month(value)
                    if month and start and end and not (start <= month <= end):
                        add(
                            ProgramError(
                                f"{base}.schedule.{cohort_key}.{field}.{position}",
                                f"{value} is outside {cycle_label}",
                            )
                        )
                    if field == "in_person" and isinstance(value, str) and value not in months:
                        add(
                            ProgramError(
                                f"{base}.schedule.{cohort_key}.in_person.{position}",
                                f"{value} is not one of this activity's months",
                            )
                        )

    for path, keys in (
        ("affinity_groups.cohort", [_get(document, "affinity_groups", "cohort")]),
        ("leadership_workgroup.cohort", [_get(document, "leadership_workgroup", "cohort")]),
    ):
        refer(keys[0], path)
    for name in ("affinity_groups", "leadership_workgroup"):
        activity_key = _get(document, name, "activity")
        if isinstance(activity_key, str) and activity_key not in activity_keys:
            add(ProgramError(f"{name}.activity", f"no activity has the key {activity_key!r}"))
    term = _get(document, "affinity_groups", "glossary_term")
    glossary = _get(document, "glossary")
    glossary_keys = (
        [g.get("key") for g in glossary if isinstance(g, Mapping)]
        if isinstance(glossary, list)
        else []
    )
    if isinstance(term, str) and term not in glossary_keys:
        add(
            ProgramError(
                "affinity_groups.glossary_term", f"the glossary has no term with the key {term!r}"
            )
        )
    reporting = _get(document, "reporting")
    for cohort_key, facts in reporting.items() if isinstance(reporting, Mapping) else ():
        refer(cohort_key, f"reporting.{cohort_key}")
        if (
            isinstance(facts, Mapping)
            and "reflection_grace_days" in facts
            and facts.get("senior_leader_reply") is not True
        ):
            add(
                ProgramError(
                    f"reporting.{cohort_key}.reflection_grace_days",
                    "applies only to a cohort whose senior leaders reply (senior_leader_reply = true)",
                )
            )
    sharing = _get(document, "measures", "sharing")
    for cohort_key in sharing if isinstance(sharing, Mapping) else ():
        refer(cohort_key, f"measures.sharing.{cohort_key}")
    milestones = _get(document, "outcomes", "milestones")
    for cohort_key in milestones if isinstance(milestones, Mapping) else ():
        refer(cohort_key, f"outcomes.milestones.{cohort_key}")
    rubric_criteria = _get(document, "review_rubric", "criteria")
    for cohort_key in rubric_criteria if isinstance(rubric_criteria, Mapping) else ():
        refer(cohort_key, f"review_rubric.criteria.{cohort_key}")
    errors.extend(_self_check_errors(document, refer))
    for index, activity in enumerate(activities):
        partner = activity.get("alternates_with") if isinstance(activity, Mapping) else None
        if isinstance(partner, str) and partner not in activity_keys:
            add(
                ProgramError(
                    f"activities.{index}.alternates_with", f"no activity has the key {partner!r}"
                )
            )
    errors.extend(_checklist_errors(document, activity_keys, refer))
    letters = _get(document, "letters")
    for letter_key, letter in letters.items() if isinstance(letters, Mapping) else ():
        letter_cohorts = letter.get("cohorts") if isinstance(letter, Mapping) else None
        for index, cohort_key in enumerate(
            letter_cohorts if isinstance(letter_cohorts, list) else []
        ):
            refer(cohort_key, f"letters.{letter_key}.cohorts.{index}")

    for cohort_key, paths in references.items():
        if cohort_key not in cohorts:
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            add(ProgramError(f"cohorts.{cohort_key}", f"is missing, but {shown} refer to it"))

    errors.extend(_overview_errors(document, cohorts))
    errors.extend(_call_errors(document, start))
    errors.extend(_rubric_errors(document))
    errors.extend(_sharing_errors(document, activities))
    errors.extend(_age_band_errors(document))
    errors.extend(_assessment_errors(document))
    errors.extend(_outcome_errors(document, cohorts))
    errors.extend(_self_assessment_errors(document))
    for path, value in program_text.strings(document):
        for problem in program_text.check(value, document):
            add(ProgramError(path, problem))
    return errors


def _application_errors(
    application: Mapping,
    base: str,
    start: datetime.date | None,
    end: datetime.date | None,
    cycle_label: str,
) -> list[ProgramError]:
    errors = []
    deadline = _date(application.get("deadline"))
    decisions_by = _date(application.get("decisions_by"))
    if deadline and start and end:
        if deadline > end:
            errors.append(
                ProgramError(f"{base}.deadline", f"{deadline} is after the end of {cycle_label}")
            )
        elif deadline >= start:
            errors.append(
                ProgramError(f"{base}.deadline", f"{deadline} must be before {cycle_label} starts")
            )
    if "response_within_days" not in application and "decisions_by" not in application:
        errors.append(
            ProgramError(
                f"{base}.decisions_by",
                "a decision commitment is missing: give decisions_by (a date) or response_within_days",
            )
        )
    if deadline and decisions_by and decisions_by < deadline:
        errors.append(
            ProgramError(
                f"{base}.decisions_by", f"{decisions_by} is before the deadline {deadline}"
            )
        )
    if decisions_by and end and decisions_by > end:
        errors.append(
            ProgramError(
                f"{base}.decisions_by", f"{decisions_by} is after the end of {cycle_label}"
            )
        )
    video = application.get("video")
    if isinstance(video, Mapping):
        low, high = _int(video.get("min_minutes")), _int(video.get("max_minutes"))
        if low is not None and high is not None and low > high:
            errors.append(
                ProgramError(
                    f"{base}.video.min_minutes", f"must not be more than max_minutes ({high})"
                )
            )
        low, high = _int(video.get("choose_min")), _int(video.get("choose_max"))
        questions = video.get("questions") if isinstance(video.get("questions"), list) else None
        if low is not None and high is not None and low > high:
            errors.append(
                ProgramError(
                    f"{base}.video.choose_min", f"must not be more than choose_max ({high})"
                )
            )
        if high is not None and questions is not None and high > len(questions):
            errors.append(
                ProgramError(
                    f"{base}.video.choose_max",
                    f"is more than the {len(questions)} questions to choose from",
                )
            )
    return errors


def _overview_errors(document: Mapping, cohorts: Mapping) -> list[ProgramError]:
    errors = []
    rows = _get(document, "overview_rows")
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, Mapping):
            continue
        base = f"overview_rows.{index}"
        if ("both" in row) == ("cohort_field" in row):
            errors.append(
                ProgramError(base, "give either both (one text) or cohort_field, exactly one")
            )
            continue
        field = row.get("cohort_field")
        if not isinstance(field, str):
            continue
        for key, cohort in cohorts.items():
            try:
                value = program_text.resolve(cohort, field)
            except KeyError:
                value = None
            if not isinstance(value, str):
                errors.append(
                    ProgramError(f"{base}.cohort_field", f"cohort {key!r} has no text at {field}")
                )
    return errors


def _call_errors(document: Mapping, start: datetime.date | None) -> list[ProgramError]:
    call = _get(document, "informational_call")
    if not isinstance(call, Mapping):
        return []
    starts, ends = call.get("starts_at"), call.get("ends_at")
    errors = []
    if _is_local_datetime(starts) and _is_local_datetime(ends) and ends <= starts:
        errors.append(ProgramError("informational_call.ends_at", "must be after starts_at"))
    if _is_local_datetime(starts) and start and starts.date() >= start:
        errors.append(
            ProgramError("informational_call.starts_at", "must be before the cycle starts")
        )
    return errors


def _rubric_errors(document: Mapping) -> list[ProgramError]:
    low, high = (
        _int(_get(document, "review_rubric", "scale_min")),
        _int(_get(document, "review_rubric", "scale_max")),
    )
    if low is None or high is None:
        return []
    if low >= high:
        return [ProgramError("review_rubric.scale_max", "must be more than scale_min")]
    labels = _get(document, "review_rubric", "scale_labels")
    if isinstance(labels, list) and len(labels) != high - low + 1:
        return [
            ProgramError(
                "review_rubric.scale_labels", f"needs one label per score ({high - low + 1})"
            )
        ]
    return []


def _self_check_errors(document: Mapping, refer) -> list[ProgramError]:
    """Every cohort the self-check names is a cohort of the file; each cohort it may suggest has
    its advice, and each has at least one question."""
    check = _get(document, "self_check")
    if not isinstance(check, Mapping):
        return []
    errors = []
    order = check.get("order") if isinstance(check.get("order"), list) else []
    advice = check.get("advice") if isinstance(check.get("advice"), Mapping) else {}
    questions = check.get("questions") if isinstance(check.get("questions"), list) else []
    asked = set()
    for index, question in enumerate(questions):
        cohorts = question.get("cohorts") if isinstance(question, Mapping) else None
        for position, cohort_key in enumerate(cohorts if isinstance(cohorts, list) else []):
            refer(cohort_key, f"self_check.questions.{index}.cohorts.{position}")
            asked.add(cohort_key)
    for index, cohort_key in enumerate(order):
        refer(cohort_key, f"self_check.order.{index}")
        if isinstance(cohort_key, str) and cohort_key not in advice:
            errors.append(ProgramError(f"self_check.advice.{cohort_key}", "is missing"))
        if isinstance(cohort_key, str) and cohort_key not in asked:
            errors.append(
                ProgramError(
                    f"self_check.order.{index}", f"no question is asked for {cohort_key!r}"
                )
            )
    for cohort_key in advice:
        refer(cohort_key, f"self_check.advice.{cohort_key}")
    keys = [q.get("key") for q in questions if isinstance(q, Mapping)]
    if len(keys) != len(set(keys)):
        errors.append(ProgramError("self_check.questions", "two questions have the same key"))
    return errors


def warnings(document: Mapping) -> list[ProgramError]:
    """What a valid program file may still have wrong, worth saying but not refusing the file for:
    an activity scheduled in the same month for a cohort as the activity it ``alternates_with``
    (the seed's Learning Network grid prints group coaching in all-team months while its text says
    they alternate)."""
    activities = _get(document, "activities")
    by_key = {
        a["key"]: a
        for a in (activities if isinstance(activities, list) else [])
        if isinstance(a, Mapping) and isinstance(a.get("key"), str)
    }
    found = []
    for index, activity in enumerate(activities if isinstance(activities, list) else []):
        partner = (
            by_key.get(activity.get("alternates_with")) if isinstance(activity, Mapping) else None
        )
        if partner is None:
            continue
        for cohort_key, plan in (activity.get("schedule") or {}).items():
            other = (partner.get("schedule") or {}).get(cohort_key)
            if not isinstance(plan, Mapping) or not isinstance(other, Mapping):
                continue
            both = sorted(set(plan.get("months") or []) & set(other.get("months") or []))
            if both:
                found.append(
                    ProgramError(
                        f"activities.{index}.schedule.{cohort_key}.months",
                        f"{activity.get('name', activity['key'])} should alternate with "
                        f"{partner.get('name', partner['key'])}, but both are in "
                        f"{', '.join(both)}",
                    )
                )
    return found


def _age_band_errors(document: Mapping) -> list[ProgramError]:
    """Age bands must be readable, fall on the 2000 U.S. standard's age groups and not overlap
    (``equitystats.ageadjust.us2000_standard`` names the band)."""
    bands = _get(document, "measures", "age_bands")
    if not isinstance(bands, list) or not all(isinstance(b, str) for b in bands):
        return []
    try:
        us2000_standard(bands)
    except InputError as exc:
        return [ProgramError(f"measures.age_bands.{(exc.row or 1) - 1}", exc.message)]
    return []


def _sharing_errors(document: Mapping, activities: list) -> list[ProgramError]:
    """Sharing with the small cohort needs a cohort that meets in small cohorts: one that a
    ``small_groups`` activity with group sizes is scheduled for (the cohort builder's rule)."""
    sharing = _get(document, "measures", "sharing")
    if not isinstance(sharing, Mapping):
        return []
    in_small_groups = {
        cohort_key
        for activity in activities
        if isinstance(activity, Mapping)
        and activity.get("audience") == "small_groups"
        and "group_size_min" in activity
        and isinstance(activity.get("schedule"), Mapping)
        for cohort_key in activity["schedule"]
    }
    return [
        ProgramError(
            f"measures.sharing.{cohort_key}",
            f"{cohort_key!r} does not meet in small cohorts (no small_groups activity with "
            "group_size_min is scheduled for it), so it cannot share with a small cohort",
        )
        for cohort_key, scope in sharing.items()
        if scope == "small_cohort" and cohort_key not in in_small_groups
    ]


def _assessment_errors(document: Mapping) -> list[ProgramError]:
    levels = _get(document, "collaborative_assessment", "levels")
    if not isinstance(levels, list):
        return []
    scores = [lv.get("score") for lv in levels if isinstance(lv, Mapping)]
    if all(isinstance(s, int | float) for s in scores) and scores != sorted(set(scores)):
        return [ProgramError("collaborative_assessment.levels", "scores must rise, each once")]
    return []


def _duplicates(rows: Any, field: str) -> list[tuple[int, Any]]:
    """(index, value) of each row whose ``field`` repeats an earlier row's."""
    seen: set = set()
    repeated = []
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        value = row.get(field) if isinstance(row, Mapping) else None
        if not isinstance(value, str | int | float):  # the schema refuses any other key
            continue
        if value in seen:
            repeated.append((index, value))
        seen.add(value)
    return repeated


def _checklist_errors(document: Mapping, activity_keys, refer) -> list[ProgramError]:
    """Pre-work and training checklists: each key once, each item key once per checklist, the
    activity it prepares for exists and its cohorts are the program's."""
    checklists = _get(document, "checklists")
    if not isinstance(checklists, list):
        return []
    errors = [
        ProgramError(f"checklists.{index}.key", f"{key!r} is used twice")
        for index, key in _duplicates(checklists, "key")
    ]
    for index, checklist in enumerate(checklists):
        if not isinstance(checklist, Mapping):
            continue
        activity = checklist.get("activity")
        if isinstance(activity, str) and activity not in activity_keys:
            errors.append(
                ProgramError(
                    f"checklists.{index}.activity", f"no activity has the key {activity!r}"
                )
            )
        for position, cohort_key in enumerate(checklist.get("cohorts") or []):
            refer(cohort_key, f"checklists.{index}.cohorts.{position}")
        for item_index, key in _duplicates(checklist.get("items"), "key"):
            errors.append(
                ProgramError(f"checklists.{index}.items.{item_index}.key", f"{key!r} is used twice")
            )
    return errors


def _outcome_errors(document: Mapping, cohorts: Mapping) -> list[ProgramError]:
    """One milestone per expected outcome of the cohort, in order, each key once."""
    milestones = _get(document, "outcomes", "milestones")
    errors = []
    for cohort_key, rows in milestones.items() if isinstance(milestones, Mapping) else ():
        base = f"outcomes.milestones.{cohort_key}"
        if cohort_key not in cohorts:
            continue  # reported once, with every other reference to the cohort
        items = _get(cohorts[cohort_key], "expected_outcomes", "items")
        if isinstance(rows, list) and isinstance(items, list) and len(rows) != len(items):
            errors.append(
                ProgramError(
                    base,
                    f"needs one milestone per expected outcome of the cohort ({len(items)}), "
                    f"found {len(rows)}",
                )
            )
        for index, key in _duplicates(rows, "key"):
            errors.append(ProgramError(f"{base}.{index}.key", f"{key!r} is used twice"))
    return errors


def _self_assessment_errors(document: Mapping) -> list[ProgramError]:
    """Items name a component of [strategy.components], every component has an item; keys and
    scale values once each, scale values rising."""
    assessment = _get(document, "self_assessment")
    if not isinstance(assessment, Mapping):
        return []
    errors = []
    components = _get(document, "strategy", "components")
    component_keys = [
        c.get("key")
        for c in (components if isinstance(components, list) else [])
        if isinstance(c, Mapping)
    ]
    items = assessment.get("items") if isinstance(assessment.get("items"), list) else []
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and item.get("component") not in component_keys:
            errors.append(
                ProgramError(
                    f"self_assessment.items.{index}.component",
                    f"{item.get('component')!r} is not a key of strategy.components",
                )
            )
    asked = {item.get("component") for item in items if isinstance(item, Mapping)}
    for key in component_keys:
        if items and key not in asked:
            errors.append(
                ProgramError("self_assessment.items", f"no item asks about the component {key!r}")
            )
    for name in ("items", "rounds"):
        for index, key in _duplicates(assessment.get(name), "key"):
            errors.append(
                ProgramError(f"self_assessment.{name}.{index}.key", f"{key!r} is used twice")
            )
    scale = assessment.get("scale") if isinstance(assessment.get("scale"), list) else []
    values = [s.get("value") for s in scale if isinstance(s, Mapping)]
    if all(_int(v) is not None for v in values) and values != sorted(set(values)):
        errors.append(ProgramError("self_assessment.scale", "values must rise, each once"))
    return errors

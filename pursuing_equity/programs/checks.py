"""The checks across keys of a program file, which a JSON Schema cannot say: dates inside the
cycle, sizes that fit (min not above max), every key a file refers to defined (cohorts,
activities, glossary terms, strategy components), each key used once, counts that match.

Each check is a named function ``check(document, facts) -> list[ProgramError]`` listed in
:data:`CHECKS`; ``facts`` are what several checks read (the cycle's months, the cohorts, the
activities). The checks read the shape the JSON Schema (:mod:`pursuing_equity.programs.schema`)
describes but must not assume it: they run on every document, valid or not, and skip what is not
well-formed. :func:`warnings` says what a valid file may still have wrong.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from equitystats.ageadjust import us2000_standard
from equitystats.errors import InputError
from pursuing_equity.programs import text as program_text
from pursuing_equity.programs.dates import (
    is_local_datetime,
    is_month,
    is_toml_date,
    month_end,
    parse_month,
)


@dataclass(frozen=True, order=True)
class ProgramError:
    """One problem of a program file: the key path it is about and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


# --- reading a document whose shape may be wrong ----------------------------------------------


def _get(document: Any, *keys: str) -> Any:
    node = document
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _date(value: Any) -> datetime.date | None:
    return value if is_toml_date(value) else None


def _local_datetime(value: Any) -> datetime.datetime | None:
    return value if is_local_datetime(value) else None


def _month(value: Any) -> datetime.date | None:
    return parse_month(value) if is_month(value) else None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _table(value: Any) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _used_twice(rows: Any, base: str, field: str = "key") -> list[ProgramError]:
    """An error for each row of ``rows`` (at ``base``) whose ``field`` repeats an earlier row's."""
    seen: set = set()
    errors = []
    for index, row in enumerate(_list(rows)):
        value = row.get(field) if isinstance(row, Mapping) else None
        if not isinstance(value, str | int | float):  # the schema refuses any other key
            continue
        if value in seen:
            errors.append(ProgramError(f"{base}.{index}.{field}", f"{value!r} is used twice"))
        seen.add(value)
    return errors


def _above(table: Mapping, low_key: str, high_key: str, base: str) -> list[ProgramError]:
    """An error if ``table``'s ``low_key`` is more than its ``high_key`` (both integers)."""
    low, high = _int(table.get(low_key)), _int(table.get(high_key))
    if low is not None and high is not None and low > high:
        return [ProgramError(f"{base}.{low_key}", f"must not be more than {high_key} ({high})")]
    return []


def _no_activity(key: Any, path: str, activity_keys: list) -> list[ProgramError]:
    """An error if ``key`` (a string) names no activity of the file."""
    if isinstance(key, str) and key not in activity_keys:
        return [ProgramError(path, f"no activity has the key {key!r}")]
    return []


@dataclass(frozen=True)
class Facts:
    """What several checks read, taken once from the document (empty where it is malformed)."""

    start: datetime.date | None
    end_month: datetime.date | None
    end: datetime.date | None
    cycle_label: str
    cohorts: Mapping = field(default_factory=dict)
    activities: list = field(default_factory=list)
    activity_keys: list = field(default_factory=list)


def facts_of(document: Mapping) -> Facts:
    start = _month(_get(document, "cycle", "start_month"))
    end_month = _month(_get(document, "cycle", "end_month"))
    cohorts = _get(document, "cohorts")
    activities = _get(document, "activities")
    activities = _list(activities)
    return Facts(
        start=start,
        end_month=end_month,
        end=month_end(end_month) if end_month else None,
        cycle_label=f"the cycle ({_get(document, 'cycle', 'start_month')} to "
        f"{_get(document, 'cycle', 'end_month')})",
        cohorts=cohorts if isinstance(cohorts, Mapping) else {},
        activities=activities,
        activity_keys=[a.get("key") for a in activities if isinstance(a, Mapping)],
    )


# --- the checks ---------------------------------------------------------------------------------


def _cycle_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """The cycle ends after it starts."""
    if facts.start and facts.end and facts.end_month <= facts.start:
        yield ProgramError("cycle.end_month", "must be after the cycle's start month")


def _cohort_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """A cohort's team sizes fit, the activities it describes exist, and its application's dates
    fit the cycle (:func:`_application_errors`)."""
    for key, cohort in facts.cohorts.items():
        if not isinstance(cohort, Mapping):
            continue
        base = f"cohorts.{key}"
        team = _table(cohort.get("team"))
        yield from _above(team, "min_size", "max_size", f"{base}.team")
        for index, activity_key in enumerate(cohort.get("activity_descriptions") or []):
            if activity_key not in facts.activity_keys:
                yield ProgramError(
                    f"{base}.activity_descriptions.{index}",
                    f"no activity has the key {activity_key!r}",
                )
        application = cohort.get("application")
        if isinstance(application, Mapping):
            yield from _application_errors(application, f"{base}.application", facts)


def _application_errors(application: Mapping, base: str, facts: Facts) -> Iterator[ProgramError]:
    """The deadline falls before the cycle starts, a decision commitment is given, decisions
    come after the deadline and within the cycle, the video's limits fit."""
    start, end, cycle = facts.start, facts.end, facts.cycle_label
    deadline = _date(application.get("deadline"))
    decisions_by = _date(application.get("decisions_by"))
    if deadline and start and end:
        if deadline > end:
            yield ProgramError(f"{base}.deadline", f"{deadline} is after the end of {cycle}")
        elif deadline >= start:
            yield ProgramError(f"{base}.deadline", f"{deadline} must be before {cycle} starts")
    if "response_within_days" not in application and "decisions_by" not in application:
        yield ProgramError(
            f"{base}.decisions_by",
            "a decision commitment is missing: give decisions_by (a date) or response_within_days",
        )
    if deadline and decisions_by and decisions_by < deadline:
        yield ProgramError(
            f"{base}.decisions_by", f"{decisions_by} is before the deadline {deadline}"
        )
    if decisions_by and end and decisions_by > end:
        yield ProgramError(f"{base}.decisions_by", f"{decisions_by} is after the end of {cycle}")
    video = application.get("video")
    if isinstance(video, Mapping):
        yield from _above(video, "min_minutes", "max_minutes", f"{base}.video")
        yield from _above(video, "choose_min", "choose_max", f"{base}.video")
        high = _int(video.get("choose_max"))
        questions = video.get("questions") if isinstance(video.get("questions"), list) else None
        if high is not None and questions is not None and high > len(questions):
            yield ProgramError(
                f"{base}.video.choose_max",
                f"is more than the {len(questions)} questions to choose from",
            )


def _activity_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """Activity keys once each; group sizes fit; a duration in minutes or days, not both; the
    activity an activity alternates with exists."""
    seen_keys: set[str] = set()
    for index, activity in enumerate(facts.activities):
        if not isinstance(activity, Mapping):
            continue
        base = f"activities.{index}"
        key = activity.get("key")
        if isinstance(key, str) and key in seen_keys:
            yield ProgramError(f"{base}.key", f"another activity already has the key {key!r}")
        if isinstance(key, str):
            seen_keys.add(key)
        yield from _above(activity, "group_size_min", "group_size_max", base)
        if "duration_minutes" in activity and "duration_days" in activity:
            yield ProgramError(
                f"{base}.duration_days", "give the duration in minutes or in days, not both"
            )
        partner = activity.get("alternates_with")
        yield from _no_activity(partner, f"{base}.alternates_with", facts.activity_keys)


def _schedule_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """An activity's scheduled months fall inside the cycle, its in-person months among them."""
    start, end = facts.start, facts.end
    for index, activity in enumerate(facts.activities):
        schedule = activity.get("schedule") if isinstance(activity, Mapping) else None
        for cohort_key, plan in schedule.items() if isinstance(schedule, Mapping) else ():
            if not isinstance(plan, Mapping):
                continue
            base = f"activities.{index}.schedule.{cohort_key}"
            months = _list(plan.get("months"))
            for name in ("months", "in_person"):
                values = plan.get(name)
                for position, value in enumerate(_list(values)):
                    month = _month(value)
                    if month and start and end and not (start <= month <= end):
                        yield ProgramError(
                            f"{base}.{name}.{position}",
                            f"{value} is outside {facts.cycle_label}",
                        )
                    if name == "in_person" and isinstance(value, str) and value not in months:
                        yield ProgramError(
                            f"{base}.in_person.{position}",
                            f"{value} is not one of this activity's months",
                        )


def _linked_key_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """The activities of the affinity groups and the leadership workgroup exist, and so does the
    glossary term the affinity groups link to."""
    for name in ("affinity_groups", "leadership_workgroup"):
        activity_key = _get(document, name, "activity")
        yield from _no_activity(activity_key, f"{name}.activity", facts.activity_keys)
    term = _get(document, "affinity_groups", "glossary_term")
    glossary_keys = [
        g.get("key") for g in _list(_get(document, "glossary")) if isinstance(g, Mapping)
    ]
    if isinstance(term, str) and term not in glossary_keys:
        yield ProgramError(
            "affinity_groups.glossary_term", f"the glossary has no term with the key {term!r}"
        )


def _reporting_errors(document: Mapping, facts: Facts) -> list[ProgramError]:
    """A grace period for leader reflections only where senior leaders reply."""
    reporting = _get(document, "reporting")
    return [
        ProgramError(
            f"reporting.{cohort_key}.reflection_grace_days",
            "applies only to a cohort whose senior leaders reply (senior_leader_reply = true)",
        )
        for cohort_key, rules in (reporting.items() if isinstance(reporting, Mapping) else ())
        if isinstance(rules, Mapping)
        and "reflection_grace_days" in rules
        and rules.get("senior_leader_reply") is not True
    ]


def cohort_references(document: Mapping) -> dict[str, list[str]]:
    """Every place the file names a cohort by its key: cohort key -> key paths, in file order."""
    references: dict[str, list[str]] = {}

    def refer(cohort_key: Any, path: str) -> None:
        if isinstance(cohort_key, str):
            references.setdefault(cohort_key, []).append(path)

    def table(*path: str) -> Mapping:
        found = _get(document, *path)
        return found if isinstance(found, Mapping) else {}

    for key, cohort in table("cohorts").items():
        application = cohort.get("application") if isinstance(cohort, Mapping) else None
        if isinstance(application, Mapping) and "fallback_cohort" in application:
            refer(application["fallback_cohort"], f"cohorts.{key}.application.fallback_cohort")
    activities = _get(document, "activities")
    for index, activity in enumerate(_list(activities)):
        schedule = activity.get("schedule") if isinstance(activity, Mapping) else None
        for cohort_key in schedule if isinstance(schedule, Mapping) else ():
            refer(cohort_key, f"activities.{index}.schedule.{cohort_key}")
    for name in ("affinity_groups", "leadership_workgroup"):
        refer(_get(document, name, "cohort"), f"{name}.cohort")
    for path in ("reporting", "measures.sharing", "outcomes.milestones", "review_rubric.criteria"):
        for cohort_key in table(*path.split(".")):
            refer(cohort_key, f"{path}.{cohort_key}")
    check = table("self_check")
    questions = _list(check.get("questions"))
    for index, question in enumerate(questions):
        cohorts = question.get("cohorts") if isinstance(question, Mapping) else None
        for position, cohort_key in enumerate(_list(cohorts)):
            refer(cohort_key, f"self_check.questions.{index}.cohorts.{position}")
    order = _list(check.get("order"))
    for index, cohort_key in enumerate(order):
        refer(cohort_key, f"self_check.order.{index}")
    for cohort_key in table("self_check", "advice"):
        refer(cohort_key, f"self_check.advice.{cohort_key}")
    checklists = _get(document, "checklists")
    for index, checklist in enumerate(_list(checklists)):
        if isinstance(checklist, Mapping):
            for position, cohort_key in enumerate(checklist.get("cohorts") or []):
                refer(cohort_key, f"checklists.{index}.cohorts.{position}")
    for letter_key, letter in table("letters").items():
        cohorts = letter.get("cohorts") if isinstance(letter, Mapping) else None
        for index, cohort_key in enumerate(_list(cohorts)):
            refer(cohort_key, f"letters.{letter_key}.cohorts.{index}")
    return references


def _unknown_cohort_errors(document: Mapping, facts: Facts) -> list[ProgramError]:
    """Every cohort the file refers to is defined (one error per missing cohort, naming where)."""
    errors = []
    for cohort_key, paths in cohort_references(document).items():
        if cohort_key not in facts.cohorts:
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            errors.append(
                ProgramError(f"cohorts.{cohort_key}", f"is missing, but {shown} refer to it")
            )
    return errors


def _text_errors(document: Mapping, facts: Facts) -> list[ProgramError]:
    """The placeholders and references inside the file's texts (``programs.text.check``)."""
    return [
        ProgramError(path, problem)
        for path, value in program_text.strings(document)
        for problem in program_text.check(value, document)
    ]


def _overview_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """An overview row gives one text for both cohorts or names a text every cohort has."""
    rows = _get(document, "overview_rows")
    for index, row in enumerate(_list(rows)):
        if not isinstance(row, Mapping):
            continue
        base = f"overview_rows.{index}"
        if ("both" in row) == ("cohort_field" in row):
            yield ProgramError(base, "give either both (one text) or cohort_field, exactly one")
            continue
        field = row.get("cohort_field")
        if not isinstance(field, str):
            continue
        for key, cohort in facts.cohorts.items():
            try:
                value = program_text.resolve(cohort, field)
            except KeyError:
                value = None
            if not isinstance(value, str):
                yield ProgramError(f"{base}.cohort_field", f"cohort {key!r} has no text at {field}")


def _call_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """The informational call ends after it starts, and before the cycle starts."""
    call = _get(document, "informational_call")
    if not isinstance(call, Mapping):
        return
    starts, ends = _local_datetime(call.get("starts_at")), _local_datetime(call.get("ends_at"))
    if starts and ends and ends <= starts:
        yield ProgramError("informational_call.ends_at", "must be after starts_at")
    if starts and facts.start and starts.date() >= facts.start:
        yield ProgramError("informational_call.starts_at", "must be before the cycle starts")


def _rubric_errors(document: Mapping, facts: Facts) -> list[ProgramError]:
    """The rubric's scale rises, with one label per score."""
    rubric = _table(_get(document, "review_rubric"))
    low, high = _int(rubric.get("scale_min")), _int(rubric.get("scale_max"))
    if low is None or high is None:
        return []
    if low >= high:
        return [ProgramError("review_rubric.scale_max", "must be more than scale_min")]
    labels = rubric.get("scale_labels")
    if isinstance(labels, list) and len(labels) != high - low + 1:
        return [
            ProgramError(
                "review_rubric.scale_labels", f"needs one label per score ({high - low + 1})"
            )
        ]
    return []


def _self_check_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """Each cohort the self-check may suggest has its advice and at least one question; question
    keys once each. (That the cohorts it names exist is :func:`_unknown_cohort_errors`.)"""
    check = _get(document, "self_check")
    if not isinstance(check, Mapping):
        return
    order = _list(check.get("order"))
    advice = _table(check.get("advice"))
    questions = _list(check.get("questions"))
    asked = set()
    for question in questions:
        cohorts = question.get("cohorts") if isinstance(question, Mapping) else None
        asked.update(_list(cohorts))
    for index, cohort_key in enumerate(order):
        if isinstance(cohort_key, str) and cohort_key not in advice:
            yield ProgramError(f"self_check.advice.{cohort_key}", "is missing")
        if isinstance(cohort_key, str) and cohort_key not in asked:
            yield ProgramError(
                f"self_check.order.{index}", f"no question is asked for {cohort_key!r}"
            )
    keys = [q.get("key") for q in questions if isinstance(q, Mapping)]
    if len(keys) != len(set(keys)):
        yield ProgramError("self_check.questions", "two questions have the same key")


def _age_band_errors(document: Mapping, facts: Facts) -> list[ProgramError]:
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


def _sharing_errors(document: Mapping, facts: Facts) -> list[ProgramError]:
    """Sharing with the small cohort needs a cohort that meets in small cohorts: one that a
    ``small_groups`` activity with group sizes is scheduled for (the cohort builder's rule)."""
    sharing = _get(document, "measures", "sharing")
    if not isinstance(sharing, Mapping):
        return []
    in_small_groups = {
        cohort_key
        for activity in facts.activities
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


def _assessment_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """The collaborative assessment's level scores rise, each once."""
    levels = _get(document, "collaborative_assessment", "levels")
    scores = [lv.get("score") for lv in _list(levels) if isinstance(lv, Mapping)]
    if all(isinstance(s, int | float) for s in scores) and scores != sorted(set(scores)):
        yield ProgramError("collaborative_assessment.levels", "scores must rise, each once")


def _checklist_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """Pre-work and training checklists: each key once, each item key once per checklist, the
    activity it prepares for exists."""
    checklists = _get(document, "checklists")
    if not isinstance(checklists, list):
        return
    yield from _used_twice(checklists, "checklists")
    for index, checklist in enumerate(checklists):
        if not isinstance(checklist, Mapping):
            continue
        activity = checklist.get("activity")
        yield from _no_activity(activity, f"checklists.{index}.activity", facts.activity_keys)
        yield from _used_twice(checklist.get("items"), f"checklists.{index}.items")


def _outcome_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """One milestone per expected outcome of the cohort, in order, each key once."""
    milestones = _get(document, "outcomes", "milestones")
    for cohort_key, rows in milestones.items() if isinstance(milestones, Mapping) else ():
        base = f"outcomes.milestones.{cohort_key}"
        if cohort_key not in facts.cohorts:
            continue  # reported once, with every other reference to the cohort
        items = _get(facts.cohorts[cohort_key], "expected_outcomes", "items")
        if isinstance(rows, list) and isinstance(items, list) and len(rows) != len(items):
            yield ProgramError(
                base,
                f"needs one milestone per expected outcome of the cohort ({len(items)}), "
                f"found {len(rows)}",
            )
        yield from _used_twice(rows, base)


def _self_assessment_errors(document: Mapping, facts: Facts) -> Iterator[ProgramError]:
    """Items name a component of [strategy.components], every component has an item; keys and
    scale values once each, scale values rising."""
    assessment = _get(document, "self_assessment")
    if not isinstance(assessment, Mapping):
        return
    components = _get(document, "strategy", "components")
    component_keys = [c.get("key") for c in _list(components) if isinstance(c, Mapping)]
    items = _list(assessment.get("items"))
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and item.get("component") not in component_keys:
            yield ProgramError(
                f"self_assessment.items.{index}.component",
                f"{item.get('component')!r} is not a key of strategy.components",
            )
    asked = {item.get("component") for item in items if isinstance(item, Mapping)}
    for key in component_keys:
        if items and key not in asked:
            yield ProgramError("self_assessment.items", f"no item asks about the component {key!r}")
    for name in ("items", "rounds"):
        yield from _used_twice(assessment.get(name), f"self_assessment.{name}")
    scale = _list(assessment.get("scale"))
    values = [s.get("value") for s in scale if isinstance(s, Mapping)]
    if all(_int(v) is not None for v in values) and values != sorted(set(values)):
        yield ProgramError("self_assessment.scale", "values must rise, each once")


Check = Callable[[Mapping, Facts], Iterable[ProgramError]]

#: Every check across keys, each named for what it checks.
CHECKS: tuple[Check, ...] = (
    _cycle_errors,
    _cohort_errors,
    _activity_errors,
    _schedule_errors,
    _linked_key_errors,
    _reporting_errors,
    _unknown_cohort_errors,
    _overview_errors,
    _call_errors,
    _rubric_errors,
    _self_check_errors,
    _sharing_errors,
    _age_band_errors,
    _assessment_errors,
    _checklist_errors,
    _outcome_errors,
    _self_assessment_errors,
    _text_errors,
)


def semantic_errors(document: Mapping) -> list[ProgramError]:
    """Every problem the checks across keys find in ``document`` (unsorted, may repeat)."""
    facts = facts_of(document)
    return [error for check in CHECKS for error in check(document, facts)]


def warnings(document: Mapping) -> list[ProgramError]:
    """What a valid program file may still have wrong, worth saying but not refusing the file for:
    an activity scheduled in the same month for a cohort as the activity it ``alternates_with``
    (the seed's Learning Network grid prints group coaching in all-team months while its text says
    they alternate)."""
    activities = _get(document, "activities")
    by_key = {
        a["key"]: a
        for a in _list(activities)
        if isinstance(a, Mapping) and isinstance(a.get("key"), str)
    }
    found = []
    for index, activity in enumerate(_list(activities)):
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

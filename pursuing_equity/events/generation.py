"""Generating the calendar: the events the program file's calendar asks for (:func:`calendar_plan`,
read-only) and the write that makes the cycle's events match it (:func:`calendar_generate`)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.events import affinity, schedule
from pursuing_equity.events.models import FORUM_MEETUP, Event
from pursuing_equity.events.services import NOTIFIED_FIELDS, notify_change
from pursuing_equity.programs.dates import format_month, parse_month
from pursuing_equity.programs.models import ActivityMonth, Cycle
from pursuing_equity.teams.models import SmallCohort, Team

A = Event.Audience
M = Event.Modality


@dataclass
class Planned:
    """An event as the program file's calendar wants it."""

    key: str
    values: dict[str, Any]
    facilitator_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class GenerationResult:
    created: int
    updated: int
    removed: int
    unchanged: int
    kept_edited: int

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {self.kept_edited} edited by hand and kept"
        )


# --- the plan: what the program file asks for ----------------------------------------------------


@dataclass(frozen=True)
class _Cycle:
    """What planning reads of a cycle once, before walking its grid (4 queries)."""

    cycle: Cycle
    rules: dict[str, schedule.Rule]
    small_cohorts: dict[int, list[SmallCohort]]
    teams: dict[int, list[Team]]
    groups: Mapping[str, Any]
    city: str
    video: str


#: (audience, the event's target field, label in the title, facilitator ids) of one event
Target = tuple[str, dict[str, Any], str, set[int]]


def _rules(cycle: Cycle, activities: Mapping[str, Any]) -> dict[str, schedule.Rule]:
    defaults = cycle.document.get("calendar", {}).get("defaults", {})
    return {
        key: schedule.rule_from(
            defaults.get(key), minutes=activity.duration_minutes, days=activity.duration_days
        )
        for key, activity in activities.items()
    }


def _read_cycle(cycle: Cycle) -> _Cycle:
    document = cycle.document
    small_cohorts: dict[int, list[SmallCohort]] = {}
    for sc in SmallCohort.objects.filter(cycle=cycle, in_use=True).order_by("name"):
        small_cohorts.setdefault(sc.cohort_id, []).append(sc)
    teams: dict[int, list[Team]] = {}
    for team in Team.objects.filter(cycle=cycle).order_by("name"):
        teams.setdefault(team.cohort_id, []).append(team)
    return _Cycle(
        cycle=cycle,
        rules=_rules(cycle, {a.key: a for a in cycle.activities.all()}),
        small_cohorts=small_cohorts,
        teams=teams,
        groups=document.get("affinity_groups", {}),
        city=document.get("in_person_location", ""),
        video=document.get("calendar", {}).get("video_call", ""),
    )


def _when(
    row: ActivityMonth, rules: Mapping[str, schedule.Rule], zone: str
) -> tuple[datetime.datetime, datetime.datetime]:
    """(starts_at, ends_at) of the grid cross ``row``: an in-person month of an activity held
    during another (``in_person_during``) takes its time from that host activity."""
    rule = rules[row.activity.key]
    host = rules.get(rule.in_person_during or "")
    if row.in_person and host is not None:
        return schedule.during(rule, host, row.month, zone)
    return schedule.occurrence(rule, row.month, zone)


def _targets(row: ActivityMonth, read: _Cycle) -> list[Target]:
    """Who the grid cross's events are for: one event per small cohort (or the whole cohort
    while it has none), per team (1:1 coaching), per affinity group, the leaders, or the cohort."""
    activity, cohort = row.activity, row.cohort
    if activity.audience == "small_groups" and read.small_cohorts.get(cohort.pk):
        return [
            (A.SMALL_COHORT, {"small_cohort": sc}, sc.name, {sc.coach_id} - {None})
            for sc in read.small_cohorts[cohort.pk]
        ]
    if activity.audience == "one_team":
        return [
            (A.TEAM, {"team": t}, t.name, {t.coach_id} - {None})
            for t in read.teams.get(cohort.pk, [])
        ]
    if activity.audience == "affinity_groups":
        if read.groups.get("cohort") != cohort.key:
            return []
        return [
            (
                A.AFFINITY_GROUP,
                {"affinity_group": g["key"]},
                g["name"],
                affinity.facilitator_ids(read.cycle, g["key"]),
            )
            for g in read.groups.get("groups", [])
        ]
    if activity.audience == "leaders":
        return [(A.LEADERS, {"cohort": cohort}, cohort.name, set())]
    return [(A.COHORT, {"cohort": cohort}, cohort.name, set())]


def _cross_plans(row: ActivityMonth, read: _Cycle) -> list[Planned]:
    """The events of one grid cross (an activity in a month for a cohort), by generated key."""
    activity, cohort = row.activity, row.cohort
    starts_at, ends_at = _when(row, read.rules, read.cycle.time_zone)
    in_person = row.in_person or activity.modality == "in_person"
    common = {
        "activity": activity,
        "kind": activity.key,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "modality": M.IN_PERSON if in_person else M.VIRTUAL,
        "location": read.city if in_person else read.video,
        "optional": False,
    }
    month = format_month(row.month)
    plans = []
    for audience, target, label, facilitators in _targets(row, read):
        target_key = next(str(v.pk if hasattr(v, "pk") else v) for v in target.values())
        key = f"{activity.key}/{audience}/{target_key}/{month}"
        values = {
            **common,
            **target,
            "audience": audience,
            "title": f"{activity.name} — {label}",
            "cohort": target.get("cohort", cohort if audience != A.AFFINITY_GROUP else None),
        }
        plans.append(Planned(key, values, facilitators))
    return plans


def _meetup_plan(cycle: Cycle) -> Planned | None:
    """The program's optional meet-up at the IHI Forum, for everyone in the cycle."""
    document = cycle.document
    meetup = document.get("forum_meetup")
    if not meetup:
        return None
    rule = schedule.rule_from(document.get("calendar", {}).get("forum_meetup"), minutes=90)
    starts_at, ends_at = schedule.occurrence(rule, parse_month(meetup["month"]), cycle.time_zone)
    key = f"{FORUM_MEETUP}/{A.CYCLE}/{cycle.pk}/{meetup['month']}"
    optional = bool(meetup.get("optional"))
    return Planned(
        key,
        {
            "activity": None,
            "kind": FORUM_MEETUP,
            "audience": A.CYCLE,
            "title": f"{meetup['name']} meet-up" + (" (optional)" if optional else ""),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "modality": M.IN_PERSON,
            "location": rule.location or meetup["name"],
            "venue": meetup.get("venue", ""),
            "notes": meetup.get("details", ""),
            "optional": optional,
            "cohort": None,
        },
    )


def calendar_plan(cycle: Cycle) -> dict[str, Planned]:
    """Every event the program file's calendar asks for, by its generated key (6 queries).

    One event per grid cross and audience: all teams of the cohort; each small cohort (or, while
    the cohort has none, the whole cohort); each team (1:1 coaching); each affinity group of the
    program file; the leadership workgroup; and the optional IHI Forum meet-up for everyone.
    Days and times come from ``[calendar.defaults]`` (see schedule.py); in-person months (the
    grid's "X*") are in person at the program's ``in_person_location``.
    """
    read = _read_cycle(cycle)
    crosses = ActivityMonth.objects.filter(activity__cycle=cycle).select_related(
        "activity", "cohort"
    )
    plans = {plan.key: plan for row in crosses for plan in _cross_plans(row, read)}
    meetup = _meetup_plan(cycle)
    if meetup is not None:
        plans[meetup.key] = meetup
    return plans


# --- generation: making the cycle's events match the plan -----------------------------------------


def _differs(event: Event, values: Mapping[str, Any]) -> list[str]:
    """The names of ``values`` that differ from the event's (relations compared by id)."""
    changed = []
    for name, value in values.items():
        field_ = Event._meta.get_field(name)
        if field_.is_relation:
            current, value = getattr(event, field_.attname), getattr(value, "pk", None)
        else:
            current = getattr(event, name)
        if current != value:
            changed.append(name)
    return changed


def _clean_generated(event: Event) -> None:
    """Validate a generated event's own fields. Its relations come straight from the database and
    its check constraints are the database's: checking them in Python for every one of a
    cycle's events would take seconds."""
    event.full_clean(
        exclude=["cycle", "activity", "cohort", "small_cohort", "team"], validate_constraints=False
    )


def _follow_plan(event: Event, plan: Planned) -> str:
    """Bring an existing generated event to its plan; says "kept", "unchanged" or "updated"."""
    if event.edited:
        return "kept"
    changed = _differs(event, plan.values)
    facilitators_changed = {u.pk for u in event.facilitators.all()} != plan.facilitator_ids
    if not changed and not facilitators_changed:
        return "unchanged"
    before = model_snapshot(event, changed) if changed else {}
    if changed:
        for name, value in plan.values.items():
            setattr(event, name, value)
        event.sequence += 1
        _clean_generated(event)
        event.save()
    if facilitators_changed:
        event.facilitators.set(plan.facilitator_ids)
    if set(changed) & set(NOTIFIED_FIELDS):
        notify_change(event, before)
    return "updated"


def _create(new: list[tuple[Event, set[int]]]) -> None:
    """A cycle's calendar is a couple of hundred events: one statement for them, one for their
    facilitators."""
    Event.objects.bulk_create([event for event, _ in new])
    Event.facilitators.through.objects.bulk_create(
        [
            Event.facilitators.through(event_id=event.pk, user_id=user_id)
            for event, facilitator_ids in new
            for user_id in facilitator_ids
        ]
    )


@transaction.atomic
def calendar_generate(*, actor: Any, cycle: Cycle) -> GenerationResult:
    """Create the cycle's events from the program file's calendar; running it again changes
    nothing.

    Events edited by staff (or moved by a coaching booking) are left as they are. Generated events
    that the program no longer asks for are removed unless someone has taken their attendance or
    edited them. Untouched events follow the program file (a changed default time moves them, and
    their people are told).
    """
    plans = calendar_plan(cycle)
    existing = {
        e.generated_key: e
        for e in cycle.events.exclude(generated_key="").prefetch_related("facilitators")
    }
    outcomes = {"kept": 0, "unchanged": 0, "updated": 0}
    new: list[tuple[Event, set[int]]] = []
    for key, plan in plans.items():
        event = existing.pop(key, None)
        if event is None:
            event = Event(cycle=cycle, generated_key=key, **plan.values)
            _clean_generated(event)
            new.append((event, plan.facilitator_ids))
        else:
            outcomes[_follow_plan(event, plan)] += 1
    _create(new)
    removed = 0
    for event in existing.values():
        if event.edited or event.attendance.exists():
            outcomes["kept"] += 1
            continue
        event.delete()
        removed += 1
    result = GenerationResult(
        len(new), outcomes["updated"], removed, outcomes["unchanged"], outcomes["kept"]
    )
    audit_record(
        actor=actor,
        action="calendar.generated",
        obj=cycle,
        after={
            "created": result.created,
            "updated": result.updated,
            "removed": result.removed,
            "unchanged": result.unchanged,
            "kept_edited": result.kept_edited,
        },
        note=str(result),
    )
    return result

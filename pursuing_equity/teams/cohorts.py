"""The cohort builder: Learning Network small cohorts from the solver, then pins, moves and coaches.

The optimisation itself is :mod:`pursuing_equity.teams.cohort_solver` (no Django). This module
turns teams into the solver's input, runs it in the background (``cohort_build`` task: 40 teams
usually take a second or two, now and then tens of seconds), writes the result into SmallCohort and Team, and holds every change staff
make by hand. Every write is a service (``<noun>_<verb>``, keyword-only, in a transaction, audited).

Which cohort is split, and into groups of how many teams, is read from the program file: the
activity whose audience is ``small_groups`` (the seed's group coaching calls, "smaller cohorts of
4 to 5 teams").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.tasks import task
from django.utils import timezone

from pursuing_equity.accounts.models import Organization
from pursuing_equity.core.services import audit_record
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.teams import cohort_solver as solver
from pursuing_equity.teams import effects
from pursuing_equity.teams.models import CohortPin, CohortRun, KeepApart, SmallCohort, Team
from pursuing_equity.teams.services import coach_save

WEIGHT_MAX = 5
# In the background: 40 teams are proven optimal in about a second, a few take tens of seconds
# (bench/bench_cohorts.py), so the page does not wait for the solver.
SOLVER_SECONDS = 300.0

# How each factor is read from an organization, and how a sentence speaks of its values.
_REGIONS = ("Northeast", "Midwest", "South", "West", "Territories")
_TYPE_WORDS = {
    Organization.Type.ACADEMIC: ("an academic medical center", "academic medical centers"),
    Organization.Type.COMMUNITY_HOSPITAL: ("a community hospital", "community hospitals"),
    Organization.Type.FQHC: ("an FQHC", "FQHCs"),
    Organization.Type.HEALTH_SYSTEM: ("a health system", "health systems"),
    Organization.Type.SAFETY_NET: ("a safety-net hospital", "safety-net hospitals"),
    Organization.Type.PUBLIC_HEALTH: ("a public health department", "public health departments"),
    Organization.Type.OTHER: ("another kind of organization", "other kinds of organization"),
}
_SIZE_WORDS = {
    Organization.Size.SMALL: ("one small", "small"),
    Organization.Size.MEDIUM: ("one medium-sized", "medium-sized"),
    Organization.Size.LARGE: ("one large", "large"),
    Organization.Size.VERY_LARGE: ("one very large", "very large"),
}

FACTORS: tuple[solver.Factor, ...] = (
    solver.Factor(
        "region",
        "Region",
        "category",
        {r: (f"one in the {r}", f"in the {r}") for r in _REGIONS},
        mixed="they come from",
    ),
    solver.Factor(
        "size",
        "Size",
        "ordinal",
        _SIZE_WORDS,
        levels=tuple(Organization.Size.values),
        mixed="sizes vary:",
    ),
    solver.Factor("org_type", "Organization type", "category", _TYPE_WORDS, mixed="they span"),
    solver.Factor(
        "populations",
        "Populations served",
        "set",
        {
            value: (label[0].lower() + label[1:],) * 2
            for value, label in Organization.Population.choices
        },
        verb="serve",
        noun="populations",
    ),
)
FACTOR_KEYS = tuple(f.key for f in FACTORS)

# The defaults: alike in region and size, diverse in organization type; populations count
# a little, alike (teams serving the same communities have most to share).
DEFAULT_PREFERENCES: dict[str, dict[str, Any]] = {
    "region": {"weight": 3, "alike": True},
    "size": {"weight": 2, "alike": True},
    "org_type": {"weight": 2, "alike": False},
    "populations": {"weight": 1, "alike": True},
}


# --- program facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SmallCohortRules:
    cohort_keys: tuple[str, ...]
    min_size: int
    max_size: int


def small_cohort_rules(cycle: Cycle) -> SmallCohortRules | None:
    """Which cohorts meet in small groups, and of how many teams (from the program file)."""
    for activity in cycle.document.get("activities", []):
        if activity.get("audience") == "small_groups" and "group_size_min" in activity:
            return SmallCohortRules(
                tuple(activity.get("schedule", {})),
                int(activity["group_size_min"]),
                int(activity["group_size_max"]),
            )
    return None


def builder_cohort(cycle: Cycle) -> Cohort | None:
    """The cohort the builder splits (the Learning Network), or None if the program has none."""
    rules = small_cohort_rules(cycle)
    if rules is None:
        return None
    return cycle.cohorts.filter(key__in=rules.cohort_keys).order_by("position").first()


def uses_small_cohorts(cohort: Cohort) -> bool:
    rules = small_cohort_rules(cohort.cycle)
    return rules is not None and cohort.key in rules.cohort_keys


# --- solver input ----------------------------------------------------------------------------


def _preferences(raw: dict[str, Any]) -> dict[str, solver.Preference]:
    return {
        key: solver.Preference(float(value["weight"]), bool(value["alike"]))
        for key, value in raw.items()
        if key in FACTOR_KEYS
    }


def team_features(team: Team) -> solver.TeamFeatures:
    org = team.organization
    return solver.TeamFeatures(
        str(team.pk),
        {
            "region": org.census_region,
            "size": org.size,
            "org_type": org.org_type,
            "populations": frozenset(org.populations_served),
        },
    )


def small_cohorts_of(cohort: Cohort) -> list[SmallCohort]:
    """The cohort's small cohorts in use, in the builder's order (their numbers are their
    positions); retired ones (kept for their history) are left out."""
    return list(
        SmallCohort.objects.filter(cohort=cohort, in_use=True)
        .select_related("coach")
        .order_by("pk")
    )


def _teams_of(cohort: Cohort) -> list[Team]:
    return list(
        Team.objects.filter(cohort=cohort).select_related("organization").order_by("name", "pk")
    )


def cohort_problem(
    *, cohort: Cohort, preferences: dict[str, Any], cohort_count: int | None
) -> solver.CohortProblem:
    """The solver's input for ``cohort``'s teams, with staff's pins and keep-apart pairs."""
    rules = small_cohort_rules(cohort.cycle)
    teams = _teams_of(cohort)
    position = {sc.pk: i for i, sc in enumerate(small_cohorts_of(cohort))}
    pins = {
        str(pin.team_id): position[pin.small_cohort_id]
        for pin in CohortPin.objects.filter(team__cohort=cohort)
    }
    apart = [
        (str(a), str(b))
        for a, b in KeepApart.objects.filter(team_a__cohort=cohort).values_list(
            "team_a_id", "team_b_id"
        )
    ]
    previous = {str(t.pk): position[t.small_cohort_id] for t in teams if t.small_cohort_id}
    return solver.CohortProblem(
        teams=[team_features(t) for t in teams],
        factors=FACTORS,
        preferences=_preferences(preferences),
        min_size=rules.min_size,
        max_size=rules.max_size,
        cohort_count=cohort_count,
        pins=pins,
        keep_apart=apart,
        previous=previous,
    )


def cohort_count_choices(cohort: Cohort) -> list[int]:
    rules = small_cohort_rules(cohort.cycle)
    n = Team.objects.filter(cohort=cohort).count()
    return list(solver.cohort_counts(n, rules.min_size, rules.max_size))


def latest_preferences(cohort: Cohort) -> dict[str, Any]:
    run = CohortRun.objects.filter(cohort=cohort).first()
    return run.preferences if run else DEFAULT_PREFERENCES


# --- services --------------------------------------------------------------------------------


def _check_preferences(preferences: dict[str, Any]) -> dict[str, Any]:
    clean = {}
    for key in FACTOR_KEYS:
        value = preferences.get(key, {"weight": 0, "alike": True})
        weight = value.get("weight")
        if not isinstance(weight, int | float) or not 0 <= weight <= WEIGHT_MAX:
            raise ValidationError({f"{key}_weight": f"Choose a weight from 0 to {WEIGHT_MAX}."})
        clean[key] = {"weight": weight, "alike": bool(value.get("alike"))}
    if not any(v["weight"] for v in clean.values()):
        raise ValidationError("Give at least one factor a weight above 0.")
    return clean


@transaction.atomic
def cohort_build_request(
    *,
    actor: Any,
    cohort: Cohort,
    preferences: dict[str, Any],
    cohort_count: int,
    background: bool = True,
    time_limit: float = SOLVER_SECONDS,
) -> CohortRun:
    """Ask the solver for new small cohorts; it runs in the background (``cohort_build``), or at
    once with ``background=False`` (the demo).

    The request is checked first (enough teams, pins that fit the number of cohorts, keep-apart
    pairs that are not pinned together) so that staff read any problem next to the form.
    """
    clean = _check_preferences(preferences)
    try:
        solver.check(cohort_problem(cohort=cohort, preferences=clean, cohort_count=cohort_count))
    except solver.CohortProblemError as error:
        raise ValidationError({"cohort_count": str(error)}) from None
    run = CohortRun(
        cycle=cohort.cycle,
        cohort=cohort,
        requested_by=actor,
        preferences=clean,
        cohort_count=cohort_count,
    )
    run.full_clean()
    run.save()
    audit_record(
        actor=actor,
        action="cohorts.build.request",
        obj=run,
        after={"preferences": clean, "cohort_count": cohort_count},
    )
    if background:
        cohort_build.enqueue(run.pk)
    else:
        cohort_run_execute(run=run, time_limit=time_limit)
    return run


@task()
def cohort_build(run_id: int) -> str:
    """Run the solver for one request and apply its assignment (a background task)."""
    run = CohortRun.objects.select_related("cohort__cycle", "requested_by").get(pk=run_id)
    if run.status != CohortRun.Status.QUEUED:
        return run.status
    return cohort_run_execute(run=run, time_limit=SOLVER_SECONDS)


def cohort_run_execute(*, run: CohortRun, time_limit: float) -> str:
    """Solve a queued run's problem (as the teams, pins and pairs are now) and apply it."""
    problem = cohort_problem(
        cohort=run.cohort, preferences=run.preferences, cohort_count=run.cohort_count
    )
    try:
        solution = solver.solve(problem, time_limit=time_limit)
    except solver.CohortProblemError as error:
        cohort_run_fail(run=run, error=str(error))
        return CohortRun.Status.FAILED
    cohort_run_apply(run=run, solution=solution)
    return CohortRun.Status.DONE


@transaction.atomic
def cohort_run_fail(*, run: CohortRun, error: str) -> CohortRun:
    run.status = CohortRun.Status.FAILED
    run.error = error
    run.finished_at = timezone.now()
    run.full_clean()
    run.save()
    audit_record(actor=run.requested_by, action="cohorts.build.fail", obj=run, note=error)
    return run


@transaction.atomic
def cohort_run_apply(*, run: CohortRun, solution: solver.CohortSolution) -> CohortRun:
    """Write the solver's assignment: small cohort N holds the teams the solver put in cohort N.

    Missing small cohorts are taken from the retired ones first, then created ("Small cohort
    3"). Surplus ones (when staff ask for fewer cohorts) lose their future events (``effects``:
    the events app takes them off the calendar), then are deleted if nothing refers to them; one
    with a history — past events, and so their attendance — is never deleted but retired: kept,
    without teams, out of the builder and of future calendars. A retired one taken back loses any
    future events left too, so the next calendar generation makes its events as for a new one.
    Coaches stay with their small cohort.
    """
    cohort = run.cohort
    existing = small_cohorts_of(cohort)
    retired = list(SmallCohort.objects.filter(cohort=cohort, in_use=False).order_by("pk"))
    calendar: list[str] = []
    while len(existing) < len(solution.cohorts) and retired:
        small = retired.pop(0)
        small.in_use = True
        small.full_clean()
        small.save(update_fields=["in_use"])
        existing.append(small)
        audit_record(actor=run.requested_by, action="small_cohort.reuse", obj=small)
        calendar += effects.small_cohort_reset(actor=run.requested_by, small_cohort=small)
    taken = set(SmallCohort.objects.filter(cycle=cohort.cycle).values_list("name", flat=True))
    number = 1
    while len(existing) < len(solution.cohorts):
        while f"Small cohort {number}" in taken:
            number += 1
        small = SmallCohort(cycle=cohort.cycle, cohort=cohort, name=f"Small cohort {number}")
        small.full_clean()
        small.save()
        taken.add(small.name)
        existing.append(small)
        audit_record(actor=run.requested_by, action="small_cohort.create", obj=small)
    teams = {str(t.pk): t for t in Team.objects.filter(cohort=cohort)}
    before = {key: t.small_cohort_id for key, t in teams.items()}
    for key, index in solution.assignment.items():
        team = teams[key]
        team.small_cohort = existing[index]
        team.full_clean()
        team.save(update_fields=["small_cohort"])
    kept = []
    for small in existing[len(solution.cohorts) :]:
        calendar += effects.small_cohort_reset(actor=run.requested_by, small_cohort=small)
        if not _small_cohort_remove(actor=run.requested_by, small_cohort=small):
            kept.append(small.name)
    run.status = CohortRun.Status.DONE
    run.finished_at = timezone.now()
    run.result = {
        "total": solution.total_score,
        "bound": solution.bound,
        "gap": solution.gap,
        "gap_percent": round(100 * solution.gap, 2),
        "optimal": solution.optimal,
        "method": solution.method,
        "seconds": round(solution.seconds, 2),
        "lp_bound": solution.lp_bound,
        "retired": kept,
        "calendar": calendar,
    }
    run.full_clean()
    run.save()
    audit_record(
        actor=run.requested_by,
        action="cohorts.build.apply",
        obj=run,
        before={"assignment": before},
        after={
            "assignment": {key: existing[i].pk for key, i in solution.assignment.items()},
            **run.result,
        },
    )
    return run


def _small_cohort_remove(*, actor: Any, small_cohort: SmallCohort) -> bool:
    """Delete a small cohort the builder no longer needs, or retire it if anything refers to it
    (its past events are RESTRICTed: their attendance must outlive the cohort). True if deleted."""
    try:
        with transaction.atomic():
            audit_record(actor=actor, action="small_cohort.delete", obj=small_cohort)
            small_cohort.delete()
        return True
    except (ProtectedError, RestrictedError):
        small_cohort.in_use = False
        small_cohort.full_clean()
        small_cohort.save(update_fields=["in_use"])
        CohortPin.objects.filter(small_cohort=small_cohort).delete()
        audit_record(
            actor=actor,
            action="small_cohort.retire",
            obj=small_cohort,
            note="Kept without teams: it has past events on the calendar.",
        )
        return False


def _builder_team(team: Team, cohort: Cohort) -> None:
    if team.cohort_id != cohort.pk:
        raise ValidationError({"team": f"{team} is not in the {cohort}."})


def _in_use(small_cohort: SmallCohort) -> None:
    if not small_cohort.in_use:
        raise ValidationError(
            {"small_cohort": f"{small_cohort} is retired: choose a small cohort in use."}
        )


@transaction.atomic
def team_move(*, actor: Any, team: Team, small_cohort: SmallCohort) -> Team:
    """Move one team to another small cohort by hand (its pin, if any, moves with it)."""
    _builder_team(team, small_cohort.cohort)
    _in_use(small_cohort)
    rules = small_cohort_rules(small_cohort.cycle)
    if team.small_cohort_id == small_cohort.pk:
        raise ValidationError({"small_cohort": f"{team} is already in {small_cohort}."})
    if small_cohort.teams.count() >= rules.max_size:
        raise ValidationError(
            {
                "small_cohort": f"{small_cohort} already has {rules.max_size} teams, the most allowed."
            }
        )
    before = {"small_cohort": team.small_cohort_id}
    team.small_cohort = small_cohort
    team.full_clean()
    team.save(update_fields=["small_cohort"])
    CohortPin.objects.filter(team=team).update(small_cohort=small_cohort)
    audit_record(
        actor=actor,
        action="team.move",
        obj=team,
        before=before,
        after={"small_cohort": small_cohort.pk},
    )
    return team


@transaction.atomic
def cohort_pin_set(*, actor: Any, team: Team, small_cohort: SmallCohort | None) -> CohortPin | None:
    """Pin ``team`` to ``small_cohort`` for the next runs (None: unpin)."""
    pin = CohortPin.objects.filter(team=team).first()
    before = {"small_cohort": pin.small_cohort_id if pin else None}
    if small_cohort is None:
        if pin:
            pin.delete()
            audit_record(actor=actor, action="team.unpin", obj=team, before=before)
        return None
    _builder_team(team, small_cohort.cohort)
    _in_use(small_cohort)
    rules = small_cohort_rules(small_cohort.cycle)
    others = CohortPin.objects.filter(small_cohort=small_cohort).exclude(team=team).count()
    if others >= rules.max_size:
        raise ValidationError(
            {"small_cohort": f"{small_cohort} already has {others} pinned teams, the most allowed."}
        )
    apart = KeepApart.objects.filter(
        team_a=team, team_b__cohort_pin__small_cohort=small_cohort
    ) | KeepApart.objects.filter(team_b=team, team_a__cohort_pin__small_cohort=small_cohort)
    if apart.exists():
        raise ValidationError(
            {"small_cohort": f"A team pinned to {small_cohort} must be kept apart from {team}."}
        )
    pin = pin or CohortPin(team=team, small_cohort=small_cohort)
    pin.small_cohort = small_cohort
    pin.full_clean()
    pin.save()
    audit_record(
        actor=actor,
        action="team.pin",
        obj=team,
        before=before,
        after={"small_cohort": small_cohort.pk},
    )
    return pin


@transaction.atomic
def keep_apart_add(*, actor: Any, team: Team, other: Team) -> KeepApart:
    """Keep two teams of the same cohort in different small cohorts from the next run on."""
    if team.pk == other.pk:
        raise ValidationError({"other": "Choose two different teams."})
    if team.cohort_id != other.cohort_id:
        raise ValidationError({"other": "Both teams must be in the same cohort."})
    pins = dict(
        CohortPin.objects.filter(team__in=[team, other]).values_list("team_id", "small_cohort_id")
    )
    if len(pins) == 2 and pins[team.pk] == pins[other.pk]:
        raise ValidationError({"other": "Both teams are pinned to the same small cohort."})
    a, b = sorted([team, other], key=lambda t: t.pk)
    if KeepApart.objects.filter(team_a=a, team_b=b).exists():
        raise ValidationError({"other": f"{a} and {b} are already kept apart."})
    pair = KeepApart(team_a=a, team_b=b)
    pair.full_clean()
    pair.save()
    audit_record(actor=actor, action="teams.keep_apart", obj=pair, after={"teams": [a.pk, b.pk]})
    return pair


@transaction.atomic
def keep_apart_remove(*, actor: Any, pair: KeepApart) -> None:
    audit_record(
        actor=actor,
        action="teams.keep_apart.remove",
        obj=pair,
        before={"teams": [pair.team_a_id, pair.team_b_id]},
    )
    pair.delete()


@transaction.atomic
def small_cohort_coach_set(*, actor: Any, small_cohort: SmallCohort, coach) -> SmallCohort:
    """Give a small cohort its coach, a member of the faculty (None: no coach yet)."""
    coach_save(actor=actor, obj=small_cohort, coach=coach, action="small_cohort.coach")
    return small_cohort


# --- the builder page ------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortView:
    small_cohort: SmallCohort
    number: int
    teams: list[Team]
    score: float
    best_possible: float
    sentence: str
    pinned: set[int]
    size_ok: bool


@dataclass(frozen=True)
class BuilderPage:
    cohort: Cohort
    rules: SmallCohortRules
    teams: list[Team]
    cohorts: list[CohortView]
    unassigned: list[Team]
    apart: list[KeepApart]
    latest_run: CohortRun | None
    last_done: CohortRun | None
    total_now: float
    preferences: dict[str, Any]


def builder_page(cohort: Cohort) -> BuilderPage:
    """The current small cohorts, scored with the latest preferences, and the latest runs."""
    rules = small_cohort_rules(cohort.cycle)
    runs = list(CohortRun.objects.filter(cohort=cohort)[:20])
    preferences = runs[0].preferences if runs else DEFAULT_PREFERENCES
    prefs = _preferences(preferences)
    teams = _teams_of(cohort)
    features = {t.pk: team_features(t) for t in teams}
    pinned = set(CohortPin.objects.filter(team__cohort=cohort).values_list("team_id", flat=True))
    views = []
    scores = solver.pair_scores(list(features.values()), FACTORS, prefs) if teams else None
    index = {t.pk: i for i, t in enumerate(teams)}
    best_pair = float(scores.max(initial=0.0)) if scores is not None else 0.0
    for number, small in enumerate(small_cohorts_of(cohort), start=1):
        members = [t for t in teams if t.small_cohort_id == small.pk]
        idx = [index[t.pk] for t in members]
        score = float(scores[idx][:, idx].sum() / 2) if idx else 0.0
        views.append(
            CohortView(
                small_cohort=small,
                number=number,
                teams=members,
                score=score,
                best_possible=best_pair * len(idx) * (len(idx) - 1) / 2,
                sentence=solver.explain([features[t.pk] for t in members], FACTORS, prefs)
                if members
                else "No teams yet.",
                pinned={t.pk for t in members if t.pk in pinned},
                size_ok=rules.min_size <= len(members) <= rules.max_size,
            )
        )
    return BuilderPage(
        cohort=cohort,
        rules=rules,
        teams=teams,
        cohorts=views,
        unassigned=[t for t in teams if not t.small_cohort_id],
        apart=list(
            KeepApart.objects.filter(team_a__cohort=cohort).select_related("team_a", "team_b")
        ),
        latest_run=runs[0] if runs else None,
        last_done=next((r for r in runs if r.status == CohortRun.Status.DONE), None),
        total_now=sum(v.score for v in views),
        preferences=preferences,
    )

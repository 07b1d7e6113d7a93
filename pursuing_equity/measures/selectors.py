"""Reads of measures and their data, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from pursuing_equity.accounts.rules import FACULTY, has_role, is_program_staff
from pursuing_equity.measures.choices import chart_settings
from pursuing_equity.measures.models import (
    AgeCount,
    Aim,
    Measure,
    StratumCount,
    Submission,
    Upload,
)
from pursuing_equity.measures.rules import can_view_team_measures
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.programs.selectors import current_cycle, data_sharing
from pursuing_equity.teams.membership import coach_q, membership_of, peer_q, sharing_scope
from pursuing_equity.teams.models import Team


class CountRow(NamedTuple):
    """One group's counts in one period, from the current version of that period."""

    period: datetime.date
    stratifier: str  # "overall" for the total
    group: str  # "all" for the total
    numerator: int
    denominator: int


class AgeCountRow(NamedTuple):
    """One group's counts in one age band in one period (current versions), for age
    adjustment (:mod:`.adjusted`)."""

    period: datetime.date
    stratifier: str
    group: str
    age_band: str
    numerator: int
    denominator: int


def current_age_counts_by_measure(measure_ids: Iterable[int]) -> dict[int, list[AgeCountRow]]:
    """The age-band counts of the current versions of each measure, by measure id (1 query);
    an empty list for a measure whose data have no ages."""
    ids = list(measure_ids)
    out: dict[int, list[AgeCountRow]] = defaultdict(list)
    qs = AgeCount.objects.filter(submission__measure_id__in=ids, submission__is_current=True)
    for row in qs.order_by("submission__period", "stratifier", "group", "age_band").values_list(
        "submission__measure_id",
        "submission__period",
        "stratifier",
        "group",
        "age_band",
        "numerator",
        "denominator",
    ):
        out[row[0]].append(AgeCountRow(*row[1:]))
    return {i: out.get(i, []) for i in ids}


def _rows(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("submission__period", "stratifier", "group").values_list(
        "submission__measure_id",
        "submission__period",
        "stratifier",
        "group",
        "numerator",
        "denominator",
    )


def current_counts(measure: Measure) -> list[CountRow]:
    """Every group's counts of every period, current versions only, ordered by period (1 query)."""
    qs = StratumCount.objects.filter(submission__measure=measure, submission__is_current=True)
    return [CountRow(*row[1:]) for row in _rows(qs)]


def current_counts_by_measure(measure_ids: Iterable[int]) -> dict[int, list[CountRow]]:
    """:func:`current_counts` of many measures at once, by measure id (1 query)."""
    ids = list(measure_ids)
    out: dict[int, list[CountRow]] = defaultdict(list)
    qs = StratumCount.objects.filter(submission__measure_id__in=ids, submission__is_current=True)
    for row in _rows(qs):
        out[row[0]].append(CountRow(*row[1:]))
    return {i: out.get(i, []) for i in ids}


def period_counts(
    measure: Measure, period: datetime.date
) -> dict[tuple[str, str], tuple[int, int]]:
    """The current version's counts of one period by (stratifier, group): (numerator,
    denominator), to prefill the data-entry grid (1 query)."""
    rows = StratumCount.objects.filter(
        submission__measure=measure, submission__period=period, submission__is_current=True
    ).values_list("stratifier", "group", "numerator", "denominator")
    return {(s, g): (x, n) for s, g, x, n in rows}


def measures_of_team(team) -> QuerySet[Measure]:
    """The team's measures for its measure list, with aims and data coverage (2 queries)."""
    return (
        Measure.objects.filter(team=team)
        .annotate(
            periods_reported=Count("submissions__period", distinct=True),
            last_period=Max("submissions__period"),
        )
        .prefetch_related(Prefetch("aims"))
        .order_by("name")
    )


def periods_with_versions(measure: Measure) -> list[dict]:
    """Per period: the current version and every version, newest first (1 query, only the
    columns the data page shows)."""
    subs = (
        Submission.objects.filter(measure=measure)
        .only("measure_id", "period", "version", "source", "is_current", "created_at")
        .order_by("-period", "-version")
    )
    periods: dict[datetime.date, dict] = {}
    for sub in subs:
        entry = periods.setdefault(sub.period, {"period": sub.period, "current": None, "all": []})
        entry["all"].append(sub)
        if sub.is_current:
            entry["current"] = sub
    return list(periods.values())


def pending_uploads(measure: Measure) -> QuerySet[Upload]:
    return Upload.objects.filter(measure=measure, status=Upload.Status.PENDING).select_related(
        "uploaded_by"
    )


# --- the dashboards' reads ---------------------------------------------------------------------


def measure_for_dashboard(team_slug: str, measure_slug: str) -> Measure | None:
    """The measure with its team, cohort, small cohort and cycle (1 query); None if absent."""
    return (
        Measure.objects.select_related("team", "team__cohort", "team__small_cohort", "team__cycle")
        .filter(team__slug=team_slug, slug=measure_slug)
        .first()
    )


Versions = dict[int, list[int]]  # measure id → ids of its current submissions


def release_versions(team_ids: Iterable[int]) -> dict[int, Versions]:
    """Ids of the current submissions of every measure of each team, by team (1 query): the
    cache keys' data part. A team's measures are published as one release (see
    :func:`.publication.publish_release`), so what outsiders see of one depends on all of them."""
    out: dict[int, Versions] = {pk: defaultdict(list) for pk in team_ids}
    rows = Submission.objects.filter(measure__team_id__in=list(out), is_current=True)
    for team_id, measure_id, sub_id in rows.values_list("measure__team_id", "measure_id", "id"):
        out[team_id][measure_id].append(sub_id)
    return out


def aims_of(measures: Sequence[Measure]) -> dict[int, list[Aim]]:
    """The aims of each measure, oldest target first, linked to their measure (1 query)."""
    by_id = {m.pk: m for m in measures}
    out: dict[int, list[Aim]] = {pk: [] for pk in by_id}
    for aim in Aim.objects.filter(measure_id__in=list(by_id)).order_by("target_date", "id"):
        aim.measure = by_id[aim.measure_id]
        out[aim.measure_id].append(aim)
    return out


def visible_teams(user):
    """The teams whose measures the network view may show ``user`` (the sharing rules apply)."""
    teams = Team.objects.select_related("cohort", "organization").prefetch_related("cycle")
    if is_program_staff(user):
        return teams
    if has_role(user, FACULTY):
        return teams.filter(Q(coach=user) | Q(small_cohort__coach=user))
    return teams.none()


def shared_measures(user) -> list[Measure]:
    """Measures of other teams that the sharing rules let ``user`` see, by team and name, with
    their teams (2 queries besides the person's memberships and roles).

    The teams are narrowed in the query to those the rules could admit (program staff: all;
    otherwise the cycles of the person's teams and the teams they coach); the rules
    (:mod:`.rules`) then decide each team, so this list never disagrees with the dashboards.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    # The cycle prefetched: the sharing rule reads its program document (a large JSON), which a
    # join would decode once per team (most of the staff's shared-measures page time).
    teams = Team.objects.select_related("cohort", "small_cohort").prefetch_related("cycle")
    if not is_program_staff(user):
        teams = teams.filter(peer_q(user) | coach_q(user))
    own = membership_of(user).team_ids
    visible = {t.pk: t for t in teams if t.pk not in own and can_view_team_measures(user, t)}
    # Only what the list shows: the JSON definitions of ~200 measures would be decoded for nothing.
    found = list(
        Measure.objects.filter(team_id__in=list(visible))
        .only("id", "team_id", "name", "slug", "focus_area", "custom_focus_area")
        .order_by("name")
    )
    for m in found:
        m.team = visible[m.team_id]
    return sorted(found, key=lambda m: (m.team.name, m.name))


@dataclass(frozen=True)
class SharingPolicy:
    """What a cycle's program file says about sharing measures, in plain sentences."""

    cycle: Cycle
    sentences: tuple[str, ...]


def sharing_policies(user) -> list[SharingPolicy]:
    """The sharing rules in force for ``user``: those of the cycles of the person's teams (latest
    first), else of the current cycle; each cohort's scope (:func:`~pursuing_equity.teams.membership.sharing_scope`) and the
    suppression threshold (:func:`.choices.chart_settings`) as the rules apply them, defaults included,
    in the program page's words (:func:`pursuing_equity.programs.selectors.data_sharing`).
    2 queries besides the person's memberships."""
    cycle_ids = {t.cycle_id for t in membership_of(user).ties}
    if cycle_ids:
        cycles = list(Cycle.objects.filter(pk__in=cycle_ids).order_by("-starts_on"))
    else:
        cycle = current_cycle()
        cycles = [cycle] if cycle is not None else []
    cohorts: dict[int, list[Cohort]] = defaultdict(list)
    for cohort in Cohort.objects.filter(cycle__in=cycles).order_by("position"):
        cohorts[cohort.cycle_id].append(cohort)
    out = []
    for cycle in cycles:
        sharing = (cycle.document.get("measures") or {}).get("sharing")
        facts = {
            "sharing": {c.key: str(sharing_scope(sharing, c.key)) for c in cohorts[cycle.pk]},
            "suppression_threshold": chart_settings(cycle).threshold,
            "suppress_zero_beside_suppressed": chart_settings(cycle).zero_beside,
        }
        out.append(SharingPolicy(cycle, data_sharing({"measures": facts}, cohorts[cycle.pk])))
    return out

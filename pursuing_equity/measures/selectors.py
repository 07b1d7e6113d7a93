"""Reads of measures and their data, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, Max, Prefetch, QuerySet

from pursuing_equity.measures.models import Measure, StratumCount, Submission, Upload


class CountRow(NamedTuple):
    """One group's counts in one period, from the current version of that period."""

    period: datetime.date
    stratifier: str  # "overall" for the total
    group: str  # "all" for the total
    numerator: int
    denominator: int


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
    """Per period: the current version and every version, newest first (1 query)."""
    subs = (
        Submission.objects.filter(measure=measure)
        .select_related("created_by", "upload")
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

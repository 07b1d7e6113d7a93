"""Reads of measures and their data, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, Max, Prefetch, QuerySet
from django.urls import reverse

from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.measures import periods
from pursuing_equity.measures.models import AgeCount, Measure, StratumCount, Submission, Upload


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


# --- what a person's home shows ------------------------------------------------------------------


def due_period(day: datetime.date, frequency: str) -> datetime.date:
    """The latest month (or quarter) that ended before ``day``: the period whose data is due."""
    return periods.add_months(periods.start_of(day, frequency), -periods.step(frequency))


def stored_panels(measures: list[Measure]) -> dict[int, object]:
    """The network panel (focal gap, its direction and signal) of each measure as last stored by
    the dashboards' precomputation, by measure id; measures whose stored panel is out of date or
    missing are left out, never computed here (3 queries: aims, current versions, panels)."""
    from pursuing_equity.measures import dashboards, results

    if not measures:
        return {}
    aims = dashboards._aims_of(measures)
    releases = dashboards.release_versions({m.team_id for m in measures})
    wanted = {
        m.pk: (
            dashboards.SHARED,
            dashboards._panel_key(
                m,
                aims[m.pk],
                releases[m.team_id],
                True,
                dashboards.chart_settings(m.team.cycle),
            ),
        )
        for m in measures
    }
    stored = results.load_texts(results.Kind.PANEL, wanted)
    if len(_DECODED_PANELS) > 20_000:
        _DECODED_PANELS.clear()
    panels = {}
    for pk, text in stored.items():
        memo = (pk, *wanted[pk])
        if memo not in _DECODED_PANELS:
            data = json.loads(text).get("panel")
            _DECODED_PANELS[memo] = (
                None if data is None else results.decode(dashboards.NetworkPanel, data)
            )
        if _DECODED_PANELS[memo] is not None:
            panels[pk] = _DECODED_PANELS[memo]
    return panels


#: Decoded panels (None: stored without one) by (measure id, variant, key): a stored result never
#: changes under its key, and decoding every measure's stored JSON was most of the funder's home
#: page (bench/bench_pages.py).
_DECODED_PANELS: dict[tuple[int, str, str], object | None] = {}


def home_panels(user, day: datetime.date) -> list[Panel]:
    """Each of the person's teams' measures with its stored focal gap and the data due; for
    staff, uploads waiting for confirmation. A fixed
    number of queries (at most 6) whatever the number of measures."""
    from pursuing_equity.accounts.rules import is_program_staff
    from pursuing_equity.measures.rules import can_edit_team_measures
    from pursuing_equity.teams.membership import membership_of

    panels: list[Panel] = []
    if membership_of(user).team_ids:
        panels += _team_measures(user, day, can_edit_team_measures)
    if is_program_staff(user):
        panels.append(_pending_uploads())
        failed = _failed_connections()
        if failed is not None:
            panels.append(failed)
    return panels


def _team_measures(user, day: datetime.date, can_edit) -> list[Panel]:
    from pursuing_equity.teams.membership import member_q, teams_of

    measures = list(
        Measure.objects.filter(member_q(user, "team__"))
        .select_related("team", "team__cohort", "team__small_cohort")
        .prefetch_related("team__cycle")  # each cycle's program document decoded once
        .annotate(last_period=Max("submissions__period"))
        .order_by("name")
    )
    latest = stored_panels(measures)
    tasks: dict[int, list[Task]] = defaultdict(list)
    for m in measures:
        panel = latest.get(m.pk)
        tasks[m.team_id].append(
            Task(
                text=m.name,
                url=reverse("measure_dashboard", args=[m.team.slug, m.slug]),
                detail=panel.summary
                if panel
                else "No gap computed yet: open the dashboard to see the latest data.",
            )
        )
        due = due_period(day, m.frequency)
        reported = m.last_period is not None and m.last_period >= due
        if not reported and m.team.cycle.starts_on <= due and can_edit(user, m.team):
            last = periods.label(m.last_period, m.frequency) if m.last_period else "never"
            tasks[m.team_id].append(
                Task(
                    text=f"Enter the {periods.label(due, m.frequency)} data for {m.name}",
                    url=reverse("measure_data", args=[m.team.slug, m.slug]),
                    detail=f"Last period reported: {last}.",
                    urgent=True,
                )
            )
    return [
        Panel(
            key=f"measures-{team.slug}",
            heading=f"Measures of {team.name}",
            tasks=tuple(tasks[team.pk]),
            links=(("All measures and data", reverse("measure_list", args=[team.slug])),),
            empty="Your team has no measure yet: define one from the team's measures page.",
            order=20,
        )
        for team in teams_of(user)
    ]


def _pending_uploads() -> Panel:
    pending = Upload.objects.filter(status=Upload.Status.PENDING)
    uploads = list(
        pending.select_related("measure__team", "uploaded_by").order_by("created_at")[:10]
    )
    total = pending.count() if len(uploads) == 10 else len(uploads)
    return Panel(
        key="pending-uploads",
        heading="Uploads waiting for confirmation",
        tasks=tuple(
            Task(
                text=f"{u.measure.team.name}: {u.measure.name} ({u.original_name or u.get_source_display()})",
                url=reverse(
                    "measure_upload_preview",
                    args=[u.measure.team.slug, u.measure.slug, u.pk],
                ),
                detail=f"Uploaded {u.created_at:%b %-d} by {u.uploaded_by.display_name if u.uploaded_by else 'someone'}"
                + (f"; {total} waiting in all" if total > 10 else ""),
            )
            for u in uploads
        ),
        empty="No upload is waiting: every team's uploaded data has been confirmed or discarded.",
        order=40,
    )


def _failed_connections() -> Panel | None:
    """Data connections whose last pull failed (staff fix them on the connection's page), or
    None when none did (1 query)."""
    from pursuing_equity.measures.models import DataConnection

    failed = list(
        DataConnection.objects.filter(status=DataConnection.Status.FAILED)
        .select_related("measure__team")
        .order_by("measure__team__name", "measure__name")[:20]
    )
    if not failed:
        return None
    return Panel(
        key="failed-connections",
        heading="Data connections whose last pull failed",
        tasks=tuple(
            Task(
                text=f"{c.measure.team.name}: {c.measure.name}",
                url=reverse("measure_connection", args=[c.measure.team.slug, c.measure.slug]),
                detail=(c.last_error.splitlines() or ["The pull failed."])[0][:200],
            )
            for c in failed
        ),
        empty="",
        order=41,
    )

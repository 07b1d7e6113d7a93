"""Stored results: the dashboards, published counts and network panels computed ahead, read
back while their key still matches, computed and stored again when it does not.

Speed: the suppression of a shared view is audited by linear programming and takes a fraction
of a second per measure, so results are computed ahead and stored in the database
(:mod:`.results`, shared by the web server and the task worker, kept across restarts): when data
are confirmed or restored, the task :func:`.tasks.dashboard_precompute` runs :func:`precompute`
(the counts as published outside the team, the shared and the team's dashboards, the network
panel). Each stored result carries its key — the current submission ids (a new version of any
period is a new id; for what is shared, those of every measure of the team, whose release it
comes from), the aims, the measure's definition and the program's chart settings (the
published counts: the team's data and the suppression settings only) — and a page uses it only when
the key still matches, else computes and stores it again. A new aim or definition queues the
task too, so the stored results are fresh again before the next reader. Decoded results
are also kept per process in Django's cache. The PDSA annotations and the chart specs are added
on the way out (:func:`dress`), so a new PDSA cycle does not invalidate anything. A dashboard
makes a fixed number of queries (the current submission ids, the aims, the stored result, and
— only when that is stale — the counts).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import cache as cache_function
from typing import Any

from django.core.cache import cache

from pursuing_equity.measures import charts, results
from pursuing_equity.measures.annotations import normalise
from pursuing_equity.measures.choices import ChartSettings, chart_settings
from pursuing_equity.measures.dashboard import Dashboard, compute
from pursuing_equity.measures.models import Aim, Measure
from pursuing_equity.measures.network import SIGNAL_FILTERS, NetworkPanel, focal_panel
from pursuing_equity.measures.publication import (
    Published,
    publish,
    publish_release,
    published_until,
)
from pursuing_equity.measures.rules import can_view_unsuppressed_measures
from pursuing_equity.measures.selectors import (
    AgeCountRow,
    CountRow,
    Versions,
    aims_of,
    current_age_counts_by_measure,
    current_counts,
    current_counts_by_measure,
    release_versions,
    visible_teams,
)

CACHE_SECONDS = 24 * 3600
# 3: comparisons with a group use score intervals (equitystats.compare), summary measures
# only groups of at least the minimum denominator; 4: a team's measures are published as one
# release (joint suppression, zeros beside hidden denominators hidden); 5: points of fewer
# patients than the minimum are flagged "small" and carry no signal
CACHE_VERSION = 5


def _key(measure: Measure, aims: Iterable[Aim], versions: Iterable[int], *extra: Any) -> str:
    """The digest a stored result was computed for: data, aims, definition and ``extra``."""
    parts = [
        CACHE_VERSION,
        _schema(),
        measure.pk,
        measure.updated_at.isoformat() if measure.updated_at else "",
        sorted(versions),
        [(a.pk, a.updated_at.isoformat() if a.updated_at else "") for a in aims],
        *extra,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _published_key(measure_id: int, release: Versions, settings: ChartSettings) -> str:
    """Published counts depend on the data of the whole release (every measure of the team:
    ``release`` holds their current submission ids) and the suppression settings only: an aim,
    the measure's definition or the chart rules change nothing, so they keep the costly
    result."""
    parts = [
        CACHE_VERSION, _schema(), "published", measure_id, _release_part(release),
        settings.threshold, settings.zero_beside,
    ]  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _release_part(release: Versions) -> list:
    return sorted((pk, sorted(ids)) for pk, ids in release.items())


def _dashboard_key(
    measure: Measure, aims: Iterable[Aim], release: Versions, variant: str,
    settings: ChartSettings,
) -> str:  # fmt: skip
    """A dashboard's key: a shared one is drawn from the team's release, so it depends on the
    data of every measure of the team; the team's own only on the measure's."""
    shared = variant.startswith(SHARED)
    extra = [_release_part(release)] if shared else []
    versions = release.get(measure.pk, [])
    return _key(measure, aims, versions, results.Kind.DASHBOARD, variant, settings, *extra)


@cache_function
def _schema() -> str:
    return results.fingerprint(Dashboard, Published, NetworkPanel)


def _local(key: str) -> str:
    """The per-process cache's key of a decoded result."""
    return f"measures:dashboard:{key}"


SHARED, TEAM = "shared", "team"


def _variant(suppressed: bool, stratifier: str = "") -> str:
    base = SHARED if suppressed else TEAM
    return f"{base}:{stratifier}" if stratifier else base


def _shared_published(
    measures: Sequence[Measure],
    versions: Mapping[int, Versions],
    counts: Mapping[int, Sequence[CountRow]],
) -> dict[int, Published]:
    """The counts of ``measures`` as published outside their teams: the stored ones where still
    current (1 query), the others by publishing their teams' releases now (the costly step, and
    the counts of the teams' other measures not in ``counts``: 1 query), stored for every
    measure of those teams. ``versions``: :func:`release_versions` of the measures' teams."""
    keys = {
        m.pk: _published_key(m.pk, versions[m.team_id], chart_settings(m.team.cycle))
        for m in measures
    }
    stored = results.load(results.Kind.PUBLISHED, {pk: (SHARED, k) for pk, k in keys.items()})
    out = {pk: results.decode(Published, data) for pk, data in stored.items()}
    stale = {m.team_id: m.team for m in measures if m.pk not in out}
    if not stale:
        return out
    members = {t: set(versions[t]) | {m.pk for m in measures if m.team_id == t} for t in stale}
    missing = [pk for t in stale for pk in sorted(members[t]) if pk in versions[t]]
    missing = [pk for pk in missing if pk not in counts]
    if missing:
        counts = {**current_counts_by_measure(missing), **counts}
    fresh = []
    for team_id, team in stale.items():
        settings = chart_settings(team.cycle)
        release = {pk: counts.get(pk, []) for pk in sorted(members[team_id])}
        published = publish_release(
            release, suppressed=True, threshold=settings.threshold, zero_beside=settings.zero_beside
        )
        for pk, value in published.items():
            key = _published_key(pk, versions[team_id], settings)
            fresh.append((pk, SHARED, key, results.encode(value)))
        out.update(published)
    results.save(results.Kind.PUBLISHED, fresh)
    return out


def measure_dashboard(
    measure: Measure,
    user,
    *,
    stratifier: str | None = None,
    annotations: Sequence[tuple[datetime.date, str]] = (),
) -> Dashboard:
    """The dashboard of ``measure`` as ``user`` may see it (:func:`measure_dashboard_keyed`)."""
    return measure_dashboard_keyed(measure, user, stratifier=stratifier, annotations=annotations)[1]


def measure_dashboard_keyed(
    measure: Measure,
    user,
    *,
    stratifier: str | None = None,
    annotations: Sequence[tuple[datetime.date, str]] = (),
) -> tuple[str, Dashboard]:
    """The dashboard of ``measure`` as ``user`` may see it (suppressed unless on the team), with
    ``annotations`` (the PDSA cycles) on its charts, and its key: the same key, the same dashboard
    (the page caches its rendered tables under it).

    Queries: the current submission ids and the aims; the stored result unless this process has
    it already; and, only when the stored result is stale, the counts (and, for a shared view,
    the stored published counts) before storing the new result.
    """
    suppressed = not can_view_unsuppressed_measures(user, measure.team)
    settings = chart_settings(measure.team.cycle)
    aims = aims_of([measure])[measure.pk]
    release = release_versions([measure.team_id])
    versions = release[measure.team_id].get(measure.pk, [])
    variant = _variant(suppressed, stratifier or "")
    key = _dashboard_key(measure, aims, release[measure.team_id], variant, settings)
    notes = tuple(annotations)
    dressed_key = f"{_local(key)}:{hashlib.sha256(repr(notes).encode()).hexdigest()[:16]}"
    dressed = cache.get(dressed_key)
    if dressed is not None:
        return dressed_key, dressed
    dashboard = cache.get(_local(key))
    if dashboard is None:
        stored = results.load(results.Kind.DASHBOARD, {measure.pk: (variant, key)})
        if measure.pk in stored:
            dashboard = results.decode(Dashboard, stored[measure.pk])
        else:
            rows = current_counts(measure) if versions else []
            age_rows = current_age_counts_by_measure([measure.pk])[measure.pk] if versions else []
            published = (
                _shared_published([measure], release, {measure.pk: rows})[measure.pk]
                if suppressed
                else None
            )
            dashboard = compute(
                measure,
                rows,
                aims=aims,
                suppressed=suppressed,
                stratifier=stratifier,
                settings=settings,
                published=published,
                age_rows=age_rows,
            )
            results.save(
                results.Kind.DASHBOARD,
                [(measure.pk, variant, key, results.encode(dashboard))],
            )
        cache.set(_local(key), dashboard, CACHE_SECONDS)
    dressed = dress(dashboard, measure, notes)
    cache.set(dressed_key, dressed, CACHE_SECONDS)
    return dressed_key, dressed


def dress(
    dashboard: Dashboard,
    measure: Measure,
    annotations: Sequence[tuple[datetime.date, str]] = (),
) -> Dashboard:
    """The dashboard with its Vega-Lite specs and the changes tested (PDSA cycles) marked on its
    timeline: about a millisecond, so it is done on the way out, never stored."""
    dressed = replace(dashboard, annotations=normalise(annotations), specs={})
    target = float(measure.target) if measure.target is not None else None
    dressed.specs.update(charts.dashboard_specs(dressed, target=target))
    if dressed.adjusted is not None and dressed.adjusted.has_rates:
        dressed.specs.update(charts.adjusted_specs(dressed.adjusted))
    return dressed


def _panel_key(
    measure: Measure, aims: Sequence[Aim], release: Versions, suppressed: bool,
    settings: ChartSettings,
) -> str:  # fmt: skip
    """A panel's key: a shared one depends on the team's whole release (see
    :func:`_dashboard_key`)."""
    team = measure.team
    extra = [_release_part(release)] if suppressed else []
    return _key(
        measure, aims, release.get(measure.pk, []), results.Kind.PANEL, _variant(suppressed),
        settings, team.name, team.slug, team.cohort.key, team.cohort.name, *extra,
    )  # fmt: skip


def network_panels_keyed(
    user,
    *,
    focus_area: str = "",
    cohort: str = "",
    signal: str = "",
) -> tuple[str, list[NetworkPanel]]:
    """The focal gap of every measure the viewer may see, filtered, and a digest of the panels'
    keys (the same digest, the same panels).

    Everyone looking at the network is outside the teams (staff, faculty), so every panel is
    computed from suppressed counts. Queries: the measures, their aims and current submission
    ids, and the stored panels (4); only for panels not stored for the current key, the counts
    and the stored published counts, before storing the new panels.
    """
    # Each cycle (its program document, a large JSON) decoded once, not once per measure.
    measures = (
        Measure.objects.select_related("team", "team__cohort", "team__small_cohort")
        .prefetch_related("team__cycle")
        .filter(team__in=visible_teams(user))
    )
    if focus_area:
        measures = measures.filter(focus_area=focus_area)
    if cohort:
        measures = measures.filter(team__cohort__key=cohort)
    measures = list(measures.order_by("team__name", "name"))
    aims = aims_of(measures)
    versions = release_versions({m.team_id for m in measures})
    keys: dict[int, tuple[str, str, bool]] = {}
    for m in measures:
        suppressed = not can_view_unsuppressed_measures(user, m.team)
        key = _panel_key(
            m, aims[m.pk], versions[m.team_id], suppressed, chart_settings(m.team.cycle)
        )
        keys[m.pk] = (_variant(suppressed), key, suppressed)
    local = cache.get_many([_local(key) for _, key, _ in keys.values()])
    found: dict[int, NetworkPanel | None] = {
        pk: local[_local(key)] for pk, (_, key, _) in keys.items() if _local(key) in local
    }
    wanted = {pk: (variant, key) for pk, (variant, key, _) in keys.items() if pk not in found}
    stored = results.load(results.Kind.PANEL, wanted)
    fresh = {pk: results.decode(NetworkPanel, data["panel"]) for pk, data in stored.items()}
    missing = [m for m in measures if m.pk not in found and m.pk not in fresh]
    if missing:
        fresh.update(_compute_panels(missing, aims, versions, {pk: keys[pk] for pk in keys}))
    cache.set_many({_local(keys[pk][1]): panel for pk, panel in fresh.items()}, CACHE_SECONDS)
    found.update(fresh)
    shown = [(keys[m.pk][1], found[m.pk]) for m in measures if found[m.pk] is not None]
    if signal in SIGNAL_FILTERS:
        keep = SIGNAL_FILTERS[signal][1]
        shown = [(key, p) for key, p in shown if keep(p)]
    digest = hashlib.sha256(repr([key for key, _ in shown]).encode()).hexdigest()
    return digest, [p for _, p in shown]


def _compute_panels(
    measures: Sequence[Measure],
    aims: Mapping[int, Sequence[Aim]],
    versions: Mapping[int, Versions],
    keys: Mapping[int, tuple[str, str, bool]],
) -> dict[int, NetworkPanel | None]:
    """Compute and store the panels of ``measures`` (``keys``: variant, key, suppressed;
    ``versions``: :func:`release_versions` of their teams)."""
    with_data = [m for m in measures if versions[m.team_id].get(m.pk)]
    counts = current_counts_by_measure([m.pk for m in with_data]) if with_data else {}
    shared = _shared_published([m for m in with_data if keys[m.pk][2]], versions, counts)
    out: dict[int, NetworkPanel | None] = {}
    for m in measures:
        variant, key, suppressed = keys[m.pk]
        if m.pk not in counts:
            out[m.pk] = None
            continue
        # A shared panel must come from the published counts: a KeyError here is a bug, never
        # a reason to fall back to the team's unsuppressed counts.
        published = (
            shared[m.pk]
            if suppressed
            else publish(
                counts[m.pk], suppressed=False, threshold=chart_settings(m.team.cycle).threshold
            )
        )
        out[m.pk] = focal_panel(m, aims[m.pk], published)
    results.save(
        results.Kind.PANEL,
        [(pk, keys[pk][0], keys[pk][1], {"panel": results.encode(p)}) for pk, p in out.items()],
    )
    return out


# ------------------------------------------------------------------------------------------------
# Computing ahead: what the task stores after new data, and what the demo stores for everything

PRECOMPUTE_BATCH = 20

Stored = tuple[int, str, str, Any]  # measure id, variant, key, data: one row for results.save


def precompute(measure_ids: Iterable[int]) -> int:
    """Compute and store, for every measure of the teams of ``measure_ids``, what its first
    readers ask for: the counts as published outside the team, the shared and the team's
    dashboards (default stratifier) and the network panel. Returns how many measures were
    computed.

    The whole team, because its measures are published as one release (:func:`publish_release`):
    new data for one measure can change what is hidden of another. The published counts are
    reused when the stored ones are still current (a new aim or definition changes the
    dashboards, not what is published), so the costly suppression is redone only after new data
    or new suppression settings.

    Batches of whole teams, about :data:`PRECOMPUTE_BATCH` measures each: 7 queries and up to 3
    upserts per batch, plus 1 query to find the teams' measures.
    """
    by_team: dict[int, list[int]] = defaultdict(list)
    teams = Measure.objects.filter(pk__in=list(measure_ids)).values("team_id")
    for pk, team_id in Measure.objects.filter(team_id__in=teams).values_list("pk", "team_id"):
        by_team[team_id].append(pk)
    batch: list[int] = []
    count = 0
    for team_id in sorted(by_team):
        batch += by_team[team_id]
        if len(batch) >= PRECOMPUTE_BATCH:
            count += _precompute_batch(batch)
            batch = []
    return count + (_precompute_batch(batch) if batch else 0)


def _precompute_batch(ids: list[int]) -> int:
    jobs = _precompute_jobs(ids)
    _store_precomputed(map(_precompute_one, jobs))
    return len(jobs)


Job = tuple[Measure, list[Aim], Versions, list[CountRow], Published, list[AgeCountRow]]


def _precompute_jobs(ids: list[int]) -> list[Job]:
    """What computing the measures (whole teams) needs, read in 6 queries: the measures, aims,
    current submission ids, counts, and the stored published counts still current; the teams
    whose release is not are published again and stored (:func:`_shared_published`)."""
    measures = list(
        Measure.objects.select_related("team", "team__cohort", "team__small_cohort")
        .prefetch_related("team__cycle")  # each cycle's program document decoded once
        .filter(pk__in=ids)
    )
    aims = aims_of(measures)
    versions = release_versions({m.team_id for m in measures})
    counts = current_counts_by_measure(ids)
    ages = current_age_counts_by_measure(ids)
    shared = _shared_published(measures, versions, counts)
    return [
        (m, aims[m.pk], versions[m.team_id], counts[m.pk], shared[m.pk], ages[m.pk])
        for m in measures
    ]


def _precompute_one(job: Job) -> dict[str, list[Stored]]:
    """The stored dashboards and panel of one measure, by kind (pure: no queries)."""
    m, aims, release, rows, shared, age_rows = job
    settings = chart_settings(m.team.cycle)
    out: dict[str, list[Stored]] = {results.Kind.DASHBOARD: []}
    for suppressed in (True, False):
        variant = _variant(suppressed)
        dashboard = compute(
            m,
            rows,
            aims=aims,
            suppressed=suppressed,
            stratifier=None,
            settings=settings,
            published=shared if suppressed else None,
            age_rows=age_rows,
        )
        key = _dashboard_key(m, aims, release, variant, settings)
        out[results.Kind.DASHBOARD].append((m.pk, variant, key, results.encode(dashboard)))
    panel = focal_panel(m, aims, shared) if release.get(m.pk) else None
    key = _panel_key(m, aims, release, True, settings)
    out[results.Kind.PANEL] = [(m.pk, SHARED, key, {"panel": results.encode(panel)})]
    return out


def _store_precomputed(computed: Iterable[dict[str, list[Stored]]]) -> None:
    by_kind: dict[str, list[Stored]] = defaultdict(list)
    for rows in computed:
        for kind, items in rows.items():
            by_kind[kind] += items
    for kind, items in by_kind.items():
        results.save(kind, items)


# ------------------------------------------------------------------------------------------------
# As of a date: the charts a monthly update embeds


def dashboards_as_of(
    measures: Sequence[Measure],
    as_of: datetime.date,
    *,
    annotations: Mapping[int, Sequence[tuple[datetime.date, str]]] | None = None,
) -> list[Dashboard]:
    """The dashboards of ``measures`` (with their teams and cycles) from the current data, cut
    to the periods begun by ``as_of``: the current version of each period (a version submitted
    or restored later counts too), with the current aims and definition, in the shared
    (suppressed) view — what a reader outside the team may see — with the program's chart rules
    and each measure's ``annotations`` dated by then. A monthly update embeds these.

    The costly suppression is reused from the stored published counts (see
    :func:`published_until`); the rest (charts, gaps, disparity, completeness) is computed for
    the shorter series. 4 queries, plus storing published counts that were not current.
    """
    measures = list(measures)
    ids = [m.pk for m in measures]
    aims = aims_of(measures)
    versions = release_versions({m.team_id for m in measures})
    counts = current_counts_by_measure(ids)
    shared = _shared_published(measures, versions, counts)
    out = []
    for m in measures:
        rows = [r for r in counts[m.pk] if r.period <= as_of]
        present = {(r.stratifier, r.group) for r in rows}
        dashboard = compute(
            m,
            rows,
            aims=aims[m.pk],
            suppressed=True,
            stratifier=None,
            settings=chart_settings(m.team.cycle),
            published=published_until(shared[m.pk], as_of, present),
        )
        notes = [note for note in (annotations or {}).get(m.pk, ()) if note[0] <= as_of]
        out.append(dress(dashboard, m, notes))
    return out


# ------------------------------------------------------------------------------------------------
# The stored network panels, for the homes and the program report


def stored_panels(measures: list[Measure]) -> dict[int, NetworkPanel]:
    """The network panel (focal gap, its direction and signal) of each measure as last stored by
    the dashboards' precomputation, by measure id; measures whose stored panel is out of date or
    missing are left out, never computed here (3 queries: aims, current versions, panels)."""
    if not measures:
        return {}
    aims = aims_of(measures)
    releases = release_versions({m.team_id for m in measures})
    wanted = {
        m.pk: (
            SHARED,
            _panel_key(
                m,
                aims[m.pk],
                releases[m.team_id],
                True,
                chart_settings(m.team.cycle),
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
            _DECODED_PANELS[memo] = None if data is None else results.decode(NetworkPanel, data)
        if _DECODED_PANELS[memo] is not None:
            panels[pk] = _DECODED_PANELS[memo]
    return panels


#: Decoded panels (None: stored without one) by (measure id, variant, key): a stored result never
#: changes under its key, and decoding every measure's stored JSON was most of the funder's home
#: page (bench/bench_pages.py), so only panels under a new key are read as JSON.
_DECODED_PANELS: dict[tuple[int, str, str], NetworkPanel | None] = {}

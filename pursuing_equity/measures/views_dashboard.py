"""The equity dashboard of a measure, its downloads, and the network view.

Who sees what is decided by :mod:`pursuing_equity.measures.rules`; what they see (suppressed or
not) by :func:`pursuing_equity.measures.stored.measure_dashboard`. Every page works without
JavaScript: the charts' data are tables in ``<details>``, the downloads are links.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from equitystats import gaps, suppress
from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.measures import annotations, charts, exports
from pursuing_equity.measures.choices import chart_settings
from pursuing_equity.measures.forms import NetworkFilterForm, StratifierForm
from pursuing_equity.measures.models import Measure
from pursuing_equity.measures.panels import GAP_CONVENTION
from pursuing_equity.measures.rules import (
    can_view_measure,
    can_view_network,
    can_view_shared_measures,
)
from pursuing_equity.measures.selectors import (
    measure_for_dashboard,
    shared_measures,
    sharing_policies,
)
from pursuing_equity.measures.stored import (
    CACHE_SECONDS,
    measure_dashboard_keyed,
    network_panels_keyed,
)

CHARTS = {"overall": "overall", "groups": "by group", "gaps": "gaps"}
CSV_TABLES = {
    "rates": "Rates of every group and period, with 95% intervals",
    "gaps": "Gaps over time",
    "disparity": "Disparity measures",
    "comparisons": "Each group against the reference, with score intervals",
    "quality": "Data completeness",
    "aims": "Progress toward the aims",
}
TABLES = tuple(CSV_TABLES)


def get_measure(request, team_slug: str, measure_slug: str, **kwargs) -> Measure:
    measure = measure_for_dashboard(team_slug, measure_slug)
    if measure is None:
        raise Http404("No such measure.")
    return measure


def _dashboard(request, measure: Measure):
    form, _, dashboard = _keyed_dashboard(request, measure)
    return form, dashboard


def _keyed_dashboard(request, measure: Measure):
    """The stratifier form, the dashboard's key and the dashboard (:func:`measure_dashboard_keyed`)."""
    form = StratifierForm(request.GET or None, measure=measure)
    chosen = form.cleaned_data["stratifier"] if form.is_valid() else None
    key, dashboard = measure_dashboard_keyed(
        measure,
        request.user,
        stratifier=chosen or None,
        annotations=annotations.for_measure(measure),
    )
    return form, key, dashboard


@rule_required(can_view_measure, get_object=get_measure)
def measure_dashboard_view(request, team_slug: str, measure_slug: str, obj: Measure):
    """A measure's dashboard; computed only when the kept page is stale (``{% fresh %}``). Its
    body is also kept per content (``page_key``), shared by all who see the same dashboard."""

    def page() -> dict:
        form, key, dashboard = _keyed_dashboard(request, obj)
        query = f"?stratifier={dashboard.stratifier}" if dashboard.stratifier else ""
        adjusted_shows = "crude" if request.GET.get("rates") == "crude" else "adjusted"
        # The page's body is a function of the dashboard (its key: data, aims, definition,
        # settings, annotations, who-sees-what), the team's and measure's names and the rates
        # shown; rendering its tables is most of the page's time, so it is cached under those
        # (not when the form has an error to show).
        page_key = (
            hashlib.sha256(
                repr((key, obj.team.slug, obj.team.name, obj.slug, adjusted_shows)).encode()
            ).hexdigest()
            if not form.errors
            else ""
        )
        base = f"{query}&" if query else "?"
        quality_latest = {}
        for row in dashboard.quality:
            quality_latest[row.stratifier] = row
        settings = chart_settings(obj.team.cycle)
        return {
            "form": form,
            "dashboard": dashboard,
            "page_key": page_key,
            "query": query,
            "chart_names": CHARTS,
            "quality_latest": list(quality_latest.values()),
            "min_points": settings.control_min_points,
            "hidden_groups": [c.title for c in dashboard.groups if not c.points],
            "group_rows": [r for r in dashboard.table if r["stratifier"] == dashboard.stratifier],
            "stratifier_label": dict(dashboard.stratifiers).get(dashboard.stratifier, ""),
            "suppressed_label": suppress.label(settings.threshold),
            "settings_rules": settings.rules,
            "csv_tables": CSV_TABLES.items(),
            "gap_convention": GAP_CONVENTION,
            "gap_caption": f"({GAP_CONVENTION}; a diamond marks a signal)",
            "min_gap_points": gaps.MIN_POINTS_I_CHART,
            "adjusted_shows": adjusted_shows,
            "adjusted_links": {"adjusted": f"{base}rates=adjusted", "crude": f"{base}rates=crude"},
        }

    context = {"measure": obj, "team": obj.team, "page": page}
    return render(request, "measures/dashboard.html", context)


def _filename(measure: Measure, what: str, ext: str) -> str:
    return f"{slugify(measure.team.slug)}-{slugify(measure.slug)}-{what}.{ext}"


@rule_required(can_view_measure, get_object=get_measure)
def measure_dashboard_export(request, team_slug: str, measure_slug: str, fmt: str, obj: Measure):
    """The dashboard's data: one table as CSV (``?table=``), or every table as an XLSX workbook."""
    _, dashboard = _dashboard(request, obj)
    tables = exports.tables(dashboard)
    if fmt == "xlsx":
        return exports.xlsx_response(tables, _filename(obj, "dashboard", "xlsx"))
    if fmt != "csv":
        raise Http404("Downloads are CSV or XLSX.")
    name = request.GET.get("table", "rates")
    if name not in tables:
        raise Http404("No such table.")
    return exports.csv_response(tables[name], _filename(obj, name, "csv"))


@rule_required(can_view_measure, get_object=get_measure)
def measure_chart_image(
    request, team_slug: str, measure_slug: str, chart: str, fmt: str, obj: Measure
):
    """One chart of the dashboard as SVG or PNG, drawn from the same spec the page renders."""
    if fmt not in ("svg", "png") or chart not in CHARTS:
        raise Http404("Charts download as SVG or PNG.")
    _, dashboard = _dashboard(request, obj)
    spec = dashboard.specs.get(chart)
    if spec is None:
        raise Http404("This chart has no data yet.")
    return exports.image_response(spec, fmt, _filename(obj, chart, fmt))


@rule_required(can_view_network)
def network_view(request):
    form = NetworkFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}

    def panels_keyed():
        return network_panels_keyed(
            request.user,
            focus_area=filters.get("focus_area", ""),
            cohort=filters.get("cohort", ""),
            signal=filters.get("signal", ""),
        )

    if request.GET.get("format") == "csv" and form.is_valid():
        _, panels = panels_keyed()
        return exports.csv_response(exports.network_table(panels), "network-gaps.csv")
    query = request.GET.urlencode()

    def page() -> dict:
        digest, panels = panels_keyed()
        # The chart and table of the panels are a function of the panels' keys and the query
        # (the CSV link): kept under those too, so another person or minute with the same panels
        # does not draw them again.
        key = "measures:network:" + hashlib.sha256(repr((digest, query)).encode()).hexdigest()
        results = cache.get(key)
        if results is None:
            results = render_to_string(
                "measures/_network_results.html",
                {"panels": panels, "spec": charts.network_spec(panels), "query": query},
            )
            cache.set(key, results, CACHE_SECONDS)
        return {"panels": panels, "results": results, "closing": sum(p.closing for p in panels)}

    return render(request, "measures/network.html", {"form": form, "page": page})


_TEAM, _MEASURE = "team-slug-placeholder", "measure-slug-placeholder"


@rule_required(can_view_shared_measures)
def shared_measures_view(request):
    """Every measure of other teams the sharing rules let the person see, each to its dashboard."""
    user = request.user

    def page() -> dict:
        measures = shared_measures(user)
        # One reverse() for the whole list (slugs need no quoting): a reverse per measure was a
        # sixth of the page's time for staff, who see every team's.
        pattern = reverse("measure_dashboard", args=[_TEAM, _MEASURE])
        teams: dict[int, dict] = {}
        for m in measures:
            entry = teams.setdefault(m.team_id, {"team": m.team, "measures": []})
            url = pattern.replace(_TEAM, m.team.slug).replace(_MEASURE, m.slug)
            entry["measures"].append((m, url))
        return {
            "teams": list(teams.values()),
            "count": len(measures),
            "policies": sharing_policies(user),
        }

    return render(request, "measures/shared.html", {"page": page})

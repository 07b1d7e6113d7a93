"""Charts of the reporting app: the snapshot of a team's measures stored in a submitted update,
the progress-score history, and their static SVG for the PDF digest.

A snapshot is a list of JSON-able entries, one per chart::

    {"measure_id": 3, "chart": "overall" | "gaps", "title": "…", "spec": {Vega-Lite},
     "columns": ["Period", …], "rows": [["Mar 2023", …], …], "note": "…",
     "changes": [[1, "March 4, 2023", "PDSA: …"], …]}

The charts are the measure dashboard's own (:func:`measures.stored.dashboards_as_of`): the
run or control chart of everyone and the gap chart, computed from the periods that had begun by
the submission day, with the program's chart rules and the team's PDSA cycles marked on the
timeline. Everything in a snapshot is shared beyond the team (other Action Community teams read
submitted updates), so it is the shared view, with the same small-cell suppression as any view
of a team's data from outside. ``spec`` renders in the browser (vega-embed) and to SVG for the
digest (vl-convert); ``columns`` and ``rows`` are the chart's table alternative, and
``changes`` the key to the numbered PDSA markers on the chart (number, start date, change).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.template.loader import render_to_string

from equitystats import suppress
from pursuing_equity.measures.charts import for_export
from pursuing_equity.measures.choices import chart_settings
from pursuing_equity.measures.dashboard import Dashboard
from pursuing_equity.measures.models import Measure
from pursuing_equity.measures.stored import dashboards_as_of
from pursuing_equity.reporting import selectors


def _changes(dashboard: Dashboard) -> list[list]:
    """The key to the chart's numbered PDSA markers, numbered as :func:`charts.with_annotations`
    numbers them."""
    return [
        [number, f"{note.day:%B} {note.day.day}, {note.day.year}", note.label]
        for number, note in enumerate(dashboard.annotations, start=1)
    ]


def _overall_entry(measure: Measure, dashboard: Dashboard, hidden: str) -> dict:
    chart = dashboard.overall
    return {
        "measure_id": measure.pk,
        "chart": "overall",
        "title": chart.title,
        "spec": dashboard.specs["overall"],
        "columns": ["Period", "Numerator", "Denominator", "Rate (%)", "Signal"],
        "rows": [
            [
                r["period_label"],
                r["numerator"],
                _small(r["denominator"], r, chart.min_denominator),
                hidden if r["rate"] is None else r["rate"],
                r["signal"] or "—",
            ]
            for r in chart.table
        ],
        "note": chart.signal_text,
        "changes": _changes(dashboard),
    }


def _small(denominator: str, point: dict, minimum: int) -> str:
    """A denominator, flagged when the point has fewer patients than the minimum (hollow)."""
    if point.get("small"):
        return f"{denominator} (fewer than {minimum} patients: hollow point, no signal read)"
    return denominator


def _gap_entry(measure: Measure, dashboard: Dashboard) -> dict:
    gap = dashboard.gap
    label = dict(dashboard.stratifiers).get(dashboard.stratifier, "")
    left_out = [c.title for c in dashboard.groups if not c.points]
    note = " ".join(g.summary for g in gap.groups)
    if gap.note:
        note = f"{note} {gap.note}".strip()
    if left_out:
        note += f" Not shown (counts suppressed): {', '.join(left_out)}."
    return {
        "measure_id": measure.pk,
        "chart": "gaps",
        "title": f"{measure.name}: gaps against {gap.reference_label} ({label.lower()})",
        "spec": dashboard.specs["gaps"],
        "columns": [
            "Group",
            "Period",
            "Gap (points): group − reference",
            "95% interval",
            "Group rate (%)",
            "Reference rate (%)",
            "Group patients",
            "Signal",
        ],
        "rows": [
            [
                g.label,
                p["period_label"],
                p["gap"],
                f"{p['gap_low']} to {p['gap_high']}",
                p["rate"],
                p["reference_rate"],
                p.get("n", ""),
                p["signal"] or "—",
            ]
            for g in gap.groups
            for p in g.points
        ],
        "note": note.strip(),
        "changes": _changes(dashboard),
    }


def snapshot(team, as_of: datetime.date) -> list[dict[str, Any]]:
    """The charts of every measure of ``team`` as of ``as_of``, for a submitted update."""
    measures = list(
        Measure.objects.filter(team=team)
        .select_related("team", "team__cohort", "team__small_cohort", "team__cycle")
        .order_by("name")
    )
    notes = {m.pk: selectors.pdsa_annotations(m) for m in measures}
    hidden = suppress.label(chart_settings(team.cycle).threshold)
    entries = []
    views = dashboards_as_of(measures, as_of, annotations=notes)
    for measure, dashboard in zip(measures, views, strict=True):
        if "overall" in dashboard.specs:
            entries.append(_overall_entry(measure, dashboard, hidden))
        if "gaps" in dashboard.specs:
            entries.append(_gap_entry(measure, dashboard))
    return entries


def snapshot_html(entries: list[dict[str, Any]]) -> str:
    """The snapshot as the update page shows it (each chart's spec, table alternative, key to the
    PDSA markers and note), rendered once when it is stored: its tables hold thousands of cells,
    which cost the page most of its time when rendered on every visit."""
    return render_to_string("reporting/_charts.html", {"charts": entries})


SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def line_spec(
    values: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    series: str,
    title: str,
    y_title: str,
    y_domain: tuple[float, float],
) -> dict[str, Any]:
    """A Vega-Lite line chart by month, one line per ``series`` value told apart by colour AND
    dash and point shape (never colour alone). Written as a dict: building it with Altair's
    validation costs more than the statistics behind it."""
    legend = {"field": series, "type": "nominal", "title": series.capitalize()}
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "autosize": {"type": "fit", "contains": "padding"},
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": x, "type": "temporal", "timeUnit": "yearmonth", "title": "Month"},
            "y": {
                "field": y,
                "type": "quantitative",
                "title": y_title,
                "scale": {"domain": list(y_domain)},
            },
            "color": legend,
            "strokeDash": legend,
            "shape": legend,
            "tooltip": [
                {"field": x, "type": "temporal", "timeUnit": "yearmonth", "title": "Month"},
                {"field": series, "type": "nominal"},
                {"field": y, "type": "quantitative", "title": y_title},
            ],
        },
    }


def progress_chart(rows: list[dict[str, Any]], scale_min: float, scale_max: float) -> dict:
    """Team self-ratings and faculty ratings by month, two lines told apart by shape and dash."""
    values = [
        {"month": r["month"].isoformat(), "rated by": r["rater"], "score": float(r["score"])}
        for r in rows
    ]
    return line_spec(
        values,
        x="month",
        y="score",
        series="rated by",
        title="Progress scores",
        y_title="Score",
        y_domain=(scale_min, scale_max),
    )


def to_svg(spec: dict[str, Any]) -> str | None:
    """A chart as static SVG for print (vl-convert), or None if it cannot be drawn here."""
    try:
        import vl_convert
    except ImportError:  # the digest falls back to the table alternative
        return None
    try:
        return vl_convert.vegalite_to_svg(for_export(spec))
    except (ValueError, RuntimeError):
        return None

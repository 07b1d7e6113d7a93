"""Charts of the reporting app: the snapshot of a team's measures stored in a submitted update,
the progress-score history, and their static SVG for the PDF digest.

A snapshot is a list of JSON-able entries, one per chart::

    {"measure_id": 3, "title": "…", "spec": {Vega-Lite}, "columns": ["Period", …],
     "rows": [["2023-03", …], …], "note": "…"}

``spec`` renders in the browser (vega-embed) and to SVG for the digest (vl-convert); ``columns``
and ``rows`` are the chart's table alternative. Everything in a snapshot is shared beyond the
team (other Action Community teams read submitted updates), so the counts pass the same
small-cell suppression as any view of a team's data from outside (``equitystats.suppress``).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from equitystats.suppress import suppress_counts
from pursuing_equity.measures import selectors as measure_selectors
from pursuing_equity.measures.categories import group_label
from pursuing_equity.measures.models import ALL, OVERALL, Measure

SUPPRESSED = "suppressed (small numbers)"


def _stratified_table(measure: Measure, as_of: datetime.date) -> tuple[list[dict], str]:
    """Periods up to ``as_of`` × groups of the measure's first stratifier, with suppression."""
    counts = [r for r in measure_selectors.current_counts(measure) if r.period <= as_of]
    stratifier = next((s for s in measure.stratifiers if s != OVERALL), OVERALL)
    periods = sorted({r.period for r in counts})
    groups = sorted({r.group for r in counts if r.stratifier == stratifier})
    label = measure.stratifier_label(stratifier)
    if not periods or not groups:
        return [], label
    cell = {(r.period, r.group): r for r in counts if r.stratifier == stratifier}
    numerators = [[cell[p, g].numerator if (p, g) in cell else 0 for g in groups] for p in periods]
    denominators = [
        [cell[p, g].denominator if (p, g) in cell else 0 for g in groups] for p in periods
    ]
    shown = suppress_counts(numerators, denominators, multiplier=100.0)
    rows = []
    for i, period in enumerate(periods):
        for j, group in enumerate(groups):
            if (period, group) not in cell:
                continue
            rate = shown.rates[i][j]
            hidden = bool(shown.rate_mask[i][j]) or math.isnan(rate)
            rows.append(
                {
                    "period": period.isoformat(),
                    "group": group_label(measure, stratifier, group) if group != ALL else "All",
                    "rate": None if hidden else round(float(rate), 1),
                }
            )
    return rows, label


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
        "width": 520,
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


def measure_chart(measure: Measure, as_of: datetime.date) -> dict[str, Any] | None:
    """One measure's rate by group and period up to ``as_of``, or None when it has no data."""
    rows, stratifier_label = _stratified_table(measure, as_of)
    if not rows:
        return None
    title = f"{measure.name}: rate by {stratifier_label.lower()}"
    spec = line_spec(
        [r for r in rows if r["rate"] is not None],
        x="period",
        y="rate",
        series="group",
        title=title,
        y_title="Rate (%)",
        y_domain=(0, 100),
    )
    return {
        "measure_id": measure.pk,
        "title": title,
        "spec": spec,
        "columns": ["Period", stratifier_label, "Rate (%)"],
        "rows": [
            [r["period"][:7], r["group"], SUPPRESSED if r["rate"] is None else r["rate"]]
            for r in rows
        ],
        "note": "Counts of 1 to 10 and the rates they allow to be recovered are suppressed.",
    }


def snapshot(team, as_of: datetime.date) -> list[dict[str, Any]]:
    """The charts of every measure of ``team`` as of ``as_of``, for a submitted update."""
    entries = []
    for measure in Measure.objects.filter(team=team).order_by("name"):
        entry = measure_chart(measure, as_of)
        if entry is not None:
            entries.append(entry)
    return entries


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
        return vl_convert.vegalite_to_svg(spec)
    except (ValueError, RuntimeError):
        return None

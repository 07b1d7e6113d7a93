"""Vega-Lite specifications of the dashboard charts, built with Altair from equitystats results.

The browser renders them with the vendored vega-embed (tooltips on hover); the same specs render
to SVG/PNG on the server with vl-convert for downloads. Every chart has a table alternative in
the page. Points are told apart by shape as well as colour (a signal is a filled diamond), so no
meaning rests on colour alone; the colours pass WCAG AA contrast against white.

Speed: Altair builds each kind of panel once per process (:func:`functools.lru_cache`) with
*named* data; a chart is then that template with its data in the top-level ``datasets``, panels
put side by side in a Vega-Lite ``concat``. Building and copying Altair objects with the data
inline costs about a second per dashboard; this costs about a millisecond.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import altair as alt

if TYPE_CHECKING:
    from pursuing_equity.measures.dashboards import Dashboard, GapView, NetworkPanel, SeriesChart

INK = "#1f2933"
LINE = "#1d4ed8"
SIGNAL = "#b42318"
MUTED = "#52606d"
BAND = "#93c5fd"
TARGET = "#047857"
ANNOTATION = "#6d28d9"
WIDTH = 560
HEIGHT = 260
SMALL_WIDTH = 240
SMALL_HEIGHT = 130

POINTS = "points"  # placeholder names of the datasets in the templates
TARGETS = "target"
NOTES = "annotations"


def _x(title: str | None = "Period") -> alt.X:
    return alt.X("period:T", title=title, axis=alt.Axis(format="%b %Y", labelAngle=-40))


def _marked_points(base: alt.Chart, y: alt.Y, tooltip: list, size: int = 60) -> alt.Chart:
    """Points, a filled red diamond where a rule signals (shape and colour both say it)."""
    return base.mark_point(filled=True, size=size).encode(
        x=_x(),
        y=y,
        shape=alt.condition("datum.signal", alt.value("diamond"), alt.value("circle")),
        color=alt.condition("datum.signal", alt.value(SIGNAL), alt.value(LINE)),
        tooltip=tooltip,
    )


@lru_cache(maxsize=8)
def _annotation_template() -> tuple[dict, ...]:
    """The layers marking changes tested (PDSA cycles): a rule and a label per date."""
    base = alt.Chart(alt.Data(name=NOTES))
    rule = base.mark_rule(color=ANNOTATION, strokeDash=[2, 2], strokeWidth=1.5).encode(
        x=alt.X("period:T"),
        tooltip=[alt.Tooltip("period:T", title="Date"), alt.Tooltip("change:N", title="Change")],
    )
    text = base.mark_text(align="left", dx=3, dy=8, color=ANNOTATION, fontSize=10).encode(
        x=alt.X("period:T"), y=alt.value(0), text="change:N"
    )
    spec = alt.layer(rule, text).to_dict(validate=False)
    for key in ("$schema", "config", "datasets"):
        spec.pop(key, None)
    spec["data"] = {"name": NOTES}  # one nested layer reading its own dataset
    return (spec,)


@lru_cache(maxsize=16)
def _series_template(chart_type: str, target: bool) -> dict:
    """One run or control chart panel: line, centre line, limits (p chart), points, target."""
    base = alt.Chart(alt.Data(name=POINTS))
    y = alt.Y("rate:Q", title="Rate (%)", scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("rate:Q", title="Rate (%)", format=".1f"),
        alt.Tooltip("numerator:N", title="Numerator"),
        alt.Tooltip("denominator:N", title="Denominator"),
        alt.Tooltip("ci_low:Q", title="95% CI low", format=".1f"),
        alt.Tooltip("ci_high:Q", title="95% CI high", format=".1f"),
        alt.Tooltip("cl:Q", title="Centre line", format=".1f"),
        alt.Tooltip("signal:N", title="Signal"),
    ]
    layers = [base.mark_line(color=LINE).encode(x=_x(), y=y)]
    if chart_type:
        layers.append(base.mark_line(color=MUTED, strokeDash=[6, 3]).encode(x=_x(), y="cl:Q"))
    if chart_type == "p":
        for limit in ("lcl", "ucl"):
            layers.append(
                base.mark_line(color=MUTED, strokeDash=[2, 2], interpolate="step-after").encode(
                    x=_x(), y=f"{limit}:Q"
                )
            )
    layers.append(_marked_points(base, y, tooltip))
    if target:
        layers.append(
            alt.Chart(alt.Data(name=TARGETS))
            .mark_rule(color=TARGET, strokeDash=[8, 4])
            .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target (%)")])
        )
    return alt.layer(*layers).to_dict(validate=False)


@lru_cache(maxsize=4)
def _gap_template() -> dict:
    """One group's gap panel: 95% interval band, zero line, gap, centre line, signal points."""
    base = alt.Chart(alt.Data(name=POINTS))
    y = alt.Y("gap:Q", title="Gap (points)")
    tooltip = [
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("gap:Q", title="Gap (points)", format=".1f"),
        alt.Tooltip("gap_low:Q", title="95% CI low", format=".1f"),
        alt.Tooltip("gap_high:Q", title="95% CI high", format=".1f"),
        alt.Tooltip("rate:Q", title="Group rate (%)", format=".1f"),
        alt.Tooltip("reference_rate:Q", title="Reference rate (%)", format=".1f"),
        alt.Tooltip("signal:N", title="Signal"),
    ]
    return alt.layer(
        base.mark_area(color=BAND, opacity=0.5).encode(x=_x(), y="gap_low:Q", y2="gap_high:Q"),
        base.mark_rule(color=INK, aria=False).encode(y=alt.datum(0)),
        base.mark_line(color=LINE).encode(x=_x(), y=y),
        base.mark_line(color=MUTED, strokeDash=[6, 3]).encode(x=_x(), y="cl:Q"),
        _marked_points(base, y, tooltip),
    ).to_dict(validate=False)


@lru_cache(maxsize=2)
def _network_template(columns: int) -> dict:
    base = alt.Chart(alt.Data(name=POINTS))
    x = alt.X("period:T", title=None, axis=alt.Axis(format="%b %y", labelAngle=-40, tickCount=4))
    y = alt.Y("gap:Q", title="Gap (points)")
    tooltip = [
        alt.Tooltip("panel:N", title="Team and measure"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("gap:Q", title="Gap (points)", format=".1f"),
        alt.Tooltip("signal:N", title="Signal"),
    ]
    layered = alt.layer(
        base.mark_rule(color=INK, opacity=0.4, aria=False).encode(y=alt.datum(0)),
        base.mark_line(color=LINE).encode(x=x, y=y),
        base.mark_point(filled=True, size=25).encode(
            x=x,
            y=y,
            shape=alt.condition("datum.signal", alt.value("diamond"), alt.value("circle")),
            color=alt.condition("datum.signal", alt.value(SIGNAL), alt.value(LINE)),
            tooltip=tooltip,
        ),
    ).properties(width=170, height=90)
    chart = layered.facet(
        facet=alt.Facet("panel:N", title=None, header=alt.Header(labelLimit=170, labelFontSize=10)),
        columns=columns,
    )
    return chart.to_dict(validate=False)


@lru_cache(maxsize=1)
def _top_level() -> dict:
    """``$schema`` and the shared ``config`` of every chart, as Altair writes them."""
    spec = (
        alt.Chart(alt.Data(name=POINTS))
        .mark_point()
        .configure_view(stroke=None)
        .configure_axis(labelColor=INK, titleColor=INK)
        # Marks are hidden from screen readers (each chart has a table with the same numbers
        # and a description); Vega would otherwise expose hundreds of unlabeled symbols.
        .configure_mark(aria=False)
        .to_dict(validate=False)
    )
    return {"$schema": spec["$schema"], "config": spec["config"]}


def _layers(spec: dict) -> list[dict]:
    return list(spec["layer"]) if "layer" in spec else [spec]


def _rename_data(node: Any, names: dict[str, str]) -> Any:
    """A copy of ``node`` with every ``{"data": {"name": old}}`` pointing at ``names[old]``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "data" and isinstance(value, dict) and value.get("name") in names:
                out[key] = {"name": names[value["name"]]}
            else:
                out[key] = _rename_data(value, names)
        return out
    if isinstance(node, list):
        return [_rename_data(v, names) for v in node]
    return node


def _panel(template: dict, *, name: str, title: str, width: int, height: int) -> dict:
    """A copy of a template reading its points from dataset ``name``, with its title and size."""
    panel = _rename_data(template, {POINTS: name})
    for key in ("$schema", "config", "datasets"):
        panel.pop(key, None)
    if "layer" not in panel:
        panel = {"layer": [panel]}
    panel.update(title=title, width=width, height=height)
    return panel


def _annotation_values(annotations: Sequence[tuple[datetime.date, str]]) -> list[dict]:
    return [{"period": day.isoformat(), "change": label} for day, label in annotations]


def _finish(body: dict, datasets: dict[str, list], description: str) -> dict:
    return {**_top_level(), "description": description, **body, "datasets": datasets}


def with_annotations(spec: dict, annotations: Sequence[tuple[datetime.date, str]]) -> dict:
    """The PDSA hook: ``spec`` with a rule mark and a label for every (date, label).

    Works on any chart of this module (one panel or several side by side); without annotations
    the spec is returned unchanged. The reporting app feeds it the dates of tested changes.
    """
    if not annotations:
        return spec
    out = copy.deepcopy(spec)
    for panel in out.get("concat", [out]):
        panel["layer"] = [*panel["layer"], *copy.deepcopy(_annotation_template())]
    out["datasets"] = {**out.get("datasets", {}), NOTES: _annotation_values(annotations)}
    return out


def series_spec(
    chart: SeriesChart,
    *,
    target: float | None = None,
    annotations: Sequence[tuple[datetime.date, str]] = (),
) -> dict:
    """The run or control chart of one series, with the target line and PDSA annotations."""
    template = _series_template(chart.chart_type, target is not None)
    body = _panel(template, name="series", title=chart.title, width=WIDTH, height=HEIGHT)
    datasets: dict[str, list] = {"series": list(chart.points)}
    if target is not None:
        datasets[TARGETS] = [{"target": target}]
    description = f"{chart.title}: rate by period. {chart.signal_text} The table below the chart gives the numbers."
    return with_annotations(_finish(body, datasets, description), annotations)


def groups_spec(charts: Sequence[SeriesChart], *, columns: int = 2) -> dict | None:
    """One chart per group (those with points to show), side by side on the same y scale."""
    shown = [c for c in charts if c.points]
    if not shown:
        return None
    panels, datasets = [], {}
    for i, c in enumerate(shown):
        name = f"group_{i}"
        panels.append(
            _panel(
                _series_template(c.chart_type, False),
                name=name,
                title=c.title,
                width=SMALL_WIDTH,
                height=SMALL_HEIGHT,
            )
        )
        datasets[name] = list(c.points)
    body = {"concat": panels, "columns": columns, "resolve": {"scale": {"y": "shared"}}}
    description = "Rate of each group by period, one chart per group on the same scale. The table below the chart gives the numbers."
    return _finish(body, datasets, description)


def gap_spec(
    view: GapView,
    *,
    annotations: Sequence[tuple[datetime.date, str]] = (),
    columns: int = 2,
) -> dict | None:
    """Each group's gap against the reference over time, on one shared y scale."""
    groups = [g for g in view.groups if g.points]
    if not groups:
        return None
    panels, datasets = [], {}
    for i, g in enumerate(groups):
        name = f"gap_{i}"
        panels.append(
            _panel(
                _gap_template(),
                name=name,
                title=f"{g.label} vs {view.reference_label}",
                width=SMALL_WIDTH,
                height=SMALL_HEIGHT,
            )
        )
        datasets[name] = list(g.points)
    body = {"concat": panels, "columns": columns, "resolve": {"scale": {"y": "shared"}}}
    description = f"Gap of each group against {view.reference_label} over time, in percentage points, with 95% intervals. The table below the chart gives the numbers."
    return with_annotations(_finish(body, datasets, description), annotations)


def network_spec(panels: Sequence[NetworkPanel], *, columns: int = 4) -> dict | None:
    """Small multiples of every team's focal gap, one facet per team and measure."""
    values = [p for panel in panels for p in panel.points]
    if not values:
        return None
    description = "Focal gap of each team's measure over time, one small chart per team and measure. The table below gives the numbers."
    return _finish(copy.deepcopy(_network_template(columns)), {POINTS: values}, description)


def dashboard_specs(dashboard: Dashboard, *, target: float | None) -> dict[str, dict]:
    """The specs of a measure dashboard's charts by name: ``overall``, ``groups``, ``gaps``."""
    specs = {
        "overall": series_spec(dashboard.overall, target=target, annotations=dashboard.annotations)
        if dashboard.overall.points
        else None,
        "groups": groups_spec(dashboard.groups),
        "gaps": gap_spec(dashboard.gap, annotations=dashboard.annotations),
    }
    return {name: spec for name, spec in specs.items() if spec}


def validate(spec: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``spec`` is not valid Vega-Lite (used by tests)."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    validate_jsonschema(spec, load_schema())

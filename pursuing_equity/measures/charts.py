"""Vega-Lite specifications of the dashboard charts, built with Altair from equitystats results.

The browser renders them with the vendored vega-embed (tooltips on hover); the same specs render
to SVG/PNG on the server with vl-convert for downloads. Every chart has a table alternative in
the page. Points are told apart by shape as well as colour (a signal is a filled diamond), so no
meaning rests on colour alone; the colours pass WCAG AA contrast against white. A point of fewer
patients than the program's minimum (``small`` in its data) is hollow, carries no signal, and
the chart's subtitle says what hollow means (:func:`small_legend`).

Speed: Altair builds each kind of panel once per process (:func:`functools.lru_cache`) with
*named* data; a chart is then that template with its data in the top-level ``datasets``, panels
put side by side in a Vega-Lite ``concat``. Building and copying Altair objects with the data
inline costs about a second per dashboard; this costs about a millisecond.

Every screen: a single chart takes its container's width (``width: "container"``, autosize
*fit*); side-by-side panels keep a fixed width that ``charts.js`` narrows to one column on a
phone, where it also shows only the latest periods. Downloads and the PDF digest go through
:func:`for_export`, which gives a container-wide chart a fixed width. Changes tested (PDSA
cycles) are numbered markers inside the plot, keyed to the table below the chart: never text on
the chart, so nothing overlaps or spills out of the chart's box, whatever the width.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import altair as alt

from pursuing_equity.measures.annotations import Annotation, normalise

if TYPE_CHECKING:
    from pursuing_equity.measures.adjusted import AdjustedView
    from pursuing_equity.measures.dashboard import Dashboard
    from pursuing_equity.measures.network import NetworkPanel
    from pursuing_equity.measures.panels import GapView, SeriesChart

INK = "#1f2933"
LINE = "#1d4ed8"
SIGNAL = "#b42318"
MUTED = "#52606d"
BAND = "#93c5fd"
TARGET = "#047857"
ANNOTATION = "#6d28d9"
WIDTH = 560  # a single chart's width in downloads and the PDF; on screen it fills its container
HEIGHT = 260
SMALL_WIDTH = 240
SMALL_HEIGHT = 130

POINTS = "points"  # placeholder names of the datasets in the templates
TARGETS = "target"
NOTES = "annotations"

#: Gap sign convention, said once here and used by the axis titles and the page's sentences.
GAP_AXIS = "Gap (points): group − reference"
#: Vertical pitch of the rows of PDSA markers, in pixels from the top of the plot.
MARKER_TOP = 10
MARKER_STEP = 18
#: Markers closer than this share of the time axis go on different rows.
MARKER_SPACING = 0.06


def _x(title: str | None = "Period") -> alt.X:
    return alt.X("period:T", title=title, axis=alt.Axis(format="%b %Y", labelAngle=-40))


def _point_encoding(x: alt.X, y: alt.Y, tooltip: list) -> dict:
    """A filled red diamond where a rule signals (shape and colour both say it), a hollow
    circle where the point has fewer patients than the minimum (``datum.small``), else a
    filled circle."""
    return {
        "x": x,
        "y": y,
        "shape": alt.condition("datum.signal", alt.value("diamond"), alt.value("circle")),
        "fill": alt.when("datum.small")
        .then(alt.value("white"))
        .when("datum.signal")
        .then(alt.value(SIGNAL))
        .otherwise(alt.value(LINE)),
        "stroke": alt.condition("datum.signal", alt.value(SIGNAL), alt.value(LINE)),
        "tooltip": tooltip,
    }


def _marked_points(base: alt.Chart, y: alt.Y, tooltip: list, size: int = 60) -> alt.Chart:
    """The points of a run, control or gap chart (:func:`_point_encoding`)."""
    return base.mark_point(filled=True, size=size, strokeWidth=1.5, opacity=1).encode(
        **_point_encoding(_x(), y, tooltip)
    )


def small_legend(minimum: int | None) -> str:
    """What a hollow point means, as the charts' subtitle and the page's captions say it
    (``None``: panels of several programs, each with its own minimum)."""
    few = f"fewer than {minimum} patients" if minimum else "fewer patients than the minimum"
    return f"Hollow points: {few} (no signal is read from them)"


def _has_small(datasets: dict[str, list]) -> bool:
    return any(row.get("small") for rows in datasets.values() for row in rows)


@lru_cache(maxsize=8)
def _annotation_template() -> tuple[dict, ...]:
    """The layers marking changes tested (PDSA cycles): a dashed rule and a numbered badge per
    change, the badge at a pixel height (``y``) inside the plot chosen so badges never overlap
    (:func:`_marker_rows`). The change itself is in the tooltip and the table, not on the chart."""
    base = alt.Chart(alt.Data(name=NOTES))
    tooltip = [
        alt.Tooltip("number:N", title="Change"),
        alt.Tooltip("date:N", title="Started"),
        alt.Tooltip("change:N", title="Change tested"),
    ]
    x = alt.X("period:T")
    y = alt.Y("y:Q", scale=None, axis=None)
    rule = base.mark_rule(color=ANNOTATION, strokeDash=[2, 2], strokeWidth=1.5).encode(
        x=x, tooltip=tooltip
    )
    badge = base.mark_point(
        shape="circle", size=230, filled=True, fill="white", stroke=ANNOTATION, strokeWidth=1.5,
        opacity=1,
    ).encode(x=x, y=y, tooltip=tooltip)  # fmt: skip
    number = base.mark_text(
        color=ANNOTATION, fontSize=10, fontWeight="bold", align="center", baseline="middle"
    ).encode(x=x, y=y, text="number:N")
    spec = alt.layer(rule, badge, number).to_dict(validate=False)
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
        alt.Tooltip("n:N", title="Patients (numerator/denominator)"),
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
    y = alt.Y("gap:Q", title=GAP_AXIS)
    tooltip = [
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("gap:Q", title=GAP_AXIS, format="+.1f"),
        alt.Tooltip("gap_low:Q", title="95% CI low", format=".1f"),
        alt.Tooltip("gap_high:Q", title="95% CI high", format=".1f"),
        alt.Tooltip("rate:Q", title="Group rate (%)", format=".1f"),
        alt.Tooltip("reference_rate:Q", title="Reference rate (%)", format=".1f"),
        alt.Tooltip("n:N", title="Group patients (numerator/denominator)"),
        alt.Tooltip("reference_n:N", title="Reference patients"),
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
    # Two short lines: the small panels are not tall enough for the title on one line.
    y = alt.Y("gap:Q", title=["Gap (points)", "group − reference"], axis=alt.Axis(titleFontSize=10))
    tooltip = [
        alt.Tooltip("panel:N", title="Team and measure"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("gap:Q", title=GAP_AXIS, format="+.1f"),
        alt.Tooltip("n:N", title="Group patients (numerator/denominator)"),
        alt.Tooltip("signal:N", title="Signal"),
    ]
    layered = alt.layer(
        base.mark_rule(color=INK, opacity=0.4, aria=False).encode(y=alt.datum(0)),
        base.mark_line(color=LINE).encode(x=x, y=y),
        base.mark_point(filled=True, size=25, strokeWidth=1.5, opacity=1).encode(
            **_point_encoding(x, y, tooltip)
        ),
    ).properties(width=170, height=110)
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
    # A long group name is cut short with an ellipsis rather than widening the panel.
    limit = width if isinstance(width, int) else 0
    panel.update(title={"text": title, "limit": limit}, width=width, height=height)
    return panel


def _finish(
    body: dict, datasets: dict[str, list], description: str, minimum: int | None = 0
) -> dict:
    """The whole spec; with hollow (small) points among ``datasets``, the subtitle and the
    description say what hollow means (fewer than ``minimum`` patients; ``None``: each
    program's minimum)."""
    if minimum != 0 and _has_small(datasets):
        legend = small_legend(minimum)
        description = f"{description} {legend}."
        if "concat" in body or "facet" in body:
            title = {"text": legend, "fontSize": 11, "fontWeight": "normal", "anchor": "start"}
            body = {**body, "title": title}
        else:
            body = {**body, "title": {**body["title"], "subtitle": legend}}
    spec = {**_top_level(), "description": description, **body, "datasets": datasets}
    if spec.get("width") == "container":
        # Axes and title fit inside the container's width instead of widening it.
        spec["autosize"] = {"type": "fit", "contains": "padding"}
    return spec


def for_export(spec: dict) -> dict:
    """``spec`` with a fixed width where it fills its container on screen, for vl-convert (SVG,
    PNG, the PDF digest), which has no container; other specs are returned unchanged."""
    if spec.get("width") != "container":
        return spec
    return {**spec, "width": WIDTH}


def _periods(spec: dict) -> list[datetime.date]:
    """Every period plotted by ``spec``'s own datasets (not its markers or target)."""
    return [
        datetime.date.fromisoformat(str(row["period"])[:10])
        for name, rows in spec.get("datasets", {}).items()
        if name not in (NOTES, TARGETS)
        for row in rows
        if row.get("period")
    ]


def _marker_rows(days: Sequence[datetime.date], span_days: int, rows: int) -> list[int]:
    """A row (0 = top) for each marker, oldest first: the first row whose last marker is at least
    :data:`MARKER_SPACING` of the time axis away, so badges close in time stack instead of
    overlapping; with every row taken, the row whose last marker is oldest."""
    spacing = max(span_days, 1) * MARKER_SPACING
    last: list[datetime.date | None] = [None] * rows
    out = []
    for day in days:
        free = [r for r in range(rows) if last[r] is None or (day - last[r]).days >= spacing]
        row = free[0] if free else min(range(rows), key=lambda r: last[r])
        last[row] = day
        out.append(row)
    return out


def _panel_height(spec: dict) -> int:
    heights = [p.get("height", HEIGHT) for p in spec.get("concat", [spec])]
    return min(h for h in heights if isinstance(h, int)) if heights else HEIGHT


def with_annotations(spec: dict, annotations: Sequence[Sequence]) -> dict:
    """The PDSA hook: ``spec`` with a numbered marker (a dashed rule and a badge) for every
    annotation (:class:`~.annotations.Annotation` or ``(date, label)``), numbered 1, 2, 3…
    oldest first like the table of changes below the chart.

    Works on any chart of this module (one panel or several side by side). Only the changes
    dated within the charted periods (up to a month after the last one) are marked, so a marker
    never stretches the time axis; the table keeps every change under the same numbers.
    Without annotations, or with none in range, the spec is returned unchanged.
    """
    notes = normalise(annotations)
    periods = _periods(spec)
    if not notes or not periods:
        return spec
    first, last = min(periods), max(periods) + datetime.timedelta(days=31)
    shown = [(i, note) for i, note in enumerate(notes, start=1) if first <= note.day <= last]
    if not shown:
        return spec
    rows = max(1, min(len(shown), (_panel_height(spec) // 2 - MARKER_TOP) // MARKER_STEP + 1))
    placed = _marker_rows([note.day for _, note in shown], (last - first).days, rows)
    values = [
        {
            "period": note.day.isoformat(),
            "number": number,
            "date": f"{note.day:%b} {note.day.day}, {note.day.year}",
            "change": note.label,
            "y": MARKER_TOP + row * MARKER_STEP,
        }
        for (number, note), row in zip(shown, placed, strict=True)
    ]
    out = copy.deepcopy(spec)
    for panel in out.get("concat", [out]):
        panel["layer"] = [*panel["layer"], *copy.deepcopy(_annotation_template())]
    out["datasets"] = {**out.get("datasets", {}), NOTES: values}
    out["description"] = (
        f"{spec.get('description', '')} Numbered markers show the changes tested, "
        "listed with the same numbers in the table of changes."
    ).strip()
    return out


def series_spec(
    chart: SeriesChart,
    *,
    target: float | None = None,
    annotations: Sequence[Annotation | tuple[datetime.date, str]] = (),
) -> dict:
    """The run or control chart of one series, as wide as its container on screen, with the
    target line and the PDSA markers."""
    template = _series_template(chart.chart_type, target is not None)
    body = _panel(template, name="series", title=chart.title, width="container", height=HEIGHT)
    datasets: dict[str, list] = {"series": list(chart.points)}
    if target is not None:
        datasets[TARGETS] = [{"target": target}]
    description = f"{chart.title}: rate by period. {chart.signal_text} The table below the chart gives the numbers."
    return with_annotations(
        _finish(body, datasets, description, chart.min_denominator), annotations
    )


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
    return _finish(body, datasets, description, max(c.min_denominator for c in shown))


def gap_spec(
    view: GapView,
    *,
    annotations: Sequence[Annotation | tuple[datetime.date, str]] = (),
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
    description = f"Gap of each group against {view.reference_label} over time (group rate minus reference rate, in percentage points; below zero the group's rate is lower), with 95% intervals. The table below the chart gives the numbers."
    return with_annotations(_finish(body, datasets, description, view.min_denominator), annotations)


def network_spec(panels: Sequence[NetworkPanel], *, columns: int = 4) -> dict | None:
    """Small multiples of every team's focal gap, one facet per team and measure."""
    values = [p for panel in panels for p in panel.points]
    if not values:
        return None
    description = "Focal gap of each team's measure over time, one small chart per team and measure. The table below gives the numbers."
    template = copy.deepcopy(_network_template(columns))
    return _finish(template, {POINTS: values}, description, None)


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


ADJUSTED_SECTION = (
    ("adjusted", "rate", "Age-adjusted rate (%)"),
    ("crude", "crude", "Crude rate (%)"),
)


@lru_cache(maxsize=64)
def _adjusted_template(field: str, title: str, legend: str) -> dict:
    """One chart of the age-adjusted section with named data (built once per process)."""
    base = alt.Chart(alt.Data(name=POINTS)).encode(
        x=alt.X("period:T", title="Period", axis=alt.Axis(format="%b %Y", labelAngle=-40)),
    )
    quiet = alt.Color("group:N", legend=None)
    y = alt.Y("value:Q", title=title, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("period:T", title="Period", format="%B %Y"),
        alt.Tooltip("value:Q", title=title, format=".1f"),
    ]
    layers = [base.mark_line().encode(y=y, color=quiet)]
    if field == "rate":
        tooltip += [
            alt.Tooltip("low:Q", title="95% interval from", format=".1f"),
            alt.Tooltip("high:Q", title="to", format=".1f"),
        ]
        layers.append(base.mark_rule(opacity=0.5).encode(y="low:Q", y2="high:Q", color=quiet))
    layers.append(
        base.mark_point(filled=True, size=60).encode(
            y=y,
            color=alt.Color("group:N", title=legend),
            shape=alt.Shape("group:N", title=legend),
            tooltip=tooltip,
        )
    )
    return (
        alt.layer(*layers)
        .resolve_legend(color="independent")
        .properties(width="container", height=HEIGHT)
        .configure_axis(labelColor=INK, titleColor=INK)
        .to_dict()
    )


def adjusted_specs(view: AdjustedView) -> dict[str, dict]:
    """Vega-Lite specs of the section, by name: ``adjusted`` (age-adjusted rates with their
    Fay–Feuer intervals) and ``crude`` (the same groups' crude rates), one line per group told
    apart by colour and point shape. The table under the chart gives every number."""
    specs = {}
    for name, field, title in ADJUSTED_SECTION:
        values = [
            {
                "period": p.period.isoformat(),
                "group": p.group_label,
                "value": getattr(p, field),
                "low": p.low if field == "rate" else None,
                "high": p.high if field == "rate" else None,
            }
            for p in view.points
            if p.rate is not None
        ]
        spec = copy.deepcopy(_adjusted_template(field, title, view.stratifier_label))
        spec["datasets"] = {POINTS: values}
        spec["description"] = (
            f"{title} of each group by period ({view.standard_label if field == 'rate' else 'not age-adjusted'}). "
            "The table below the chart gives the numbers."
        )
        spec["autosize"] = {"type": "fit", "contains": "padding"}
        specs[f"adjusted_{name}" if name == "crude" else name] = spec
    return specs


def validate(spec: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``spec`` is not valid Vega-Lite (used by tests)."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    validate_jsonschema(spec, load_schema())

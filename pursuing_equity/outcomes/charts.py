"""The self-assessment charts, Vega-Lite built with Altair; the page always shows the same numbers
as a table. The team sees a radar chart (one spoke per component, one polygon per round); staff
see the network's distribution as grouped bars of each component's mean per round, with the range
between teams as a rule.

Speed: Altair builds each chart once per process and program shape (:func:`functools.lru_cache`)
with its scores as *named* data; a page's chart is that template with its title and its scores
in the top-level ``datasets`` (as :mod:`pursuing_equity.measures.charts` does). Building the
radar with Altair cost about 50 ms a page; filling a template costs well under a millisecond.
The templates are shared: nothing may change them (a chart is a new top-level dict).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import altair as alt

from pursuing_equity.outcomes import program

#: Placeholder names of the datasets the templates read.
RESULTS = "results"
SCORES = "scores"


def _scale_ends(assessment: program.Assessment) -> tuple[int, int]:
    return min(v for v, _ in assessment.scale), max(v for v, _ in assessment.scale)


def _filled(template: dict, title: str, name: str, values: list[dict]) -> dict[str, Any]:
    """A new top-level spec: the shared ``template`` with ``title`` and ``values`` as ``name``."""
    return {
        **template,
        "title": title,
        "datasets": {**template.get("datasets", {}), name: values},
    }


def results_chart(
    summaries: Sequence, assessment: program.Assessment, title: str
) -> dict[str, Any] | None:
    """Mean per component, one bar per round (told apart by position, colour and a legend), the
    whiskers the lowest and highest score; None when nobody has answered."""
    names = {c.key: c.name for c in assessment.components}
    rounds = {r.key: r.name for r in assessment.rounds}
    values = [
        {
            "component": names[s.component],
            "round": rounds[s.round_key],
            "mean": s.mean,
            "low": s.low,
            "high": s.high,
            "n": s.n,
        }
        for s in summaries
        if s.mean is not None
    ]
    if not values:
        return None
    template = _results_template(
        tuple(names.values()), tuple(rounds.values()), _scale_ends(assessment)
    )
    return _filled(template, title, RESULTS, values)


@lru_cache(maxsize=16)
def _results_template(
    components: tuple[str, ...], order: tuple[str, ...], ends: tuple[int, int]
) -> dict[str, Any]:
    """The bars and whiskers of :func:`results_chart`, reading the dataset ``RESULTS``."""
    base = alt.Chart(alt.Data(name=RESULTS)).encode(
        y=alt.Y("component:N", title=None, sort=list(components), axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("round:N", sort=list(order)),
    )
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", title="Mean score", scale=alt.Scale(domain=list(ends))),
        color=alt.Color("round:N", sort=list(order), title="Round"),
        tooltip=["component:N", "round:N", "mean:Q", "low:Q", "high:Q", "n:Q"],
    )
    spread = base.mark_rule(color="black").encode(x="low:Q", x2="high:Q")
    return (bars + spread).properties(title="", width="container").to_dict()


#: The rounds' colours, by the round's position in the program (baseline, midpoint, end, ...):
#: Vega's default category colours, as the network's bars have them, fixed per round so a team
#: that skipped a round keeps the same colour for the others.
ROUND_COLOURS = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b")
#: The radar's plot square (px); the labels at the spokes' ends and the legend pad it out.
RADAR_SIZE = 280
#: Where a spoke's label sits, as a share of the radius (just outside the outermost ring).
LABEL_AT = 1.1
#: A label's line height as a share of the radius (11 px text, 13 px lines).
LINE = 13 / (RADAR_SIZE / 2)


def _lines(text: str, width: int = 20) -> list[str]:
    """``text`` wrapped into lines of about ``width`` characters (a Vega text mark draws a list
    as one line each)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def radar_chart(
    summaries: Sequence, assessment: program.Assessment, title: str
) -> dict[str, Any] | None:
    """A radar chart of the team's mean score per component: one spoke per component, one closed
    polygon per round (coloured and shaped per round, with a legend), grid rings at each value of
    the scale; None when nobody has answered.

    Vega-Lite has no polar line mark, so each point is placed by polar-to-Cartesian conversion
    (x = r·cos θ, y = r·sin θ; e.g. Wikipedia, "Polar coordinate system", "Converting between
    polar and Cartesian coordinates"): component ``i`` of ``k`` on the angle
    θ = π/2 − 2πi/k (the first spoke up, clockwise), the radius r the mean scaled to the scale,
    (mean − lowest) / (highest − lowest), so the centre is the scale's lowest value and the
    outer ring its highest. The polygon is a line through the components in order with the first
    point repeated to close it (the radar or "spider" chart of Chambers et al., *Graphical Methods
    for Data Analysis*, 1983, the star plot)."""
    components = assessment.components
    k = len(components)
    index = {c.key: i for i, c in enumerate(components)}
    names = {c.key: c.name for c in components}
    positions = {r.key: i for i, r in enumerate(assessment.rounds)}
    rounds = {r.key: r.name for r in assessment.rounds}
    low, high = _scale_ends(assessment)
    span = (high - low) or 1
    points = []
    for s in summaries:
        if s.mean is None or s.component not in index or s.round_key not in rounds:
            continue
        row = {
            "component": names[s.component],
            "round": rounds[s.round_key],
            "mean": s.mean,
            "low": s.low,
            "high": s.high,
            "n": s.n,
            "index": index[s.component],
            "r": (s.mean - low) / span,
        }
        points.append(row)
        if row["index"] == 0:  # the first point again, last, closes the polygon
            points.append({**row, "index": k})
    if not points:
        return None
    answered = sorted({p["round"] for p in points}, key=lambda n: list(rounds.values()).index(n))
    colours = [
        ROUND_COLOURS[positions[key] % len(ROUND_COLOURS)]
        for key, name in rounds.items()
        if name in answered
    ]
    template = _radar_template(
        tuple(c.name for c in components),
        tuple(v for v, _ in assessment.scale),
        tuple(answered),
        tuple(colours),
    )
    return _filled(template, title, SCORES, points)


@lru_cache(maxsize=32)
def _radar_template(
    components: tuple[str, ...],
    values: tuple[int, ...],
    answered: tuple[str, ...],
    colours: tuple[str, ...],
) -> dict[str, Any]:
    """The layers of :func:`radar_chart` for components named ``components``, a scale of
    ``values`` and the rounds ``answered`` (coloured ``colours``), reading the dataset
    ``SCORES``: rings, spokes and their labels, the polygons and the dots."""
    rings, ring_labels = _rings(len(components), values)
    spokes, labels = _spokes(components)
    chart = (
        alt.layer(rings, spokes, ring_labels, labels, *_scores(len(components), answered, colours))
        .properties(title="", width=RADAR_SIZE, height=RADAR_SIZE)
        .configure_view(stroke=None)
        .configure_legend(orient="bottom", direction="horizontal", offset=50)
    )
    return chart.to_dict()


#: The radar's x and y: the unit square around the centre, no axes.
_AXIS_SCALE = alt.Scale(domain=[-1.0, 1.0], nice=False, zero=False)


def _angle(k: int) -> str:
    """Component ``datum.index`` of ``k``: its spoke's angle θ = π/2 − 2πi/k, the first up,
    clockwise (the conversion and its source: :func:`radar_chart`)."""
    return f"PI / 2 - 2 * PI * datum.index / {k}"


def _rings(k: int, values: tuple[int, ...]) -> list[alt.Chart]:
    """A ring (a closed line through the ``k`` spokes) per value of the scale above the lowest,
    each value labelled on the first spoke."""
    low, high = min(values), max(values)
    span = (high - low) or 1
    angle = _angle(k)
    axis_scale = _AXIS_SCALE
    x = alt.X("x:Q", axis=None, scale=axis_scale)
    y = alt.Y("y:Q", axis=None, scale=axis_scale)
    rings = (
        alt.Chart(
            alt.Data(
                values=[
                    {"value": v, "r": (v - low) / span, "index": i}
                    for v in values
                    if v > low
                    for i in range(k + 1)
                ]
            )
        )
        .transform_calculate(x=f"datum.r * cos({angle})", y=f"datum.r * sin({angle})")
        .mark_line(color="#d0d0d0", strokeWidth=1)
        .encode(x=x, y=y, detail="value:N", order="index:Q")
    )
    ring_labels = (
        alt.Chart(alt.Data(values=[{"value": v, "r": (v - low) / span} for v in values]))
        .mark_text(align="left", dx=4, dy=-2, fontSize=10, color="#555")
        .encode(
            x=alt.X("zero:Q", axis=None, scale=axis_scale),
            y=alt.Y("r:Q", axis=None, scale=axis_scale),
            text="value:Q",
        )
        .transform_calculate(zero="0")
    )
    return [rings, ring_labels]


def _spokes(components: tuple[str, ...]) -> list[alt.Chart]:
    """A spoke per component from the centre, its name (wrapped) just beyond its end."""
    angle = _angle(len(components))
    x = alt.X("x:Q", axis=None, scale=_AXIS_SCALE)
    y = alt.Y("y:Q", axis=None, scale=_AXIS_SCALE)
    spokes_data = [
        {"component": name, "label": _lines(name), "index": i, "lines": len(_lines(name))}
        for i, name in enumerate(components)
    ]
    spokes = (
        alt.Chart(alt.Data(values=spokes_data))
        .transform_calculate(x0="0", y0="0", x=f"cos({angle})", y=f"sin({angle})")
        .mark_rule(color="#d0d0d0")
        .encode(
            x=alt.X("x0:Q", axis=None, scale=_AXIS_SCALE),
            y=alt.Y("y0:Q", axis=None, scale=_AXIS_SCALE),
            x2="x:Q",
            y2="y:Q",
        )
    )
    labels = (
        alt.Chart(alt.Data(values=spokes_data))
        .transform_calculate(
            x=f"{LABEL_AT} * cos({angle})",
            # a label above the centre grows upwards: its first line goes up by the lines below it
            y=f"{LABEL_AT} * sin({angle}) + (sin({angle}) > 0.2 ? (datum.lines - 1) * {LINE} : 0)",
            align=f"abs(cos({angle})) < 0.2 ? 'center' : cos({angle}) > 0 ? 'left' : 'right'",
            baseline=f"sin({angle}) > 0.2 ? 'bottom' : sin({angle}) < -0.2 ? 'top' : 'middle'",
        )
        .mark_text(
            fontSize=11,
            color="#222",
            align=alt.expr("datum.align"),
            baseline=alt.expr("datum.baseline"),
        )
        .encode(x=x, y=y, text="label:N")
    )
    return [spokes, labels]


def _scores(k: int, answered: tuple[str, ...], colours: tuple[str, ...]) -> list[alt.Chart]:
    """The scores (dataset ``SCORES``): a closed line per round and a dot per component, told
    apart by colour and shape, with a legend."""
    angle = _angle(k)
    x = alt.X("x:Q", axis=None, scale=_AXIS_SCALE)
    y = alt.Y("y:Q", axis=None, scale=_AXIS_SCALE)
    colour = alt.Color(
        "round:N",
        title="Round",
        sort=list(answered),
        scale=alt.Scale(domain=list(answered), range=list(colours)),
    )
    shape = alt.Shape(
        "round:N", title="Round", sort=list(answered), scale=alt.Scale(domain=list(answered))
    )
    tooltip = [
        alt.Tooltip("component:N", title="Component"),
        alt.Tooltip("round:N", title="Round"),
        alt.Tooltip("mean:Q", title="Mean", format=".2f"),
        alt.Tooltip("n:Q", title="Members answering"),
        alt.Tooltip("low:Q", title="Lowest"),
        alt.Tooltip("high:Q", title="Highest"),
    ]
    scores = alt.Chart(alt.Data(name=SCORES)).transform_calculate(
        x=f"datum.r * cos({angle})", y=f"datum.r * sin({angle})"
    )
    polygons = scores.mark_line(strokeWidth=2).encode(
        x=x, y=y, color=colour, detail="round:N", order="index:Q", tooltip=tooltip
    )
    dots = (
        scores.transform_filter(f"datum.index < {k}")
        .mark_point(filled=True, size=60, opacity=1)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    )
    return [polygons, dots]

"""The team's self-assessment radar chart: one spoke per component, one closed polygon per round,
placed by Cartesian coordinates computed in the spec; drawn to SVG by vl-convert."""

from __future__ import annotations

import datetime
import math
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
import vl_convert

from pursuing_equity.outcomes import charts, program
from pursuing_equity.outcomes.selectors_self_assessment import summarise

PROGRAM = Path(__file__).resolve().parents[3] / "programs" / "pursuing-equity-2023.toml"


@pytest.fixture(scope="module")
def assessment():
    cycle = SimpleNamespace(
        document=tomllib.loads(PROGRAM.read_text()),
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2024, 6, 30),
    )
    return program.assessment_for(cycle)


def _summaries(assessment, means: dict[str, float]):
    """Two members per component and round: the mean ± 0.5 (so the mean is ``means[round]``)."""
    return [
        summarise(r.key, c.key, [mean - 0.5, mean + 0.5])
        for r in assessment.rounds
        if (mean := means.get(r.key)) is not None
        for c in assessment.components
    ]


def _layers(spec, mark):
    return [
        layer
        for layer in spec["layer"]
        if (layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]) == mark
    ]


def _evaluate(expression: str, datum: dict) -> float:
    """A Vega expression of arithmetic and cos/sin evaluated in Python (no ternaries)."""
    python = re.sub(r"datum\.(\w+)", lambda m: repr(datum[m.group(1)]), expression)
    names = {"PI": math.pi, "cos": math.cos, "sin": math.sin}
    return eval(python, {"__builtins__": {}}, names)  # noqa: S307 (the chart's own formula)


def _rows(layer, spec):
    data = layer["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def _points(layer, spec):
    """The layer's rows with the x/y its ``calculate`` transforms give them."""
    rows = _rows(layer, spec)
    formulas = {t["as"]: t["calculate"] for t in layer.get("transform", []) if "calculate" in t}
    return [
        {**row, "x": _evaluate(formulas["x"], row), "y": _evaluate(formulas["y"], row)}
        for row in rows
    ]


def test_nobody_answered_gives_no_chart(assessment):
    assert charts.radar_chart([], assessment, "T") is None
    assert charts.radar_chart(_summaries(assessment, {}), assessment, "T") is None


def test_one_closed_polygon_per_round_one_spoke_per_component(assessment):
    low, high = assessment.scale[0][0], assessment.scale[-1][0]
    spec = charts.radar_chart(
        _summaries(assessment, {"baseline": 2.0, "midpoint": float(high)}), assessment, "T"
    )
    assert len(assessment.components) == 5
    (polygon,) = [layer for layer in _layers(spec, "line") if "color" in layer["encoding"]]
    assert polygon["encoding"]["order"]["field"] == "index"
    points = _points(polygon, spec)
    by_round = {}
    for p in points:
        by_round.setdefault(p["round"], []).append(p)
    assert set(by_round) == {"Baseline", "Midpoint"}
    for rows in by_round.values():
        rows.sort(key=lambda p: p["index"])
        assert len(rows) == 6  # five components and the first again
        assert (rows[0]["x"], rows[0]["y"]) == pytest.approx((rows[-1]["x"], rows[-1]["y"]))
    # The highest value of the scale is on the outer ring; the first spoke points up.
    outer = by_round["Midpoint"]
    assert all(math.hypot(p["x"], p["y"]) == pytest.approx(1.0) for p in outer)
    assert (outer[0]["x"], outer[0]["y"]) == pytest.approx((0.0, 1.0))
    inner = by_round["Baseline"]
    assert all(
        math.hypot(p["x"], p["y"]) == pytest.approx((2.0 - low) / (high - low)) for p in inner
    )
    # Five spokes labelled with the components' names at their ends.
    labels = [
        row for layer in _layers(spec, "text") for row in _rows(layer, spec) if "label" in row
    ]
    assert [" ".join(r["label"]) for r in labels] == [c.name for c in assessment.components]


def test_rounds_keep_their_colours_legend_and_tooltips(assessment):
    spec = charts.radar_chart(_summaries(assessment, {"midpoint": 3.0}), assessment, "T")
    (dots,) = _layers(spec, "point")
    colour = dots["encoding"]["color"]
    # Only the midpoint answered: it keeps the midpoint's colour, not the first one.
    assert colour["scale"] == {"domain": ["Midpoint"], "range": [charts.ROUND_COLOURS[1]]}
    assert colour["title"] == "Round"
    fields = [t["field"] for t in dots["encoding"]["tooltip"]]
    assert fields[:4] == ["component", "round", "mean", "n"]
    (rings,) = [
        layer
        for layer in _layers(spec, "line")
        if layer["encoding"].get("detail", {}).get("field") == "value"
    ]
    assert rings["mark"]["color"] == "#d0d0d0"
    assert spec["width"] == spec["height"] == charts.RADAR_SIZE


def test_the_radar_draws_to_svg(assessment):
    spec = charts.radar_chart(
        _summaries(assessment, {"baseline": 2.0, "midpoint": 3.5, "end": 4.0}), assessment, "Team T"
    )
    svg = vl_convert.vegalite_to_svg(spec)
    assert svg.startswith("<svg") and "Team T" in svg
    for name in ("Baseline", "Midpoint", "End", "Partner with the"):
        assert name in svg

"""Points of fewer patients than the program's minimum: hollow on every chart, their n in the
tooltip and the tables, and no signal announced that only they carry."""

import datetime
import json

import pytest
from django.template.loader import render_to_string

from pursuing_equity.measures import charts, exports
from pursuing_equity.measures.choices import ChartSettings
from pursuing_equity.measures.selectors import CountRow
from pursuing_equity.measures.tests.test_dashboards import SETTINGS, bp, dressed

BASE = [(24, 50), (26, 50), (23, 50), (27, 50), (25, 50)] * 2
#: After ten steady months, six months of 2 of 2 Black patients: a "shift" of small points only.
ONLY_SMALL = BASE + [(2, 2)] * 6
#: A real rise among 50 patients a month, with three months of 2 of 2 among them.
MIXED = BASE + [(36, 50), (2, 2), (37, 50), (35, 50), (2, 2), (36, 50), (38, 50), (2, 2)]
MIXED += [(36, 50), (37, 50)]
LEGEND = "Hollow points: fewer than 20 patients"


def rows(black: list[tuple[int, int]]) -> list[CountRow]:
    """White 25 ± 1 of 50 patients a month beside Black's counts, month by month from 2023."""
    out = []
    for m, (x, n) in enumerate(black):
        day = datetime.date(2023 + m // 12, m % 12 + 1, 1)
        white = (25 + m % 3 - 1, 50)
        out.append(CountRow(day, "overall", "all", x + white[0], n + white[1]))
        out.append(CountRow(day, "race_ethnicity", "white", *white))
        out.append(CountRow(day, "race_ethnicity", "black", x, n))
    return out


def dashboard_of(black, settings=SETTINGS):
    measure = bp(stratifiers=["race_ethnicity"], reference_groups={"race_ethnicity": "white"})
    return dressed(measure, rows(black), aims=[], suppressed=False, stratifier="race_ethnicity",
                   settings=settings)  # fmt: skip


@pytest.fixture(scope="module")
def only_small():
    return dashboard_of(ONLY_SMALL)


def black_chart(dashboard):
    return next(c for c in dashboard.groups if c.title == "Black or African American")


def point_layers(spec: dict) -> list[dict]:
    panels = spec.get("concat", [spec])
    return [
        layer
        for panel in panels
        for layer in panel["layer"]
        if layer["mark"]["type"] == "point" and "fill" in layer.get("encoding", {})
    ]


def test_small_points_are_hollow_with_their_n_in_the_tooltip(only_small):
    for name in ("overall", "groups", "gaps"):
        spec = only_small.specs[name]
        charts.validate(spec)
        for layer in point_layers(spec):
            fill = layer["encoding"]["fill"]
            assert fill["condition"][0] == {"test": "datum.small", "value": "white"}
            assert {t["field"] for t in layer["encoding"]["tooltip"]} >= {"n", "signal"}
    groups = only_small.specs["groups"]
    black = next(rows for rows in groups["datasets"].values() if rows[0]["rate"] < 60 and
                 rows[-1]["rate"] == 100)  # fmt: skip
    assert [p["small"] for p in black] == [False] * 10 + [True] * 6
    assert black[-1]["n"] == "2/2 (fewer than 20 patients)" and black[0]["n"] == "24/50"
    assert black[-1]["signal"] == ""  # a hollow point never carries a signal
    gap_points = only_small.gap.groups[0].points
    assert gap_points[-1]["n"] == "2/2 (fewer than 20 patients)"
    assert gap_points[-1]["reference_n"] == "24/50" and gap_points[-1]["small"]


def test_the_charts_say_what_hollow_means_and_still_render_to_images(only_small):
    assert only_small.specs["groups"]["title"]["text"].startswith(LEGEND)
    assert only_small.specs["gaps"]["title"]["text"].startswith(LEGEND)
    assert LEGEND in only_small.specs["gaps"]["description"]
    # the total never has fewer than 20 patients: no legend for a chart without hollow points
    assert "subtitle" not in only_small.specs["overall"]["title"]
    for name in ("groups", "gaps"):
        svg = exports.chart_image(only_small.specs[name], "svg").decode()
        assert "Hollow points: fewer than 20 patients" in svg
        assert exports.chart_image(only_small.specs[name], "png").startswith(b"\x89PNG")
    small_overall = dashboard_of(ONLY_SMALL, ChartSettings(min_group_denominator=60))
    assert small_overall.specs["overall"]["title"]["subtitle"].startswith("Hollow points: fewer")
    assert exports.chart_image(small_overall.specs["overall"], "svg")


def test_the_tables_and_exports_flag_small_points_with_their_n(only_small):
    html = render_to_string("measures/_series_table.html", {"chart": black_chart(only_small)})
    assert html.count("(fewer than 20 patients: hollow point, no signal read)") == 6
    tables = exports.tables(only_small)
    header, body = tables["rates"]
    flag = header.index("below_minimum_patients")
    black = [r for r in body if r[3] == "black"]
    assert [r[flag] for r in black] == ["no"] * 10 + ["yes"] * 6
    assert {r[flag] for r in body if r[3] == "white"} == {"no"}
    header, body = tables["gaps"]
    row = dict(zip(header, body[-1], strict=True))
    assert row["below_minimum_patients"] == "yes"
    assert row["group_patients"] == "2/2 (fewer than 20 patients)"


def test_a_signal_carried_only_by_small_points_is_not_announced_and_explained(only_small):
    chart = black_chart(only_small)
    assert not chart.signal
    assert "shows no signal" in chart.signal_text
    assert (
        "A shift of 6 points (all 6 with fewer than 20 patients) is not counted as a signal"
        in chart.signal_text
    )
    gap = only_small.gap.groups[0]
    assert gap.verdict == "none" and not gap.signal
    for text in (gap.summary, gap.evidence):
        assert "Not counted as a signal" in text and "fewer than 20 patients" in text
    assert any("Not counted as a signal" in s for s in only_small.summary)


def test_the_same_points_with_enough_patients_for_the_program_do_signal():
    allowed = dashboard_of(ONLY_SMALL, ChartSettings(min_group_denominator=1))
    chart = black_chart(allowed)
    assert chart.signal and "not counted" not in chart.signal_text
    assert allowed.gap.groups[0].signal
    assert not any(p["small"] for p in chart.points)


def test_a_signal_the_larger_points_carry_is_announced():
    mixed = dashboard_of(MIXED)
    chart = black_chart(mixed)
    assert sum(p["small"] for p in chart.points) == 3
    assert chart.signal and chart.signal_text.endswith("a signal.")
    gap = mixed.gap.groups[0]
    assert gap.verdict == "widening" and "Not counted" not in gap.evidence


def test_a_detectable_narrowing_beyond_the_whole_gap_is_said_plainly(only_small):
    trend = only_small.gap.groups[0].trend_summary
    assert "Even the 12-month amount is larger than the whole current gap of 50.0 points" in trend
    assert "the gap cannot be shown closing within 12 months" in trend


def test_the_network_marks_small_points_hollow_too(only_small):
    from pursuing_equity.measures.network import NetworkPanel

    gap = only_small.gap.groups[0]
    panel = NetworkPanel(**{
        **{f: "" for f in NetworkPanel.__dataclass_fields__},
        "first_gap": gap.first_gap, "last_gap": gap.last_gap, "signal": gap.signal,
        "closing": gap.closing, "points": tuple({**p, "panel": "A — B"} for p in gap.points),
    })  # fmt: skip
    spec = charts.network_spec([panel])
    charts.validate(spec)
    assert spec["title"]["text"].startswith("Hollow points: fewer patients than the minimum")
    assert "datum.small" in json.dumps(spec["spec"])

"""Assembling a dashboard from counts: suppression first, then equitystats, then chart specs."""

import datetime
import re
from decimal import Decimal

import numpy as np
import pytest

from equitystats import suppress
from pursuing_equity.measures import charts, exports
from pursuing_equity.measures.choices import ChartSettings, chart_settings
from pursuing_equity.measures.dashboard import compute
from pursuing_equity.measures.models import Aim, Measure
from pursuing_equity.measures.publication import publish
from pursuing_equity.measures.selectors import CountRow
from pursuing_equity.measures.stored import dress
from pursuing_equity.measures.tests.dashboard_data import synthetic_rows

SETTINGS = ChartSettings()
LABEL = suppress.label()


def bp(**overrides) -> Measure:
    fields = {
        "pk": 1,
        "name": "Blood pressure control",
        "slug": "bp",
        "focus_area": "hypertension_control",
        "improvement": "increase",
        "frequency": "monthly",
        "stratifiers": ["race_ethnicity", "language"],
        "reference_groups": {"race_ethnicity": "white", "language": "en"},
        "target": Decimal("70"),
    }
    fields.update(overrides)
    return Measure(**fields)


@pytest.fixture(scope="module")
def rows():
    return synthetic_rows(months=18)


def dressed(measure: Measure, rows, *, annotations=(), **options):
    """The dashboard as a page shows it: :func:`compute`, then :func:`dress` (charts, notes)."""
    return dress(compute(measure, rows, **options), measure, annotations)


def small_counts_in(dashboard) -> list[str]:
    """Every count of 1–10 the viewer could read anywhere in the dashboard's data."""
    found = [
        f"{r['group']} {r['period']}: {r[k]}"
        for r in dashboard.table
        for k in ("numerator", "denominator")
        if r[k].replace(",", "").isdigit() and 1 <= int(r[k].replace(",", "")) <= 10
    ]
    for chart in (dashboard.overall, *dashboard.groups):
        for p in chart.points:
            for k in ("numerator", "denominator"):
                if p[k].replace(",", "").isdigit() and 1 <= int(p[k].replace(",", "")) <= 10:
                    found.append(f"{chart.title} {p['period']}: {p[k]}")
    return found


def test_the_team_sees_every_count(rows):
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier=None, settings=SETTINGS)
    assert not any(r["suppressed"] for r in dashboard.table)
    assert small_counts_in(dashboard), "the synthetic data has small cells to protect"


def test_outsiders_never_see_a_count_from_1_to_10(rows):
    dashboard = dressed(bp(), rows, aims=[], suppressed=True, stratifier=None, settings=SETTINGS)
    assert small_counts_in(dashboard) == []
    hidden = [r for r in dashboard.table if r["suppressed"]]
    assert hidden and all(r["numerator"].startswith("suppressed") for r in hidden)
    assert LABEL in {r["numerator"] for r in hidden}


def test_suppressed_cells_cannot_be_recovered_from_the_published_totals(rows):
    published = publish(rows, suppressed=True, threshold=10)
    for stratifier, groups in published.cells.items():
        for i, total in enumerate(published.overall):
            hidden = [g for g, cells in groups.items() if cells[i].numerator is None]
            if total.numerator is not None:
                # one hidden cell on a line with a published total would be recoverable
                assert len(hidden) != 1, (stratifier, total.period)


def test_suppressed_points_are_left_out_of_the_charts(rows):
    dashboard = dressed(
        bp(), rows, aims=[], suppressed=True, stratifier="race_ethnicity", settings=SETTINGS
    )
    hidden_groups = {r["group_label"] for r in dashboard.table if r["suppressed"]}
    for chart in dashboard.groups:
        shown = {p["period"] for p in chart.points}
        assert all(p["rate"] is not None for p in chart.points)
        if chart.title in hidden_groups:
            assert len(shown) < 18
    spec = dashboard.specs["groups"]
    plotted = [p for name, values in spec["datasets"].items() for p in values]
    assert all(p["rate"] is not None for p in plotted)


def test_run_chart_until_twenty_points_then_control_limits():
    few = dressed(bp(), synthetic_rows(months=19), aims=[], suppressed=False, stratifier=None,
                  settings=SETTINGS)  # fmt: skip
    enough = dressed(bp(), synthetic_rows(months=20), aims=[], suppressed=False, stratifier=None,
                     settings=SETTINGS)  # fmt: skip
    assert few.overall.chart_type == "run"
    assert enough.overall.chart_type == "p"
    assert all(p["ucl"] is not None for p in enough.overall.points)
    assert "control chart" in enough.summary[0]


def test_program_file_may_choose_the_rules_and_threshold():
    class Cycle:
        document = {"measures": {"chart_rules": "anhoej", "control_limits_min_points": 12}}

    assert chart_settings(Cycle()) == ChartSettings(rules="anhoej", control_min_points=12)
    assert chart_settings(None) == ChartSettings(rules="ihi", control_min_points=20)


def test_summary_speaks_plainly_of_change_and_signal(rows):
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier=None, settings=SETTINGS)
    assert dashboard.summary[0].startswith("Overall, Blood pressure control went from")
    assert any("− White averaged" in s for s in dashboard.summary[1:])
    assert all(("signal" in s) for s in dashboard.summary)


def test_gap_chart_signals_a_closing_gap():
    rows = synthetic_rows(
        months=18, closing=True, seed=4, patients=(3000, 4000), strata=("race_ethnicity",)
    )
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier="race_ethnicity",
                        settings=SETTINGS)  # fmt: skip
    closing = [g for g in dashboard.gap.groups if g.closing]
    assert closing, [g.summary for g in dashboard.gap.groups]
    assert all(g.direction == "narrowed" and g.signal for g in closing)
    assert any(p["signal"] for g in closing for p in g.points)
    for g in closing:
        # The answer line: the verdict, the rule that fired, the periods, the size of the change.
        assert g.verdict == "closing" and g.verdict_label == "Closing"
        assert "control limits" in g.evidence or "run of" in g.evidence or "crossings" in g.evidence
        assert "18 periods with data" in g.evidence
        assert f"({'+' if g.last_gap > g.first_gap else '−'}" in g.evidence


def test_aim_progress_is_computed_from_the_latest_gap(rows):
    measure = bp()
    dashboard = dressed(measure, rows, aims=[], suppressed=False, stratifier="race_ethnicity",
                        settings=SETTINGS)  # fmt: skip
    black = next(g for g in dashboard.gap.groups if g.group == "black")
    latest = abs(black.last_gap)
    aim = Aim(measure=measure, stratifier="race_ethnicity", group="black", reference="white",
              baseline_gap=Decimal(latest + 4), target_gap=Decimal(max(latest - 4, 0)),
              target_date=datetime.date(2025, 12, 31))  # fmt: skip
    dashboard = dressed(measure, rows, aims=[aim], suppressed=False, stratifier=None,
                        settings=SETTINGS)  # fmt: skip
    progress = dashboard.aims[0]
    expected = 4 / (float(aim.baseline_gap) - float(aim.target_gap)) * 100
    assert progress.latest_gap == pytest.approx(latest)
    assert progress.progress == pytest.approx(expected, abs=0.5)
    assert "of the way from" in progress.status
    assert dashboard.stratifier == "race_ethnicity"  # the aim's stratifier is shown first


def test_disparity_measures_have_intervals(rows):
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier="race_ethnicity",
                        settings=SETTINGS)  # fmt: skip
    by_key = {m["key"]: m for m in dashboard.disparity.measures}
    diff = by_key["range_difference"]
    assert diff["ci_low"] <= diff["value"] <= diff["ci_high"]
    assert dashboard.disparity.pairs and dashboard.disparity.reference_label == "White"


def test_quality_panel_shows_unknown_and_declined_per_stratifier(rows):
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier=None, settings=SETTINGS)
    stratifiers = {q.stratifier for q in dashboard.quality}
    assert stratifiers == {"race_ethnicity", "language"}
    assert all(0 < q.share_unusable < 100 for q in dashboard.quality)
    totals = {r.period: r.denominator for r in rows if r.stratifier == "overall"}
    assert all(q.n == totals[q.period] for q in dashboard.quality)


def test_every_chart_is_valid_vega_lite_with_tooltips(rows):
    for suppressed in (False, True):
        dashboard = dressed(bp(), rows, aims=[], suppressed=suppressed, stratifier=None,
                            settings=SETTINGS)  # fmt: skip
        assert set(dashboard.specs) == {"overall", "groups", "gaps"}
        for spec in dashboard.specs.values():
            charts.validate(spec)
            assert '"tooltip"' in str(spec).replace("'", '"')


def _marker_layers(panel: dict) -> list[dict]:
    notes = [layer for layer in panel["layer"] if layer.get("data") == {"name": "annotations"}]
    assert len(notes) == 1
    return notes[0]["layer"]


def test_pdsa_changes_are_numbered_markers_not_text(rows):
    changes = [
        (datetime.date(2023, 6, 1), "Before the first period"),
        (datetime.date(2024, 4, 1), "Text reminders"),
        (datetime.date(2024, 4, 9), "Walk-in BP checks"),
        (datetime.date(2024, 9, 1), "Evening clinics"),
    ]
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier=None, settings=SETTINGS,
                        annotations=changes)  # fmt: skip
    overall = dashboard.specs["overall"]
    charts.validate(overall)
    notes = overall["datasets"]["annotations"]
    # Numbered like the table (1 = oldest); the change before the charted periods keeps its
    # number in the table but is not drawn, so the time axis is not stretched.
    assert [(n["number"], n["change"]) for n in notes] == [
        (2, "Text reminders"), (3, "Walk-in BP checks"), (4, "Evening clinics"),
    ]  # fmt: skip
    assert [n["period"] for n in notes] == ["2024-04-01", "2024-04-09", "2024-09-01"]
    # Markers eight days apart sit on different rows; a marker far away reuses the top row.
    assert notes[0]["y"] != notes[1]["y"] and notes[2]["y"] == notes[0]["y"]
    assert all(0 < n["y"] < charts.HEIGHT / 2 for n in notes)
    layers = _marker_layers(overall)
    assert [inner["mark"]["type"] for inner in layers] == ["rule", "point", "text"]
    texts = [inner for inner in layers if inner["mark"]["type"] == "text"]
    assert [t["encoding"]["text"]["field"] for t in texts] == ["number"]
    assert "change" not in str([t["encoding"] for t in texts])  # the change is in the tooltip
    for panel in dashboard.specs["gaps"]["concat"]:
        _marker_layers(panel)
    plain = dressed(bp(), rows, aims=[], suppressed=False, stratifier=None, settings=SETTINGS)
    assert "annotations" not in plain.specs["overall"]["datasets"]
    assert charts.with_annotations(plain.specs["overall"], []) == plain.specs["overall"]


def test_markers_on_the_same_day_never_share_a_row(rows):
    changes = [(datetime.date(2024, 5, 1), f"Change {i}") for i in range(3)]
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier=None, settings=SETTINGS,
                        annotations=changes)  # fmt: skip
    for spec in (dashboard.specs["overall"], dashboard.specs["gaps"]):
        ys = [n["y"] for n in spec["datasets"]["annotations"]]
        assert len(set(ys)) == 3


def test_a_single_chart_fills_its_container_and_downloads_at_a_fixed_width(rows):
    changes = [(datetime.date(2024, 4, 1), "A change with a long, long name that once spilled")]
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier=None, settings=SETTINGS,
                        annotations=changes)  # fmt: skip
    overall = dashboard.specs["overall"]
    assert overall["width"] == "container"
    assert overall["autosize"] == {"type": "fit", "contains": "padding"}
    exported = charts.for_export(overall)
    charts.validate(exported)
    assert exported["width"] == charts.WIDTH and overall["width"] == "container"
    # Panels side by side keep a fixed width (the page's script narrows them on a phone).
    for name in ("groups", "gaps"):
        spec = dashboard.specs[name]
        assert all(isinstance(p["width"], int) for p in spec["concat"])
        assert charts.for_export(spec) is spec
    # vl-convert draws the export exactly WIDTH wide: axes, title and markers stay inside it.
    svg = exports.chart_image(overall, "svg").decode()
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg).group(1))
    assert width == charts.WIDTH


def test_the_gap_chart_states_the_sign_convention(rows):
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier=None, settings=SETTINGS)
    titles = [p["layer"][2]["encoding"]["y"]["title"] for p in dashboard.specs["gaps"]["concat"]]
    assert set(titles) == {charts.GAP_AXIS} and "group − reference" in charts.GAP_AXIS
    assert "minus reference rate" in dashboard.specs["gaps"]["description"]


def test_no_data_gives_an_empty_dashboard_not_an_error():
    dashboard = dressed(bp(), [], aims=[], suppressed=True, stratifier=None, settings=SETTINGS)
    assert not dashboard.has_data
    assert dashboard.specs == {}


def test_one_period_and_a_single_group_do_not_break_anything():
    rows = [
        CountRow(datetime.date(2024, 1, 1), "overall", "all", 50, 100),
        CountRow(datetime.date(2024, 1, 1), "race_ethnicity", "white", 50, 100),
    ]
    dashboard = dressed(bp(), rows, aims=[], suppressed=True, stratifier=None, settings=SETTINGS)
    assert dashboard.overall.chart_type == ""
    assert dashboard.gap.groups == ()
    assert np.isfinite(dashboard.overall.points[0]["rate"])


def tiny_groups_rows(months: int = 3) -> list[CountRow]:
    """White 48/80 and Black 30/60 each month, beside groups of one and two patients."""
    counts = {"white": (48, 80), "black": (30, 60), "aian": (1, 1), "mena": (2, 2)}
    out = []
    for m in range(1, months + 1):
        day = datetime.date(2024, m, 1)
        total = [sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())]
        out.append(CountRow(day, "overall", "all", *total))
        out += [CountRow(day, "race_ethnicity", g, x, n) for g, (x, n) in counts.items()]
    return out


def test_summary_measures_leave_out_small_groups_and_say_which():
    measure = bp(stratifiers=["race_ethnicity"], reference_groups={"race_ethnicity": "white"})
    dashboard = compute(measure, tiny_groups_rows(), aims=[], suppressed=False,
                        stratifier="race_ethnicity", settings=SETTINGS)  # fmt: skip
    view = dashboard.disparity
    assert [n for _, n in view.excluded] == [1, 2] and view.min_denominator == 20
    assert "American Indian or Alaska Native (1 patient)" in view.note
    assert "(2 patients)" in view.note and "at least 20 patients" in view.note
    by_key = {m["key"]: m for m in view.measures}
    # only White (60 %) and Black (50 %) remain: the range is theirs, not 100 − 50
    assert by_key["range_difference"]["value"] == pytest.approx(10.0)
    assert [p["group"] for p in view.pairs] == [
        "Black or African American",
        "American Indian or Alaska Native",
        "Middle Eastern or North African",
    ]


def test_no_comparison_of_a_group_of_one_is_narrower_than_its_own_score_interval():
    measure = bp(stratifiers=["race_ethnicity"], reference_groups={"race_ethnicity": "white"})
    dashboard = compute(measure, tiny_groups_rows(), aims=[], suppressed=False,
                        stratifier="race_ethnicity", settings=SETTINGS)  # fmt: skip
    wilson_low_of_one = 20.65  # Wilson interval of 1/1 in percent: 20.65 to 100
    aian = next(p for p in dashboard.disparity.pairs if p["group"].startswith("American"))
    diff = aian["difference"]
    assert diff["value"] == pytest.approx(40.0)
    assert diff["value"] - diff["ci_low"] >= 100 - wilson_low_of_one - 0.01
    assert aian["ratio"]["ci_low"] < 0.5 < 2 < aian["ratio"]["ci_high"]
    gap = next(g for g in dashboard.gap.groups if g.group == "aian")
    for point in gap.points:
        assert point["gap"] - point["gap_low"] >= 100 - wilson_low_of_one - 0.01


def test_every_group_enters_the_summary_when_the_program_allows_small_groups():
    measure = bp(stratifiers=["race_ethnicity"], reference_groups={"race_ethnicity": "white"})
    settings = ChartSettings(min_group_denominator=1)
    dashboard = compute(measure, tiny_groups_rows(), aims=[], suppressed=False,
                        stratifier="race_ethnicity", settings=settings)  # fmt: skip
    assert dashboard.disparity.excluded == () and "left out" not in dashboard.disparity.note
    by_key = {m["key"]: m for m in dashboard.disparity.measures}
    assert by_key["range_difference"]["value"] == pytest.approx(50.0)


def test_summary_measures_need_two_groups_large_enough():
    measure = bp(stratifiers=["race_ethnicity"], reference_groups={"race_ethnicity": "white"})
    settings = ChartSettings(min_group_denominator=70)
    dashboard = compute(measure, tiny_groups_rows(), aims=[], suppressed=False,
                        stratifier="race_ethnicity", settings=settings)  # fmt: skip
    view = dashboard.disparity
    assert view.measures == () and "fewer than two groups have at least 70" in view.note
    assert len(view.pairs) == 3


def test_min_group_denominator_comes_from_the_program_file():
    class Cycle:
        document = {"measures": {"min_group_denominator": 35}}

    assert chart_settings(Cycle()).min_group_denominator == 35
    assert chart_settings(None).min_group_denominator == 20


def test_every_gap_has_a_trend_test_and_detectable_narrowing_in_months(rows):
    dashboard = dressed(bp(), rows, aims=[], suppressed=False, stratifier="race_ethnicity",
                        settings=SETTINGS)  # fmt: skip
    for g in dashboard.gap.groups:
        assert g.trend_verdict in ("narrowing", "widening", "no clear trend")
        # over the months the group has patients in (small groups miss some)
        months = sum(1 for p in g.points)
        assert f"over {months} months" in g.trend_summary
        assert "over the next 6 months or" in g.trend_summary and "12 months" in g.trend_summary


def test_quarterly_measures_look_ahead_in_quarters():
    measure = bp(stratifiers=["race_ethnicity"], frequency="quarterly")
    dashboard = compute(measure, tiny_groups_rows(), aims=[], suppressed=False,
                        stratifier="race_ethnicity", settings=SETTINGS)  # fmt: skip
    black = next(g for g in dashboard.gap.groups if g.group == "black")
    assert "over 3 quarters" in black.trend_summary
    assert "over the next 2 quarters or" in black.trend_summary


def age_rows() -> list[CountRow]:
    """Control rises with age band: 40 %, 50 %, 70 % of 100, 80 and 60 patients a month."""
    counts = {"18-44": (40, 100), "45-64": (40, 80), "65+": (42, 60)}
    out = []
    for m in (1, 2):
        day = datetime.date(2024, m, 1)
        out.append(CountRow(day, "overall", "all", 122, 240))
        out += [CountRow(day, "age_group", g, x, n) for g, (x, n) in counts.items()]
    return out


def test_ordered_stratifiers_show_the_slope_and_concentration_indices():
    measure = bp(
        stratifiers=["age_group"],
        custom_stratifiers={"age_group": {"label": "Age", "categories": ["18-44", "45-64", "65+"]}},
        reference_groups={"age_group": "overall"},
    )
    dashboard = compute(measure, age_rows(), aims=[], suppressed=False, stratifier="age_group",
                        settings=SETTINGS)  # fmt: skip
    by_key = {m["key"]: m for m in dashboard.disparity.measures}
    sii = by_key["slope_index_of_inequality"]
    assert sii["value"] > 0 and sii["ci_low"] <= sii["value"] <= sii["ci_high"]
    assert by_key["relative_concentration_index"]["value"] > 0
    assert "relative_index_of_inequality" in by_key
    unordered = compute(measure, age_rows(), aims=[], suppressed=False, stratifier="age_group",
                        settings=ChartSettings(ordered_stratifiers=()))  # fmt: skip
    assert "slope_index_of_inequality" not in {m["key"] for m in unordered.disparity.measures}
    race = compute(bp(), tiny_groups_rows(), aims=[], suppressed=False,
                   stratifier="race_ethnicity", settings=SETTINGS)  # fmt: skip
    assert "slope_index_of_inequality" not in {m["key"] for m in race.disparity.measures}

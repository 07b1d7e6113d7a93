"""Run and control charts (equitystats.spc) against qicharts2 0.8.1 and NHSRplotthedots 0.2.2
reference values, plus properties that must hold for any data."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from equitystats import spc
from equitystats.errors import InputError

REF = Path(__file__).resolve().parent / "reference" / "spc"
CASES = json.loads((REF / "cases.json").read_text())["cases"]
QIC_COLUMNS = {
    "y": "y",
    "cl": "cl",
    "lcl": "lcl",
    "ucl": "ucl",
    "part": "part",
    "runs_signal": "runs.signal",
    "sigma_signal": "sigma.signal",
    "longest_run": "longest.run",
    "longest_run_max": "longest.run.max",
    "crossings": "n.crossings",
    "crossings_min": "n.crossings.min",
}
NHS_COLUMNS = {"y": "y", "cl": "mean_col", "lcl": "lpl", "ucl": "upl"}


def read(name: str) -> list[dict[str, str]]:
    with open(REF / name, newline="") as fh:
        return list(csv.DictReader(fh))


def num(cell: str) -> float:
    return math.nan if cell in ("NA", "") else float(cell)


def run_case(case: dict) -> spc.ChartResult:
    rows = read(case.get("input", case["expected"]))
    return spc.chart(
        [num(r[case["y"]]) for r in rows],
        chart=case["chart"],
        n=[num(r[case["n"]]) for r in rows] if "n" in case else None,
        x=[r[case["x"]] for r in rows],
        freeze=case.get("freeze"),
        part=case.get("part"),
        exclude=case.get("exclude"),
        screen_mr=case.get("screen_mr", True),
        rules=case.get("rules", "anhoej"),
        improvement=case.get("improvement", "neutral"),
    )


def assert_matches(got, expected_cells, what: str) -> None:
    for i, cell in enumerate(expected_cells):
        g = got[i]
        if cell in ("TRUE", "FALSE"):
            assert bool(g) == (cell == "TRUE"), f"{what} point {i + 1}"
            continue
        e = num(cell)
        if math.isnan(e):
            assert g is None or math.isnan(g), f"{what} point {i + 1}: {g} != NA"
        else:
            assert g == pytest.approx(e, rel=1e-6, abs=1e-12), f"{what} point {i + 1}"


def check_case(case: dict, values: dict[str, list]) -> None:
    expected = read(case["expected"])
    columns = NHS_COLUMNS if case.get("rules") == "nhs" else QIC_COLUMNS
    for ours, theirs in columns.items():
        assert len(values[ours]) == len(expected), case["id"]
        assert_matches(values[ours], [r[theirs] for r in expected], f"{case['id']} {ours}")
    if case.get("rules") == "nhs":
        assert list(values["point_type"]) == [r["point_type"] for r in expected]
        specials = [r["special_cause_type"] != "Common Cause" for r in expected]
        assert [bool(v) for v in values["special_cause"]] == specials


# --------------------------------------------------------------------------------------
# Reference cases
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_reference_case_matches_qicharts2(case):
    result = run_case(case)
    check_case(
        case,
        {
            name: getattr(result, name)
            for name in (*QIC_COLUMNS, *spc.NHS_COLUMNS)
            if getattr(result, name) is not None
        },
    )


def test_nhs_example_matches_nhsrplotthedots_column_by_column():
    case = next(c for c in CASES if c["id"] == "nhs_rnorm20")
    result = run_case(case)
    expected = read(case["expected"])
    assert list(result.special_cause_type) == [r["special_cause_type"] for r in expected]
    outside = (result.y > result.ucl) | (result.y < result.lcl)
    close = ~outside & ((result.y < result.lcl_2sigma) | (result.y > result.ucl_2sigma))
    assert close.tolist() == [r["close_to_limits"] == "TRUE" for r in expected]
    assert outside.tolist() == [r["outside_limits"] == "TRUE" for r in expected]
    assert np.sign(result.y - result.cl).tolist() == [int(r["relative_to_mean"]) for r in expected]


def test_i_chart_limits_use_2_66_under_nhs_rules_and_3_over_d2_otherwise():
    y = [float(r["y"]) for r in read("nhs_rnorm20_expected.csv")]
    nhs = spc.chart(y, chart="i", rules="nhs")
    qic = spc.chart(y, chart="i")
    amr = np.mean(np.abs(np.diff(y)))
    assert nhs.ucl[0] - nhs.cl[0] == pytest.approx(2.66 * amr, rel=1e-12)
    assert qic.ucl[0] - qic.cl[0] == pytest.approx(3 * amr / 1.128, rel=1e-12)


def test_xbar_constant_matches_montgomery_table_a3():
    case = next(c for c in CASES if c["id"] == "6.3_xbar")
    result = run_case(case)
    s = run_case(next(c for c in CASES if c["id"] == "6.3_s"))
    # Montgomery Appendix VI: A3 = 1.427 for n = 5 (three decimals).
    a3 = (result.ucl[0] - result.cl[0]) / s.cl[0]
    assert a3 == pytest.approx(1.427, abs=6e-4)


def test_xbar_with_varying_subgroup_sizes_uses_the_pooled_sd():
    rows = read("tbl_06.03.csv")
    x = [r["sample"] for r in rows]
    y = [float(r["obs"]) for r in rows]
    keep = [i for i in range(len(y)) if not (x[i] in {"3", "7"} and i % 5 == 4)]
    xs = [x[i] for i in keep]
    ys = np.array([y[i] for i in keep])
    r = spc.chart(ys, chart="xbar", x=xs)
    s = spc.chart(ys, chart="s", x=xs)
    labels = list(dict.fromkeys(xs))
    groups = [ys[[i for i, v in enumerate(xs) if v == g]] for g in labels]
    sizes = np.array([g.size for g in groups])
    sds = np.array([g.std(ddof=1) for g in groups])
    pooled = math.sqrt(np.sum((sizes - 1) * sds**2) / np.sum(sizes - 1))
    grand = ys.sum() / ys.size
    c4 = np.array(
        [math.sqrt(2 / (k - 1)) * math.gamma(k / 2) / math.gamma((k - 1) / 2) for k in sizes]
    )
    np.testing.assert_allclose(r.cl, grand, rtol=1e-12)
    np.testing.assert_allclose(r.ucl, grand + 3 / (c4 * np.sqrt(sizes)) * pooled, rtol=1e-12)
    np.testing.assert_allclose(s.cl, pooled, rtol=1e-12)
    c5 = np.sqrt(1 - c4**2)
    np.testing.assert_allclose(s.ucl, (1 + 3 * c5 / c4) * pooled, rtol=1e-12)
    np.testing.assert_allclose(r.n, sizes)


def test_subgroups_are_reported_in_order_of_first_appearance():
    x = ["b", "a", "b", "c", "a", "c", "a"]
    y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    r = spc.chart(y, chart="xbar", x=x)
    assert r.x.tolist() == ["b", "a", "c"]
    np.testing.assert_allclose(r.y, [2.0, 14 / 3, 5.0])


def test_repeated_x_is_combined_as_qicharts2_does():
    r = spc.chart([3, 1, 4, 1], chart="p", n=[10, 10, 20, 10], x=[1, 1, 2, 3])
    np.testing.assert_allclose(r.y, [0.2, 0.2, 0.1])
    np.testing.assert_allclose(r.n, [20, 20, 10])
    c = spc.chart([3, 1, 4, 1], chart="c", x=[1, 1, 2, 3])
    np.testing.assert_allclose(c.y, [4, 4, 1])


def _laney(y, n, p_chart: bool):
    y, n = np.asarray(y, float), np.asarray(n, float)
    rate = y / n
    centre = y.sum() / n.sum()
    sigma = np.sqrt(centre * (1 - centre) / n) if p_chart else np.sqrt(centre / n)
    z = (rate - centre) / sigma
    mr = np.abs(np.diff(z))
    mr = mr[mr < 3.267 * mr.mean()]
    sigma = sigma * mr.mean() / 1.128
    return centre, np.maximum(centre - 3 * sigma, 0), centre + 3 * sigma


def test_laney_p_prime_and_u_prime_use_the_moving_range_of_z_scores():
    rows = read("tbl_07.04.csv")
    y = [float(r["count"]) for r in rows]
    n = [float(r["size"]) for r in rows]
    for chart, is_p in (("pp", True), ("up", False)):
        cl, lcl, ucl = _laney(y, n, is_p)
        r = spc.chart(y, n=n, chart=chart)
        np.testing.assert_allclose(r.cl, cl, rtol=1e-12)
        np.testing.assert_allclose(r.lcl, lcl, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(r.ucl, np.minimum(ucl, 1) if is_p else ucl, rtol=1e-12)


def test_screening_drops_large_moving_ranges_before_sigma():
    y = [10, 11, 10, 12, 11, 10, 40, 11, 10, 12, 11, 10.0]
    screened = spc.chart(y, chart="i")
    raw = spc.chart(y, chart="i", screen_mr=False)
    mr = np.abs(np.diff(y))
    kept = mr[mr < 3.267 * mr.mean()]
    assert screened.ucl[0] - screened.cl[0] == pytest.approx(3 * kept.mean() / 1.128)
    assert raw.ucl[0] - raw.cl[0] == pytest.approx(3 * mr.mean() / 1.128)


# --------------------------------------------------------------------------------------
# freeze, part, exclude, multiply
# --------------------------------------------------------------------------------------


def test_excluded_points_are_plotted_and_tested_but_not_used():
    y = [5, 6, 5, 4, 5, 6, 5, 30, 5, 6.0]
    r = spc.chart(y, chart="c", exclude=[8])
    assert r.cl[0] == pytest.approx(np.mean([v for i, v in enumerate(y) if i != 7]))
    assert bool(r.sigma_signal[7])
    assert r.y[7] == 30 and not r.included[7]
    assert r.n_useful[0] == 9 - np.sum(np.array(y)[np.arange(10) != 7] == r.cl[0])


def test_parts_get_their_own_centre_lines_and_runs_analysis():
    y = [1, 2, 1, 2, 1, 2, 10, 11, 10, 11.0]
    r = spc.chart(y, chart="i", part=[6])
    assert r.part.tolist() == [1] * 6 + [2] * 4
    assert r.cl[0] == pytest.approx(1.5) and r.cl[-1] == pytest.approx(10.5)
    assert r.crossings[0] == 5 and r.crossings[-1] == 3


def test_freeze_uses_only_the_baseline_and_is_ignored_with_part():
    y = [1, 2, 1, 2, 1, 2, 10, 11, 10, 11.0]
    frozen = spc.chart(y, chart="run", freeze=6)
    assert frozen.cl[-1] == pytest.approx(1.5)
    assert frozen.baseline.tolist() == [True] * 6 + [False] * 4
    both = spc.chart(y, chart="run", freeze=6, part=[4])
    assert both.cl.tolist() == spc.chart(y, chart="run", part=[4]).cl.tolist()


def test_multiply_scales_values_and_lines_only():
    y, n = [4, 6, 5, 7, 3, 6], [100, 120, 110, 100, 90, 100]
    base = spc.chart(y, n=n, chart="u")
    per_k = spc.chart(y, n=n, chart="u", multiply=1000)
    for name in ("y", "cl", "lcl", "ucl"):
        np.testing.assert_allclose(getattr(per_k, name), getattr(base, name) * 1000)
    assert per_k.runs_signal.tolist() == base.runs_signal.tolist()


def test_moving_range_chart_never_has_a_runs_signal():
    y = list(range(1, 30))  # steadily rising: constant moving ranges
    r = spc.chart(np.array(y, dtype=float) ** 2, chart="mr")
    assert np.isnan(r.y[0])
    assert not r.runs_signal.any()


# --------------------------------------------------------------------------------------
# Result object
# --------------------------------------------------------------------------------------


def test_result_arrays_are_read_only_and_inputs_untouched():
    y = np.array([3.0, 4, 5, 4, 3, 4])
    x = np.array([1, 2, 3, 4, 5, 6])
    r = spc.chart(y, chart="i", x=x)
    with pytest.raises(ValueError):
        r.y[0] = 1
    y[0] = 99
    x[0] = 99
    assert r.y[0] == 3 and r.x[0] == 1


def test_to_rows_gives_cli_columns_with_none_for_missing():
    r = spc.chart([3.0, 4, 5, 4, math.nan, 4], chart="run", rules="ihi")
    rows = r.to_rows()
    assert list(rows[0]) == [*spc.BASE_COLUMNS, *spc.IHI_COLUMNS]
    assert rows[0]["lcl"] is None and rows[4]["y"] is None
    assert isinstance(rows[0]["longest_run"], int) and isinstance(rows[0]["runs_signal"], bool)
    nhs = spc.chart([3.0, 4, 5, 4, 5, 4], chart="i", rules="nhs").to_rows()
    assert list(nhs[0])[-2:] == ["special_cause", "point_type"]


def test_signal_looks_at_the_last_part_only():
    y = [1, 1, 1, 1, 1, 1, 1, 1, 1, 50, 2, 3, 2, 3, 2, 3, 2, 3.0]
    r = spc.chart(y, chart="c", part=[10])
    assert r.sigma_signal[9]
    assert not r.signal
    assert spc.chart(y, chart="c").signal


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "row", "column", "words"),
    [
        ({"y": [1, -2, 3], "chart": "c"}, 2, "y", "-2 is negative"),
        ({"y": [1, 12, 3], "n": [10, 10, 10], "chart": "p"}, 2, "y", "above its denominator"),
        ({"y": [1, 2, 3], "n": [10, 0, 10], "chart": "u"}, 2, "n", "positive"),
        ({"y": [1.0], "chart": "i"}, 1, "y", "at least 2"),
        ({"y": [1.0, math.nan, 3], "chart": "i", "freeze": 2}, 1, "y", "at least 2"),
        ({"y": [1.0, 2, 3], "chart": "xbar", "x": [1, 2, 3]}, 1, "y", "2 or more observations"),
        ({"y": [1.0, 2, 3], "chart": "p"}, None, "n", "denominators"),
        ({"y": [], "chart": "run"}, None, "y", "no data"),
    ],
)
def test_bad_input_is_located(kwargs, row, column, words):
    y = kwargs.pop("y")
    with pytest.raises(InputError) as err:
        spc.chart(y, **kwargs)
    assert err.value.row == row and err.value.column == column
    assert words in err.value.message


@pytest.mark.parametrize(
    "kwargs", [{"part": [0]}, {"part": [5]}, {"exclude": [6]}, {"freeze": 9}, {"freeze": 0}]
)
def test_options_out_of_range_are_refused(kwargs):
    with pytest.raises(InputError):
        spc.chart([1.0, 2, 3, 4, 5], chart="i", **kwargs)


def test_unknown_chart_rules_or_direction_are_refused():
    for kwargs in ({"chart": "np"}, {"rules": "westgard"}, {"improvement": "up"}, {"multiply": 0}):
        with pytest.raises(ValueError):
            spc.chart([1.0, 2, 3], **kwargs)


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

FAST = settings(max_examples=40, deadline=None)


@FAST
@given(
    value=st.floats(0.01, 1e6, allow_nan=False),
    length=st.integers(2, 40),
    chart=st.sampled_from(["run", "i", "c", "p", "u"]),
    rules=st.sampled_from(spc.RULES),
)
def test_a_constant_series_has_no_signal(value, length, chart, rules):
    n = None
    y = [value] * length
    if chart in ("c", "p", "u"):
        y = [float(round(value) % 50)] * length
        n = [60.0] * length if chart in ("p", "u") else None
    r = spc.chart(y, chart=chart, n=n, rules=rules)
    assert not r.signal
    assert not r.runs_signal.any() and not r.sigma_signal.any()


@FAST
@given(
    baseline=st.lists(st.floats(0, 1, allow_nan=False), min_size=8, max_size=14),
    shift=st.lists(st.floats(2, 3, allow_nan=False), min_size=8, max_size=8),
    chart=st.sampled_from(["run", "i"]),
    freeze=st.booleans(),
)
def test_a_sustained_shift_of_eight_points_is_signalled(baseline, shift, chart, freeze):
    y = baseline + shift
    assume(len(set(baseline)) > 1 or chart == "run")
    r = spc.chart(y, chart=chart, freeze=len(baseline) if freeze else None)
    assert r.runs_signal.all()
    assert r.signal


@FAST
@given(
    data=st.lists(st.tuples(st.integers(0, 30), st.integers(30, 90)), min_size=3, max_size=30),
    chart=st.sampled_from(["run", "i", "c", "p", "u"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_centre_line_of_one_part_does_not_depend_on_order(data, chart, seed):
    y = np.array([d[0] for d in data], dtype=float)
    n = np.array([d[1] for d in data], dtype=float)
    order = np.random.default_rng(seed).permutation(y.size)
    kwargs = {"n": n} if chart in ("p", "u") else {}
    a = spc.chart(y, chart=chart, **kwargs)
    kwargs = {"n": n[order]} if chart in ("p", "u") else {}
    b = spc.chart(y[order], chart=chart, **kwargs)
    assert b.cl[0] == pytest.approx(a.cl[0], rel=1e-12, abs=1e-12)
    if chart in ("c", "p", "u"):  # limits depend only on each point's own n
        np.testing.assert_allclose(b.ucl, a.ucl[order], rtol=1e-12)
        assert b.sigma_signal.sum() == a.sigma_signal.sum()


@FAST
@given(
    groups=st.lists(
        st.lists(st.floats(-100, 100, allow_nan=False), min_size=2, max_size=6),
        min_size=2,
        max_size=8,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_xbar_and_s_do_not_depend_on_row_order_within_subgroups(groups, seed):
    x = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    y = np.concatenate([np.array(g) for g in groups])
    order = np.random.default_rng(seed).permutation(y.size)
    order = order[np.argsort(x[order], kind="stable")]  # shuffle within subgroups only
    for chart in ("xbar", "s"):
        a = spc.chart(y, chart=chart, x=x)
        b = spc.chart(y[order], chart=chart, x=x[order])
        np.testing.assert_allclose(b.y, a.y, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(b.cl, a.cl, rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------------------
# Many series at once
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("freeze", "multiply"), [(None, 1.0), (12, 100.0)])
def test_p_chart_many_equals_one_chart_per_series(freeze, multiply):
    rng = np.random.default_rng(7)
    rows, cols = 60, 24
    n = rng.choice([10.0, 20.0, 40.0], size=(rows, cols))
    y = rng.binomial(n.astype(int), rng.uniform(0.1, 0.5, size=(rows, 1))).astype(float)
    y[:5, 14:] = np.minimum(y[:5, 14:] * 2, n[:5, 14:])  # some shifts
    y[5] = n[5] * 0.25  # on the centre line throughout
    batch = spc.p_chart_many(y, n, freeze=freeze, multiply=multiply, improvement="decrease")
    for i in range(rows):
        one = spc.chart(y[i], n=n[i], chart="p", freeze=freeze, multiply=multiply, rules="ihi")
        nhs = spc.chart(
            y[i],
            n=n[i],
            chart="p",
            freeze=freeze,
            multiply=multiply,
            rules="nhs",
            improvement="decrease",
        )
        np.testing.assert_allclose(batch.y[i], one.y, rtol=1e-12)
        np.testing.assert_allclose(batch.cl[i], one.cl[0], rtol=1e-12)
        np.testing.assert_allclose(batch.lcl[i], one.lcl, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(batch.ucl[i], one.ucl, rtol=1e-12)
        assert batch.sigma_signal[i].tolist() == one.sigma_signal.tolist()
        assert batch.runs_signal[i] == one.runs_signal[0]
        np.testing.assert_equal(batch.longest_run[i], one.longest_run[0])
        np.testing.assert_equal(batch.crossings[i], one.crossings[0])
        assert batch.shift[i].tolist() == one.shift.tolist()
        assert batch.trend[i].tolist() == one.trend.tolist()
        assert batch.runs_too_few[i] == one.runs_too_few[0]
        assert batch.runs_too_many[i] == one.runs_too_many[0]
        assert batch.special_cause[i].tolist() == nhs.special_cause.tolist()
        labels = np.asarray(spc._runs.POINT_TYPES)[batch.point_type[i]]
        assert labels.tolist() == nhs.point_type.tolist()


def test_p_chart_many_computes_only_the_rules_asked_for():
    y = np.array([[1.0, 2, 3, 2, 1, 2]])
    n = np.full_like(y, 10.0)
    r = spc.p_chart_many(y, n, rules=("shewhart",))
    assert r.sigma_signal is not None and r.runs_signal is None and r.shift is None
    assert r.special_cause is None
    with pytest.raises(ValueError):
        spc.p_chart_many(y, n, rules=("anhoej", "westgard"))
    with pytest.raises(ValueError):
        spc.p_chart_many(y, n - 9.5)


# --------------------------------------------------------------------------------------
# untested points (rates from a handful of patients)

RATES = [24, 26, 23, 27, 25, 24, 26, 23, 27, 25]


def test_no_untested_points_changes_nothing():
    y, n = RATES + [2] * 6, [50] * 10 + [2] * 6
    plain = spc.chart(y, n=n, chart="p", rules="ihi")
    none = spc.chart(y, n=n, chart="p", rules="ihi", untested=[])
    for name in ("y", "cl", "lcl", "ucl", "sigma_signal", "shift", "runs_signal"):
        np.testing.assert_array_equal(getattr(plain, name), getattr(none, name))
    assert plain.tested.all()


def test_a_shift_made_of_untested_points_is_no_signal():
    y, n = RATES + [2] * 6, [50] * 10 + [2] * 6
    small = list(range(11, 17))
    full = spc.chart(y, n=n, chart="run", rules="ihi")
    honest = spc.chart(y, n=n, chart="run", rules="ihi", untested=small)
    assert full.signal and full.shift[10:].all()
    assert not honest.signal and not honest.shift.any()
    # the untested points are plotted, but the median is that of the others only
    assert honest.y[10:] == pytest.approx([1.0] * 6)
    assert honest.cl[0] == pytest.approx(np.median(np.array(RATES) / 50))
    assert list(honest.tested) == [True] * 10 + [False] * 6


def test_untested_points_are_never_outside_the_limits_and_leave_the_lines_alone():
    y, n = [10, 11, 9, 10, 12, 10, 11, 9, 2, 10], [100] * 8 + [2, 100]
    full = spc.chart(y, n=n, chart="p")
    honest = spc.chart(y, n=n, chart="p", untested=9)
    excluded = spc.chart(y, n=n, chart="p", exclude=9)
    assert full.sigma_signal[8] and not honest.sigma_signal.any()
    # the lines are those of qicharts2's exclude, which still tests the point against them
    np.testing.assert_allclose(honest.cl, excluded.cl)
    np.testing.assert_allclose(honest.ucl, excluded.ucl)
    assert excluded.sigma_signal[8]


def test_a_part_with_fewer_than_two_tested_points_signals_nothing():
    y = [1, 1, 1, 1, 1, 1, 1, 2]
    result = spc.chart(y, n=[1] * 7 + [2], chart="run", rules="ihi", untested=range(1, 8))
    assert not result.signal and not result.tested.any()
    assert result.cl[0] == pytest.approx(1.0)  # the lines come from every point


def test_untested_points_carry_no_nhs_special_cause():
    y = [10.0] * 12 + [40.0]
    full = spc.chart(y, chart="i", rules="nhs")
    honest = spc.chart(y[:-1] + [40.0], chart="i", rules="nhs", untested=13)
    assert full.special_cause[-1] and not honest.special_cause.any()
    assert honest.point_type[-1] == "common_cause"


def test_untested_positions_out_of_range_are_refused():
    with pytest.raises(InputError, match="untested position 5"):
        spc.chart([1, 2, 3], untested=5)

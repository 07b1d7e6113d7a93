"""Equity gaps: intervals, references, the SPC verdict and the plain-language summary."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equitystats import compare, gaps, spc
from equitystats.errors import InputError

# --------------------------------------------------------------------------------------
# intervals (the formulas and published values are tested in test_compare.py)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(1, 400), st.data())
def test_intervals_contain_their_estimates(n1, n2, data):
    x1 = data.draw(st.integers(0, n1))
    x2 = data.draw(st.integers(0, n2))
    res = gaps.gap_series([1, 1], ["a", "b"], [x1, x2], [n1, n2], reference="b", multiplier=1)
    g = res.group("a")
    d, lo, hi = g.difference[0], g.diff_ci_low[0], g.diff_ci_high[0]
    assert -1 - 1e-12 <= lo <= d + 1e-12 and d - 1e-12 <= hi <= 1 + 1e-12
    if x2 > 0:
        assert g.ratio_ci_low[0] <= g.ratio[0] <= g.ratio_ci_high[0]


# --------------------------------------------------------------------------------------
# series helpers


def long_form(rates: dict[str, list[float]], n: dict[str, int]):
    """Long-form rows from per-group rate series (numerators rounded from rate × n)."""
    periods, groups, nums, dens = [], [], [], []
    for g, series in rates.items():
        for t, p in enumerate(series, start=1):
            periods.append(t)
            groups.append(g)
            nums.append(round(p * n[g]))
            dens.append(n[g])
    return periods, groups, nums, dens


def test_gap_against_a_named_group_is_the_difference_in_percentage_points():
    periods = [1, 1, 2, 2]
    groups = ["black", "white", "black", "white"]
    a = gaps.gap_series(periods, groups, [50, 70, 60, 72], [100, 100, 100, 100], reference="white")
    assert a.reference == "white"
    assert [g.group for g in a.groups] == ["black"]
    g = a.group("black")
    assert g.difference == pytest.approx([-20.0, -12.0], rel=1e-6)
    d, lo, hi = compare.difference(50, 100, 70, 100)
    assert (g.diff_ci_low[0], g.diff_ci_high[0]) == pytest.approx(
        (float(lo) * 100, float(hi) * 100), rel=1e-6
    )
    r, rlo, rhi = compare.ratio(60, 100, 72, 100)
    assert (g.ratio[1], g.ratio_ci_low[1], g.ratio_ci_high[1]) == pytest.approx(
        (float(r), float(rlo), float(rhi)), rel=1e-6
    )
    assert g.reference_rate == pytest.approx([0.70, 0.72])


def test_gap_against_overall_uses_group_versus_rest_for_its_intervals():
    periods = [1, 1, 1]
    groups = ["a", "b", "c"]
    x, n = np.array([30, 120, 45]), np.array([100, 300, 150])
    res = gaps.gap_series(periods, groups, x, n, reference="overall")
    assert res.reference == "overall" and len(res.groups) == 3
    p_all = x.sum() / n.sum()
    assert res.reference_rate == pytest.approx([p_all])
    for j, g in enumerate(res.groups):
        w = n[j] / n.sum()
        rest_x, rest_n = x.sum() - x[j], n.sum() - n[j]
        assert g.difference[0] == pytest.approx((x[j] / n[j] - p_all) * 100, rel=1e-6)
        _, lo, hi = compare.difference(x[j], n[j], rest_x, rest_n)
        assert g.diff_ci_low[0] == pytest.approx((1 - w) * lo * 100, rel=1e-6)
        assert g.diff_ci_high[0] == pytest.approx((1 - w) * hi * 100, rel=1e-6)
        r, rlo, rhi = compare.ratio(x[j], n[j], rest_x, rest_n)
        assert g.ratio[0] == pytest.approx(float(r / (w * r + 1 - w)), rel=1e-6)
        assert g.ratio_ci_low[0] == pytest.approx(float(rlo / (w * rlo + 1 - w)), rel=1e-6)
        assert g.ratio_ci_low[0] <= g.ratio[0] <= g.ratio_ci_high[0]
        assert g.diff_ci_low[0] <= g.difference[0] <= g.diff_ci_high[0]


def test_best_and_largest_references_are_chosen_over_the_whole_series():
    periods = [1, 1, 1, 2, 2, 2]
    groups = ["a", "b", "c"] * 2
    x = [10, 50, 20, 12, 40, 30]
    n = [100, 500, 50, 100, 500, 50]
    assert gaps.gap_series(periods, groups, x, n, reference="largest").reference == "b"
    assert gaps.gap_series(periods, groups, x, n, reference="best").reference == "c"
    best_low = gaps.gap_series(periods, groups, x, n, reference="best", improvement="decrease")
    assert best_low.reference == "b"  # 90/1000 = 9 % against a's 11 %


def test_periods_are_sorted_and_the_row_order_does_not_matter():
    rates = {"a": [0.5, 0.55, 0.6], "b": [0.7, 0.7, 0.7]}
    p, g, x, n = long_form(rates, {"a": 200, "b": 200})
    p = [t * 5 for t in p]  # 5, 10, 15: numeric sort, not text
    first = gaps.gap_series(p, g, x, n, reference="b")
    order = [5, 0, 3, 1, 4, 2]
    second = gaps.gap_series(
        [p[i] for i in order],
        [g[i] for i in order],
        [x[i] for i in order],
        [n[i] for i in order],
        reference="b",
    )
    assert first.periods.tolist() == [5, 10, 15] == second.periods.tolist()
    assert first.groups[0].difference == pytest.approx(second.groups[0].difference)


def test_a_missing_period_leaves_a_gap_in_the_series():
    res = gaps.gap_series(
        [1, 1, 2, 3, 3],
        ["a", "b", "b", "a", "b"],
        [5, 7, 7, 6, 7],
        [10, 10, 10, 10, 10],
        reference="b",
    )
    d = res.group("a").difference
    assert np.isnan(d[1]) and d[[0, 2]] == pytest.approx([-20.0, -10.0])
    assert res.group("a").first_gap == pytest.approx(-20.0)
    assert res.group("a").last_gap == pytest.approx(-10.0)


# --------------------------------------------------------------------------------------
# SPC verdict and the summary


def test_a_gap_that_shifts_toward_zero_is_closing_on_an_i_chart():
    black = [0.50, 0.51, 0.49, 0.50, 0.52, 0.50, 0.49, 0.51, 0.50, 0.51]
    black += [0.63, 0.64, 0.62, 0.63, 0.65, 0.64, 0.63, 0.62, 0.64, 0.641]
    white = [0.70] * 20
    p, g, x, n = long_form({"b": black, "w": white}, {"b": 1000, "w": 1000})
    res = gaps.gap_series(p, g, x, n, reference="w", labels={"b": "Black", "w": "White"})
    gap = res.group("b")
    assert gap.chart_type == "i"
    assert isinstance(gap.chart, spc.ChartResult)
    assert gap.chart.y == pytest.approx(gap.difference)
    assert gap.signal and gap.closing and gap.direction == "narrowed"
    assert gap.summary == (
        "The gap between Black and White patients narrowed from 20.0 to 6.6 points; "
        "the change is a signal, not noise."
    )


def test_a_gap_that_grows_is_widening_and_not_closing():
    hisp = [0.60] * 10 + [0.50] * 10
    hisp = [h + (0.01 if t % 2 else 0.0) for t, h in enumerate(hisp)]
    p, g, x, n = long_form({"h": hisp, "w": [0.70] * 20}, {"h": 1000, "w": 1000})
    gap = gaps.gap_series(p, g, x, n, reference="w", labels={"h": "Hispanic", "w": "White"}).group(
        "h"
    )
    assert gap.signal and not gap.closing and gap.direction == "widened"
    assert gap.summary.startswith("The gap between Hispanic and White patients widened from 9.7 to")
    assert gap.summary.endswith("the change is a signal, not noise.")


def test_a_stable_gap_has_no_signal():
    asian = [0.60, 0.58] * 7  # alternating: many crossings, short runs, inside the limits
    p, g, x, n = long_form({"a": asian, "w": [0.70] * 14}, {"a": 1000, "w": 1000})
    gap = gaps.gap_series(p, g, x, n, reference="w", labels={"a": "Asian", "w": "White"}).group("a")
    assert gap.chart_type == "i" and not gap.signal and not gap.closing
    assert gap.summary == (
        "The gap between Asian and White patients (10.7 points at the start, 11.3 points at "
        "the end) has not changed beyond what chance explains (no signal)."
    )


def test_fewer_than_twelve_periods_use_run_chart_rules_and_say_so():
    black = [0.50, 0.51, 0.49, 0.50, 0.60, 0.61, 0.62, 0.63, 0.64, 0.65]
    p, g, x, n = long_form({"b": black, "w": [0.70] * 10}, {"b": 1000, "w": 1000})
    res = gaps.gap_series(p, g, x, n, reference="w")
    gap = res.group("b")
    assert gap.chart_type == "run" and gap.chart.chart == "run"
    assert "run chart rules because fewer than 12 periods" in gap.summary


def test_the_summary_uses_all_patients_for_the_overall_reference_and_other_units():
    p, g, x, n = long_form({"a": [0.5, 0.52, 0.51], "b": [0.7, 0.69, 0.71]}, {"a": 500, "b": 500})
    res = gaps.gap_series(p, g, x, n, multiplier=1000, labels={"a": "Group A"})
    assert res.groups[0].summary.startswith("The gap between Group A patients and all patients (")
    assert "per 1,000" in res.groups[0].summary


def test_a_single_period_cannot_be_judged():
    res = gaps.gap_series([1, 1], ["a", "b"], [5, 6], [10, 10], reference="b")
    gap = res.group("a")
    assert gap.chart is None and not gap.signal and gap.direction == "unknown"
    assert "cannot be judged" in gap.summary


def test_results_are_read_only_and_inputs_untouched():
    x = np.array([5, 7, 6, 7])
    before = x.copy()
    res = gaps.gap_series([1, 1, 2, 2], ["a", "b", "a", "b"], x, [10, 10, 10, 10], reference="b")
    assert (x == before).all()
    with pytest.raises(ValueError):
        res.groups[0].difference[0] = 1.0


# --------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    ("kwargs", "message", "row", "column"),
    [
        ({"numerators": [5, 12]}, "above its denominator", 2, "numerator"),
        ({"numerators": [5, -1]}, "negative", 2, "numerator"),
        ({"denominators": [10, float("nan")]}, "finite", 2, "denominator"),
        ({"reference": "asian"}, "reference group 'asian' is not in the data", None, "group"),
        ({"groups": ["a", "a"], "periods": [1, 1]}, "more than once", 2, "group"),
        ({"groups": ["a", "a"], "periods": [1, 2]}, "at least 2 groups", None, "group"),
    ],
)
def test_bad_input_raises_a_located_error(kwargs, message, row, column):
    args = {
        "periods": [1, 1],
        "groups": ["a", "b"],
        "numerators": [5, 6],
        "denominators": [10, 10],
        "reference": "b",
    }
    args.update(kwargs)
    with pytest.raises(InputError, match=message) as err:
        gaps.gap_series(
            args.pop("periods"),
            args.pop("groups"),
            args.pop("numerators"),
            args.pop("denominators"),
            **args,
        )
    assert err.value.row == row and err.value.column == column


def test_improvement_must_be_increase_or_decrease():
    with pytest.raises(InputError, match="improvement"):
        gaps.gap_series([1, 1], ["a", "b"], [1, 2], [3, 3], improvement="up")


def test_one_unusual_last_period_does_not_decide_the_direction():
    # A gap steady at about 20 points with an unusually small final month (5 points): the start
    # and end are averaged over three periods, so the summary does not claim it narrowed to 5.
    black = [0.50, 0.51, 0.49] * 4 + [0.65]
    p, g, x, n = long_form({"b": black, "w": [0.70] * 13}, {"b": 1000, "w": 1000})
    gap = gaps.gap_series(p, g, x, n, reference="w").group("b")
    assert gap.first_gap == pytest.approx(-20.0)
    assert gap.last_gap == pytest.approx(-(19 + 21 + 5) / 3)


# --------------------------------------------------------------------------------------
# the trend test and the minimum detectable narrowing


def test_trend_is_the_inverse_variance_weighted_slope():
    rng = np.random.default_rng(3)
    d = -12 + 0.5 * np.arange(10) + rng.normal(0, 1, 10)
    half = rng.uniform(1, 4, 10)
    trend = gaps.gap_trend(d, d - half, d + half)
    z = 1.959963984540054
    sd = half / z
    coef, cov = np.polyfit(np.arange(10), d, 1, w=1 / sd, cov="unscaled")
    assert trend.slope == pytest.approx(coef[0], rel=1e-9)
    se = float(np.sqrt(cov[0, 0]))
    assert (trend.ci_low, trend.ci_high) == pytest.approx((coef[0] - z * se, coef[0] + z * se))
    assert trend.verdict == "narrowing" and trend.periods == 10
    assert "narrowing by 0.5" in trend.summary or "narrowing by 0.6" in trend.summary


def test_a_constant_gap_has_no_trend_and_missing_periods_are_skipped():
    d = np.array([5.0, np.nan, 5.0, 5.0, 5.0])
    trend = gaps.gap_trend(d, d - 2, d + 2, unit=" points", period_name="month")
    assert trend.slope == pytest.approx(0.0, abs=1e-12) and trend.verdict == "no clear trend"
    assert trend.periods == 4 and "over 4 months" in trend.summary
    assert gaps.gap_trend(d[:3], d[:3] - 2, d[:3] + 2) is None


def test_a_positive_gap_that_grows_is_widening():
    d = np.array([2.0, 4.0, 6.0, 8.0, 10.0])
    assert gaps.gap_trend(d, d - 1, d + 1).verdict == "widening"
    assert gaps.gap_trend(-d, -d - 1, -d + 1).verdict == "widening"
    assert gaps.gap_trend(d[::-1], d - 1, d + 1).verdict == "narrowing"


def test_detectable_narrowing_is_the_power_equation_of_the_slope():
    v, h = 4.0, 12
    se = math.sqrt(12 * v / (h * (h * h - 1)))
    want = (1.959963984540054 + 0.8416212335729143) * se * (h - 1)
    assert gaps.detectable_narrowing(v, h) == pytest.approx(want, rel=1e-9)
    assert gaps.detectable_narrowing(4 * v, h) == pytest.approx(2 * want, rel=1e-9)
    assert gaps.detectable_narrowing(v, 6) > gaps.detectable_narrowing(v, 12)
    assert math.isnan(gaps.detectable_narrowing(v, 1))


def test_gap_series_reports_a_trend_for_every_group_with_three_periods():
    periods = [1, 1, 2, 2, 3, 3]
    groups = ["b", "w"] * 3
    res = gaps.gap_series(periods, groups, [40, 70, 50, 70, 60, 70], [100] * 6, reference="w",
                          period_name="month")  # fmt: skip
    trend = res.group("b").trend
    assert trend.periods == 3 and trend.slope == pytest.approx(10.0)
    assert [h for h, _ in trend.detectable] == [6, 12]
    assert "over the next 6 months" in trend.summary
    two = gaps.gap_series([1, 1, 2, 2], ["b", "w"] * 2, [4, 7, 5, 7], [10] * 4, reference="w")
    assert two.group("b").trend is None


# --------------------------------------------------------------------------------------
# small denominators


def small_tail(tail: list[tuple[int, int]]):
    """White 25 ± 1 of 50 a month; Black about the same for 10 months, then ``tail``."""
    black = [(24, 50), (26, 50), (23, 50), (27, 50), (25, 50)] * 2 + tail
    periods, groups, nums, dens = [], [], [], []
    for t, (x, n) in enumerate(black, start=1):
        periods += [t, t]
        groups += ["white", "black"]
        nums += [25 + (t % 3) - 1, x]
        dens += [50, n]
    return periods, groups, nums, dens


def test_without_a_minimum_every_period_is_tested():
    res = gaps.gap_series(*small_tail([(2, 2)] * 6), reference="white")
    g = res.group("black")
    assert not g.small.any() and g.small_note == "" and g.signal
    assert g.numerator[-1] == 2 and g.denominator[-1] == 2
    assert res.reference_denominator.tolist() == [50] * 16


def test_a_signal_carried_only_by_small_periods_is_not_announced_and_said_so():
    res = gaps.gap_series(*small_tail([(2, 2)] * 6), reference="white", min_denominator=20)
    g = res.group("black")
    assert g.small.tolist() == [False] * 10 + [True] * 6
    assert not g.signal and not g.closing
    assert not g.chart.sigma_signal.any() and not g.chart.runs_signal.any()
    assert "not counted as a signal" in g.small_note.lower()
    assert "fewer than 20 patients" in g.small_note
    assert "6 points with fewer than 20 patients" in g.small_note
    assert g.small_note in g.summary and "(no signal)" in g.summary


def test_a_signal_the_large_periods_carry_is_still_announced():
    tail = [(36, 50), (2, 2), (37, 50), (35, 50), (2, 2), (36, 50), (38, 50), (2, 2)]
    tail += [(36, 50), (37, 50)]
    res = gaps.gap_series(*small_tail(tail), reference="white", min_denominator=20)
    g = res.group("black")
    assert g.small.sum() == 3
    assert g.signal and g.direction == "widened" and g.small_note == ""


def test_a_small_reference_makes_the_period_small_too():
    periods, groups, nums, dens = small_tail([(25, 50)] * 3)
    dens[-2] = 10  # the reference group (white) has 10 patients in the last period
    nums[-2] = 5
    res = gaps.gap_series(periods, groups, nums, dens, reference="white", min_denominator=20)
    assert res.group("black").small.tolist() == [False] * 12 + [True]


def test_detectable_narrowing_larger_than_the_whole_gap_is_said_plainly():
    d = np.array([9.0, 9.5, 8.5, 9.0])
    wide, narrow = np.full(4, 30.0), np.full(4, 1.0)
    trend = gaps.gap_trend(d, d - wide, d + wide, unit=" points", period_name="month",
                           current_gap=9.0)  # fmt: skip
    assert "Even the 12-month amount is larger than the whole current gap of 9.0 points" in (
        trend.summary
    )
    assert "the gap cannot be shown closing within 12 months" in trend.summary
    precise = gaps.gap_trend(d, d - narrow, d + narrow, unit=" points", period_name="month",
                             current_gap=9.0)  # fmt: skip
    assert "larger than the whole current gap" not in precise.summary
    six_only = gaps.gap_trend(d, d - 1.372, d + 1.372, unit=" points", period_name="month",
                              current_gap=-2.0)  # fmt: skip
    amounts = dict(six_only.detectable)
    assert amounts[6] > 2.0 > amounts[12]
    assert "The 6-month amount is larger than the whole current gap of 2.0 points" in (
        six_only.summary
    )
    assert "within 6 months" in six_only.summary

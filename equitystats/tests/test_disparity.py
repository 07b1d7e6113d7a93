"""Tests for equitystats.disparity: reference values, delta-method SEs, properties, errors."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equitystats import disparity
from equitystats.disparity import (
    ABSOLUTE_MEASURES,
    ORDERED_MEASURES,
    RELATIVE_MEASURES,
    UNORDERED_MEASURES,
    Z95,
    Estimate,
    measures,
    rate_difference,
    rate_ratio,
)
from equitystats.errors import InputError

REF = Path(__file__).resolve().parent / "reference" / "disparity"
REL = 1e-6


def _read(name: str) -> list[dict[str, str]]:
    with open(REF / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def unordered25():
    rows = _read("unordered25_input.csv")
    return {
        "groups": [r["subgroup"] for r in rows],
        "rates": np.array([float(r["est"]) for r in rows]),
        "ses": np.array([float(r["se"]) for r in rows]),
        "pops": np.array([float(r["pop"]) for r in rows]),
        "reference": next(r["subgroup"] for r in rows if r["reference_subgroup"] == "1"),
    }


@pytest.fixture(scope="module")
def expected25():
    return {r["measure"]: r for r in _read("unordered25_expected.csv")}


@pytest.fixture(scope="module")
def result25(unordered25):
    d = unordered25
    return measures(d["groups"], d["rates"], d["ses"], d["pops"])


# --------------------------------------------------------------------------------------
# reference values (WHO healthequal 1.0.1, see reference/disparity/README.md)


def test_between_group_variance_matches_reference_value(result25, expected25):
    bgv = result25.measures["between_group_variance"]
    assert bgv.value == pytest.approx(float(expected25["bgv"]["estimate"]), rel=REL)


def test_between_group_variance_se_is_the_taylor_linearised_one(result25, expected25):
    bgv = result25.measures["between_group_variance"]
    assert bgv.se == pytest.approx(13.372736, rel=REL)
    # not the exact quadratic-form SE that healthequal reports
    assert bgv.se != pytest.approx(float(expected25["bgv"]["se"]), rel=1e-2)
    assert bgv.ci_low == pytest.approx(bgv.value - Z95 * bgv.se, rel=1e-12)
    assert bgv.ci_high == pytest.approx(bgv.value + Z95 * bgv.se, rel=1e-12)


@pytest.mark.parametrize(("name", "row"), [("theil_index", "ti"), ("mean_log_deviation", "mld")])
def test_theil_and_mld_match_reference_times_1000_with_unscaled_se(result25, expected25, name, row):
    est = result25.measures[name]
    assert est.value * 1000 == pytest.approx(float(expected25[row]["estimate"]), rel=REL)
    assert est.se == pytest.approx(float(expected25[row]["se"]), rel=REL)


def test_index_of_disparity_against_mean_is_unweighted_idisu(result25, expected25):
    assert result25.reference.name == "mean"
    est = result25.measures["index_of_disparity"]
    assert est.value == pytest.approx(float(expected25["idisu"]["estimate"]), rel=REL)


def test_index_of_dissimilarity_is_half_the_weighted_index_of_disparity(result25, expected25):
    est = result25.measures["index_of_dissimilarity"]
    assert est.value * 200 == pytest.approx(float(expected25["idisw"]["estimate"]), rel=REL)


def test_mean_matches_reference_bgsd_and_cov(result25, expected25):
    bgsd = float(expected25["bgsd"]["estimate"])
    cov = float(expected25["cov"]["estimate"])
    assert result25.mean == pytest.approx(100 * bgsd / cov, rel=REL)
    bgv = result25.measures["between_group_variance"].value
    assert math.sqrt(bgv) == pytest.approx(bgsd, rel=REL)


def test_mean_absolute_deviations_match_reference(unordered25, result25, expected25):
    dev = np.abs(unordered25["rates"] - result25.mean)
    w = unordered25["pops"] / unordered25["pops"].sum()
    assert dev.mean() == pytest.approx(float(expected25["mdmu"]["estimate"]), rel=REL)
    assert (w * dev).sum() == pytest.approx(float(expected25["mdmw"]["estimate"]), rel=REL)


def test_population_attributable_fraction_against_mean_is_zero(result25):
    paf = result25.measures["population_attributable_fraction"]
    assert paf.value == 0.0
    assert paf.se == 0.0


def test_reference_group_from_file_gives_pairs_against_it(unordered25):
    d = unordered25
    res = measures(d["groups"], d["rates"], d["ses"], d["pops"], reference=d["reference"])
    assert res.reference.name == "14"
    assert res.reference.rate == 62.0
    assert res.reference.se == 6.0
    first = res.pairs[0]
    assert first.group == "1"
    assert first.difference.value == pytest.approx(61 - 62)
    assert first.difference.se == pytest.approx(math.hypot(5, 6))
    assert first.ratio.value == pytest.approx(61 / 62)
    assert first.ratio.se == pytest.approx(61 / 62 * math.hypot(5 / 61, 6 / 62))
    own = res.pairs[13]
    assert own.group == "14"
    assert (own.difference.value, own.difference.se) == (0.0, 0.0)
    assert (own.ratio.value, own.ratio.se) == (1.0, 0.0)
    paf = res.measures["population_attributable_fraction"]
    assert paf.value == pytest.approx((res.mean - 62) / res.mean)


# --------------------------------------------------------------------------------------
# delta-method SEs agree with numerically differentiated measures


def _numeric_se(groups, y, se, pop, name, **kw) -> float:
    grad = np.empty(y.size)
    for k in range(y.size):
        h = 1e-6 * y[k]
        up, down = y.copy(), y.copy()
        up[k] += h
        down[k] -= h
        f_up = measures(groups, up, se, pop, **kw).measures[name].value
        f_down = measures(groups, down, se, pop, **kw).measures[name].value
        grad[k] = (f_up - f_down) / (2 * h)
    return float(np.sqrt(np.sum((grad * se) ** 2)))


@pytest.mark.parametrize("reference", ["mean", "g2", "best", "largest"])
def test_taylor_ses_equal_numerical_gradient_ses(reference):
    groups = ["g0", "g1", "g2", "g3", "g4", "g5"]
    y = np.array([12.0, 17.5, 9.3, 25.1, 14.2, 30.7])
    se = np.array([1.1, 2.0, 0.7, 3.3, 1.5, 2.9])
    pop = np.array([5000.0, 1200.0, 8000.0, 700.0, 2500.0, 400.0])
    order = np.array([3, 1, 2, 5, 4, 6])
    res = measures(groups, y, se, pop, reference=reference, order=order)
    for name in UNORDERED_MEASURES + ORDERED_MEASURES:
        if reference == "mean" and name == "population_attributable_fraction":
            continue  # identically zero
        numeric = _numeric_se(groups, y, se, pop, name, reference=reference, order=order)
        assert res.measures[name].se == pytest.approx(numeric, rel=1e-5), name


def test_pair_ses_against_mean_account_for_the_mean_depending_on_each_rate():
    y = np.array([10.0, 20.0, 40.0])
    se = np.array([1.0, 2.0, 3.0])
    pop = np.array([1.0, 1.0, 2.0])
    w = pop / pop.sum()
    res = measures(["a", "b", "c"], y, se, pop)
    mu = float(w @ y)
    for j, pair in enumerate(res.pairs):
        grad = -w.copy()
        grad[j] += 1
        assert pair.difference.se == pytest.approx(np.sqrt(np.sum((grad * se) ** 2)))
        log_grad = -w / mu
        log_grad[j] += 1 / y[j]
        se_log = np.sqrt(np.sum((log_grad * se) ** 2))
        assert pair.ratio.se == pytest.approx(y[j] / mu * se_log)
        assert pair.ratio.ci_low == pytest.approx(y[j] / mu * math.exp(-Z95 * se_log))


# --------------------------------------------------------------------------------------
# hand-computed small examples


def test_index_of_disparity_against_a_group_averages_over_the_other_groups():
    res = measures(["a", "b", "c"], [10, 20, 40], [1, 1, 1], [1, 1, 1], reference="a")
    # 100 * mean(|20 - 10|, |40 - 10|) / 10
    assert res.measures["index_of_disparity"].value == pytest.approx(200.0)


def test_range_measures_use_highest_and_lowest_rate_with_log_scale_ratio_interval():
    res = measures(["a", "b", "c"], [10, 20, 40], [1, 2, 4], [1, 1, 1])
    rd = res.measures["range_difference"]
    assert rd.value == 30
    assert rd.se == pytest.approx(math.hypot(1, 4))
    rr = res.measures["range_ratio"]
    assert rr.value == 4
    se_log = math.hypot(4 / 40, 1 / 10)
    assert rr.se == pytest.approx(4 * se_log)
    assert rr.ci_low == pytest.approx(4 * math.exp(-Z95 * se_log))
    assert rr.ci_high == pytest.approx(4 * math.exp(Z95 * se_log))


def test_ordered_measures_for_two_equal_sized_groups():
    res = measures(["low", "high"], [1.0, 3.0], [0.1, 0.1], [50, 50], order=[1, 2])
    m = res.measures
    # ridits 0.25 and 0.75; slope of the line through (0.25, 1) and (0.75, 3)
    assert m["slope_index_of_inequality"].value == pytest.approx(4.0)
    assert m["relative_index_of_inequality"].value == pytest.approx(2.0)
    # C = 2 cov(y, R) / mu = 2 * 0.25 / 2
    assert m["relative_concentration_index"].value == pytest.approx(0.25)
    assert m["absolute_concentration_index"].value == pytest.approx(0.5)


def test_reversing_the_order_flips_the_sign_of_ordered_measures():
    y, se, pop = [5.0, 7.0, 12.0], [0.5, 0.7, 1.0], [100, 300, 200]
    up = measures(["a", "b", "c"], y, se, pop, order=[1, 2, 3]).measures
    down = measures(["a", "b", "c"], y, se, pop, order=[3, 2, 1]).measures
    for name in ORDERED_MEASURES:
        assert up[name].value == pytest.approx(-down[name].value)
        assert up[name].se == pytest.approx(down[name].se)


def test_groups_sharing_an_order_value_share_a_ridit():
    whole = measures(["a", "b", "c"], [5.0, 7.0, 12.0], [1, 1, 1], [100, 300, 200], order=[1, 2, 3])
    split = measures(
        ["a", "b1", "b2", "c"],
        [5.0, 7.0, 7.0, 12.0],
        [1, 1, 1, 1],
        [100, 100, 200, 200],
        order=[1, 2, 2, 3],
    )
    for name in ORDERED_MEASURES:
        assert split.measures[name].value == pytest.approx(whole.measures[name].value)


def test_unordered_call_has_no_ordered_measures():
    res = measures(["a", "b"], [1, 2], [0.1, 0.1], [1, 1])
    assert tuple(res.measures) == UNORDERED_MEASURES


def test_best_reference_is_lowest_rate_unless_higher_is_better():
    args = (["a", "b", "c"], [30, 10, 20], [1, 1, 1], [5, 1, 1])
    assert measures(*args, reference="best").reference.name == "b"
    assert measures(*args, reference="best", higher_is_better=True).reference.name == "a"
    assert measures(*args, reference="largest").reference.name == "a"


def test_ties_for_the_reference_are_broken_by_group_name():
    res = measures(["z", "y", "x"], [10, 10, 20], [1, 2, 3], [1, 1, 1], reference="best")
    assert res.reference.name == "y"


def test_group_named_like_a_keyword_is_selected_by_name():
    res = measures(["mean", "other"], [10, 20], [1, 1], [1, 3], reference="mean")
    assert res.reference.name == "mean"
    assert res.reference.rate == 10


def test_zero_rate_gives_infinite_mld_and_undefined_ratio_not_an_error():
    res = measures(["a", "b"], [0.0, 5.0], [0.0, 1.0], [1, 1], reference="b")
    assert res.measures["mean_log_deviation"].value == math.inf
    assert res.measures["range_ratio"].value == math.inf
    assert math.isnan(res.measures["range_ratio"].ci_low)
    assert res.pairs[0].ratio.value == 0.0
    assert math.isnan(res.pairs[0].ratio.se)
    assert res.measures["theil_index"].value > 0


def test_result_and_estimates_are_frozen_and_inputs_untouched():
    y = np.array([1.0, 2.0, 3.0])
    se = np.array([0.1, 0.2, 0.3])
    pop = np.array([10.0, 20.0, 30.0])
    res = measures(["a", "b", "c"], y, se, pop, order=[1, 2, 3])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.mean = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.measures["theil_index"].value = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        res.measures["theil_index"] = Estimate(0, 0, 0, 0)  # type: ignore[index]
    assert y.tolist() == [1.0, 2.0, 3.0]
    assert pop.tolist() == [10.0, 20.0, 30.0]


# --------------------------------------------------------------------------------------
# two-group comparisons


def test_rate_difference_and_ratio_of_scalars_are_floats():
    diff = rate_difference(12.0, 3.0, 8.0, 4.0)
    assert isinstance(diff.value, float)
    assert diff.value == 4.0
    assert diff.se == 5.0
    assert diff.ci_low == pytest.approx(4 - Z95 * 5)
    ratio = rate_ratio(12.0, 3.0, 8.0, 4.0)
    se_log = math.hypot(3 / 12, 4 / 8)
    assert ratio.value == 1.5
    assert ratio.se == pytest.approx(1.5 * se_log)
    assert ratio.ci_low == pytest.approx(1.5 * math.exp(-Z95 * se_log))
    assert ratio.ci_high == pytest.approx(1.5 * math.exp(Z95 * se_log))


def test_rate_difference_and_ratio_are_vectorised():
    y1 = np.array([12.0, 5.0, 0.0])
    se1 = np.array([3.0, 1.0, 0.0])
    diff = rate_difference(y1, se1, 8.0, 4.0)
    assert diff.value.shape == (3,)
    np.testing.assert_allclose(diff.value, y1 - 8)
    ratio = rate_ratio(y1, se1, np.array([8.0, 10.0, 4.0]), np.array([4.0, 1.0, 1.0]))
    np.testing.assert_allclose(ratio.value, [1.5, 0.5, 0.0])
    assert np.isnan(ratio.ci_low[2])
    assert ratio.ci_low[1] == pytest.approx(0.5 * math.exp(-Z95 * math.hypot(0.2, 0.1)))


def test_pairwise_returns_difference_and_ratio():
    diff, ratio = disparity.pairwise(12.0, 3.0, 8.0, 4.0)
    assert diff == rate_difference(12.0, 3.0, 8.0, 4.0)
    assert ratio == rate_ratio(12.0, 3.0, 8.0, 4.0)


# --------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"groups": ["a"], "rates": [1], "ses": [1], "populations": [1]}, "at least 2"),
        ({"rates": [1, -1]}, "negative"),
        ({"ses": [1, -0.5]}, "negative"),
        ({"populations": [-1, 2]}, "negative"),
        ({"populations": [0, 0]}, "more than zero"),
        ({"rates": [1, math.nan]}, "finite"),
        ({"groups": ["a", "a"]}, "more than once"),
        ({"rates": [1, 2, 3]}, "length"),
        ({"reference": "nobody"}, "not a group"),
        ({"order": [1, 1]}, "two different values"),
        ({"order": [1, 2, 3]}, "order has"),
    ],
)
def test_bad_input_raises_input_error(kwargs, message):
    args = {"groups": ["a", "b"], "rates": [1, 2], "ses": [0.1, 0.2], "populations": [1, 2]}
    args.update(kwargs)
    groups, rates, ses, pops = (args.pop(k) for k in ("groups", "rates", "ses", "populations"))
    with pytest.raises(InputError, match=message):
        measures(groups, rates, ses, pops, **args)


def test_input_error_names_the_row():
    with pytest.raises(InputError) as info:
        measures(["a", "b", "c"], [1, 2, -3], [1, 1, 1], [1, 1, 1])
    assert info.value.row == 3


# --------------------------------------------------------------------------------------
# properties


@st.composite
def group_data(draw, min_size=2, max_size=7):
    n = draw(st.integers(min_size, max_size))
    # rates on a grid of quarters: exact ties happen (and are broken by name), while rates
    # that differ stay different after scaling, so "which group is highest" is well defined
    rates = draw(st.lists(st.integers(2, 2000).map(lambda k: k / 4), min_size=n, max_size=n))
    ses = draw(st.lists(st.floats(0.0, 50.0), min_size=n, max_size=n))
    pops = draw(st.lists(st.integers(1, 100_000), min_size=n, max_size=n))
    order = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    if len(set(order)) < 2:
        order[0], order[-1] = 1, 2
    groups = [f"g{i}" for i in range(n)]
    reference = draw(st.sampled_from(["mean", "best", "largest", *groups]))
    return groups, np.array(rates), np.array(ses), np.array(pops, dtype=float), order, reference


def _close(a: float, b: float, scale: float = 1.0) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-9 * scale)


@settings(max_examples=60, deadline=None)
@given(group_data(), st.randoms(use_true_random=False))
def test_group_order_does_not_change_any_measure(data, rnd):
    groups, y, se, pop, order, ref = data
    perm = list(range(len(groups)))
    rnd.shuffle(perm)
    a = measures(groups, y, se, pop, reference=ref, order=order)
    b = measures(
        [groups[i] for i in perm], y[perm], se[perm], pop[perm], reference=ref,
        order=[order[i] for i in perm],
    )  # fmt: skip
    scale = float(np.max(y)) ** 2
    assert a.reference.name == b.reference.name
    assert _close(a.reference.rate, b.reference.rate, scale)
    assert _close(a.reference.se, b.reference.se, scale)
    for name, est in a.measures.items():
        other = b.measures[name]
        for field in ("value", "se", "ci_low", "ci_high"):
            assert _close(getattr(est, field), getattr(other, field), scale), (name, field)
    pairs_b = {p.group: p for p in b.pairs}
    for p in a.pairs:
        q = pairs_b[p.group]
        for kind in ("difference", "ratio"):
            assert _close(getattr(p, kind).value, getattr(q, kind).value, scale)
            assert _close(getattr(p, kind).se, getattr(q, kind).se, scale)


@settings(max_examples=40, deadline=None)
@given(group_data(), st.floats(0.5, 500.0))
def test_equal_rates_give_zero_absolute_measures_and_unit_ratios(data, rate):
    groups, _, se, pop, order, ref = data
    y = np.full(len(groups), rate)
    res = measures(groups, y, se, pop, reference=ref, order=order)
    for name, est in res.measures.items():
        expected = 1.0 if name == "range_ratio" else 0.0
        tol = 1e-9 * (rate**2 if name == "between_group_variance" else rate)
        assert est.value == pytest.approx(expected, abs=tol), name
    for p in res.pairs:
        assert p.difference.value == pytest.approx(0.0, abs=1e-9 * rate)
        assert p.ratio.value == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(group_data(), st.floats(0.01, 100.0))
def test_scaling_rates_scales_differences_and_leaves_relative_measures(data, c):
    groups, y, se, pop, order, ref = data
    a = measures(groups, y, se, pop, reference=ref, order=order)
    b = measures(groups, c * y, c * se, pop, reference=ref, order=order)
    power = {name: 1 for name in ABSOLUTE_MEASURES} | {"between_group_variance": 2}
    power |= {name: 0 for name in RELATIVE_MEASURES}
    assert set(power) == set(a.measures)
    scale = float(np.max(y)) ** 2
    for name, est in a.measures.items():
        k = c ** power[name]
        assert _close(b.measures[name].value, k * est.value, k * scale), name
        assert _close(b.measures[name].se, k * est.se, k * scale), name
    for p, q in zip(a.pairs, b.pairs, strict=True):
        assert _close(q.difference.value, c * p.difference.value, c * scale)
        assert _close(q.ratio.value, p.ratio.value)

"""Groups against a reference: score intervals for rates, differences and ratios."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from equitystats import compare
from equitystats.errors import InputError
from equitystats.intervals import Z95

# --------------------------------------------------------------------------------------
# an independent, straightforward implementation: scalar, 50 significant digits, the formulas
# exactly as Wilson (1927), Newcombe (1998) and Donner & Zou (2012) write them


def _wilson(x: int, n: int, z: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    x, n = Decimal(x), Decimal(n)
    p = x / n
    z2 = z * z
    centre = (2 * x + z2) / (2 * (n + z2))
    half = z * (z2 + 4 * x * (1 - p)).sqrt() / (2 * (n + z2))
    return p, max(centre - half, Decimal(0)), min(centre + half, Decimal(1))


def _root(value: Decimal) -> Decimal:
    return max(value, Decimal(0)).sqrt()


def reference_intervals(x1, n1, x0, n0, z=Z95):
    """(d, L, U, R, L, U) by the published formulas, ratio limits in their written form."""
    with localcontext() as ctx:
        ctx.prec = 50
        zd = Decimal(z)
        p1, l1, u1 = _wilson(x1, n1, zd)
        p0, l0, u0 = _wilson(x0, n0, zd)
        d = p1 - p0
        d_low = d - ((p1 - l1) ** 2 + (u0 - p0) ** 2).sqrt()
        d_high = d + ((u1 - p1) ** 2 + (p0 - l0) ** 2).sqrt()
        a = p1 * p0
        if p0 == 0:
            r = r_low = r_high = math.nan
        else:
            r = p1 / p0
            r_low = (a - _root(a * a - l1 * u0 * (2 * p1 - l1) * (2 * p0 - u0))) / (
                u0 * (2 * p0 - u0)
            )
            r_high = (
                (a + _root(a * a - u1 * l0 * (2 * p1 - u1) * (2 * p0 - l0))) / (l0 * (2 * p0 - l0))
                if l0 > 0
                else math.inf
            )
        return tuple(float(v) for v in (d, d_low, d_high, r, r_low, r_high))


def close(got, want, tol=1e-9):
    got, want = float(got), float(want)
    if math.isnan(want) or math.isinf(want):
        return got == want or (math.isnan(got) and math.isnan(want))
    return abs(got - want) <= tol * max(1.0, abs(want))


def assert_matches_reference(x1, n1, x0, n0):
    d, dl, du = compare.difference(x1, n1, x0, n0)
    r, rl, ru = compare.ratio(x1, n1, x0, n0)
    want = reference_intervals(x1, n1, x0, n0)
    for got, expected in zip((d, dl, du, r, rl, ru), want, strict=True):
        assert close(got, expected), (x1, n1, x0, n0, float(got), expected)


# --------------------------------------------------------------------------------------
# published values


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    # Newcombe R.G. 1998, Stat Med 17:857, Table I, method 3 (Wilson score, no correction)
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_limits_match_newcombe_1998_table_1(x, n, low, high):
    _, lo, hi = compare.limits(x, n)
    assert (float(lo), float(hi)) == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(
    ("x1", "n1", "x0", "n0", "low", "high"),
    # Newcombe R.G. 1998, Stat Med 17:873, Table II, method 10 (hybrid score): the first and
    # fourth rows as published; the others reconstructed from method 10 to the table's 4 places
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_difference_matches_newcombe_1998_table_2(x1, n1, x0, n0, low, high):
    d, lo, hi = compare.difference(x1, n1, x0, n0)
    assert float(d) == pytest.approx(x1 / n1 - x0 / n0, abs=1e-12)
    assert (float(lo), float(hi)) == pytest.approx((low, high), abs=5e-5)


# --------------------------------------------------------------------------------------
# edge cases and every n up to 5000 against the straightforward implementation


@pytest.mark.parametrize(
    ("x1", "n1", "x0", "n0"),
    [
        (1, 1, 48, 80),
        (2, 2, 48, 80),
        (0, 1, 48, 80),
        (0, 7, 3, 9),
        (7, 7, 3, 9),
        (1, 1, 1, 1),
        (0, 5000, 4999, 5000),
        (5000, 5000, 1, 5000),
        (1, 3, 1, 3),
        (3, 3, 0, 4),
    ],
)
def test_edge_cases_match_the_formulas_to_1e_9(x1, n1, x0, n0):
    assert_matches_reference(x1, n1, x0, n0)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 5000), st.data())
def test_any_counts_match_the_formulas_to_1e_9(n1, n0, data):
    x1 = data.draw(st.integers(0, n1))
    x0 = data.draw(st.integers(0, n0))
    assert_matches_reference(x1, n1, x0, n0)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 5000), st.data())
def test_intervals_contain_the_estimate_and_are_no_narrower_than_the_group_allows(n1, n0, data):
    x1 = data.draw(st.integers(0, n1))
    x0 = data.draw(st.integers(1, n0))
    p1, l1, u1 = compare.limits(x1, n1)
    p0, l0, u0 = compare.limits(x0, n0)
    d, dl, du = compare.difference(x1, n1, x0, n0)
    assert dl <= d <= du and dl >= -1 and du <= 1
    # each side is at least as far from d as the group's own limit is from its rate
    assert d - dl >= (p1 - l1) - 1e-12 and du - d >= (u1 - p1) - 1e-12
    r, rl, ru = compare.ratio(x1, n1, x0, n0)
    assert 0 <= rl <= r + 1e-12 and r - 1e-12 <= ru


def test_a_group_of_one_gets_a_wide_interval_not_a_collapsed_one():
    """The demo's 1 of 1 against 48 of 80: Wald gives a width of 2·1.96·√(0.6·0.4/80)."""
    _, l1, _ = compare.limits(1, 1)
    d, lo, hi = compare.difference(1, 1, 48, 80)
    assert hi - lo > 0.9 and d - lo >= 1 - float(l1)
    r, rl, ru = compare.ratio(1, 1, 48, 80)
    assert rl < 0.5 < 2 < ru


def test_ratio_is_undefined_against_a_rate_of_zero_and_unbounded_without_a_lower_limit():
    r, lo, hi = compare.ratio(3, 10, 0, 5)
    assert np.isnan([r, lo, hi]).all()
    r, lo, hi = compare.mover_ratio(0.3, 0.1, 0.6, 0.2, 0.0, 0.5)
    assert hi == math.inf and 0 < lo < r
    r, lo, hi = compare.ratio(0, 10, 4, 10)
    assert r == 0 and lo == 0 and 0 < hi < math.inf


def test_ratio_lower_limit_is_continuous_where_the_written_denominator_vanishes():
    """u₀ = 2p₀ makes the written L 0/0; the rationalised form is the limit."""
    below = compare.mover_ratio(0.5, 0.2, 0.8, 0.1, 0.05, 0.2 - 1e-7)[1]
    at = compare.mover_ratio(0.5, 0.2, 0.8, 0.1, 0.05, 0.2)[1]
    above = compare.mover_ratio(0.5, 0.2, 0.8, 0.1, 0.05, 0.2 + 1e-7)[1]
    assert math.isfinite(at) and float(at) == pytest.approx(float(below), rel=1e-5)
    assert float(at) == pytest.approx(float(above), rel=1e-5)


# --------------------------------------------------------------------------------------
# rates per person-time


def test_rate_limits_are_garwood_exact_limits():
    rate, lo, hi = compare.limits(4, 200.0, kind="rate")
    assert float(rate) == 0.02
    assert float(lo) == pytest.approx(chi2.ppf(0.025, 8) / 2 / 200, rel=1e-12)
    assert float(hi) == pytest.approx(chi2.ppf(0.975, 10) / 2 / 200, rel=1e-12)
    _, lo0, hi0 = compare.limits(0, 100.0, kind="rate")
    assert lo0 == 0 and float(hi0) == pytest.approx(-math.log(0.025) / 100, rel=1e-9)


def test_rate_comparisons_use_the_same_mover_constructions():
    x1, t1, x0, t0 = 12, 300.0, 30, 1200.0
    p1, l1, u1 = (float(v) for v in compare.limits(x1, t1, kind="rate"))
    p0, l0, u0 = (float(v) for v in compare.limits(x0, t0, kind="rate"))
    d, dl, du = compare.difference(x1, t1, x0, t0, kind="rate")
    assert float(dl) == pytest.approx(p1 - p0 - math.hypot(p1 - l1, u0 - p0), rel=1e-12)
    assert float(du) == pytest.approx(p1 - p0 + math.hypot(u1 - p1, p0 - l0), rel=1e-12)
    r, rl, ru = compare.ratio(x1, t1, x0, t0, kind="rate")
    a = p1 * p0
    want_low = (a - math.sqrt(a * a - l1 * u0 * (2 * p1 - l1) * (2 * p0 - u0))) / (
        u0 * (2 * p0 - u0)
    )
    want_high = (a + math.sqrt(a * a - u1 * l0 * (2 * p1 - u1) * (2 * p0 - l0))) / (
        l0 * (2 * p0 - l0)
    )
    assert (float(rl), float(ru)) == pytest.approx((want_low, want_high), rel=1e-9)
    assert float(r) == pytest.approx(1.6)


# --------------------------------------------------------------------------------------
# the table of groups


def test_compare_reports_every_group_and_leaves_the_reference_blank():
    res = compare.compare(["White", "AIAN", "Empty"], [48, 1, 0], [80, 1, 0], reference="White")
    rows = {r["group"]: r for r in res.rows()}
    assert list(rows) == ["White", "AIAN", "Empty"]
    assert rows["White"]["rate"] == 0.6
    assert all(math.isnan(rows["White"][c]) for c in compare.Comparison.COLUMNS[6:])
    assert all(math.isnan(rows["Empty"][c]) for c in compare.Comparison.COLUMNS[3:])
    d, lo, hi = compare.difference(1, 1, 48, 80)
    assert (rows["AIAN"]["difference_low"], rows["AIAN"]["difference_high"]) == (lo, hi)


def test_order_of_groups_does_not_change_any_value():
    a = compare.compare(["a", "b", "c"], [3, 9, 0], [10, 20, 4], reference="b").rows()
    b = compare.compare(["c", "a", "b"], [0, 3, 9], [4, 10, 20], reference="b").rows()
    by_group = {r["group"]: r for r in b}
    for row in a:
        other = by_group[row["group"]]
        assert all(
            (math.isnan(v) and math.isnan(other[k])) or v == other[k]
            for k, v in row.items()
            if k != "group"
        )


@pytest.mark.parametrize(
    ("kwargs", "message", "row", "column"),
    [
        ({"numerators": [5, 12]}, "above its denominator", 2, "numerator"),
        ({"numerators": [5, -1]}, "negative", 2, "numerator"),
        ({"denominators": [10, math.nan]}, "not a finite number", 2, "denominator"),
        ({"groups": ["a", "a"]}, "appears more than once", 2, "group"),
        ({"reference": "z"}, "reference group 'z' is not in the data", None, "group"),
        ({"kind": "odds"}, "kind must be one of", None, None),
        ({"conf": 1.5}, "confidence level", None, None),
    ],
)
def test_bad_input_is_refused_with_its_place(kwargs, message, row, column):
    args = {"groups": ["a", "b"], "numerators": [5, 6], "denominators": [10, 10], "reference": "a"}
    args.update(kwargs)
    with pytest.raises(InputError, match=message) as err:
        compare.compare(
            args.pop("groups"), args.pop("numerators"), args.pop("denominators"), **args
        )
    assert err.value.row == row and err.value.column == column


def test_rates_may_exceed_one_event_per_unit_of_person_time():
    res = compare.compare(["a", "b"], [30, 4], [10.0, 8.0], reference="b", kind="rate")
    assert res.rate.tolist() == [3.0, 0.5] and res.ratio[0] == 6.0


# --------------------------------------------------------------------------------------
# against the overall rate


def test_versus_overall_is_group_versus_rest_carried_through_the_exact_transformations():
    x, n = np.array([30, 120, 45]), np.array([100, 300, 150])
    d, dl, du, r, rl, ru = compare.versus_overall(x, n, x.sum(), n.sum())
    p_all = x.sum() / n.sum()
    for j in range(3):
        w = n[j] / n.sum()
        rest_x, rest_n = x.sum() - x[j], n.sum() - n[j]
        _, lo, hi = compare.difference(x[j], n[j], rest_x, rest_n)
        _, rlo, rhi = compare.ratio(x[j], n[j], rest_x, rest_n)
        assert d[j] == pytest.approx(x[j] / n[j] - p_all)
        assert (dl[j], du[j]) == pytest.approx(((1 - w) * lo, (1 - w) * hi))
        assert r[j] == pytest.approx(x[j] / n[j] / p_all)
        assert (rl[j], ru[j]) == pytest.approx((rlo / (w * rlo + 1 - w), rhi / (w * rhi + 1 - w)))
        assert dl[j] <= d[j] <= du[j] and rl[j] <= r[j] <= ru[j]

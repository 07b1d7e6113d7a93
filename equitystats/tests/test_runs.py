"""Run chart rules (equitystats.runs): reference limits, hand examples, and the vectorised
rules against plain one-series-at-a-time restatements of the published rules."""

from __future__ import annotations

import csv
from math import comb
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equitystats import runs

REF = Path(__file__).resolve().parent / "reference" / "spc"


def _read(name: str) -> list[dict[str, str]]:
    with open(REF / name, newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------------------
# Plain restatements, one series at a time (loops on purpose)
# --------------------------------------------------------------------------------------


def naive_anhoej(signs: list[int]) -> tuple[int, int, int]:
    useful = [s for s in signs if s != 0]
    if not useful:
        return 0, 0, 0
    runs_, longest, current = 1, 1, 1
    for a, b in zip(useful, useful[1:], strict=False):
        if a == b:
            current += 1
        else:
            runs_ += 1
            current = 1
        longest = max(longest, current)
    return len(useful), longest, runs_ - 1


def naive_shift(signs: list[int], length: int = 6) -> list[bool]:
    out = [False] * len(signs)
    group: list[int] = []
    sign = 0
    for i, s in enumerate([*signs, 9]):
        if s == 0:
            continue
        if s != sign:
            if len(group) >= length:
                for j in group:
                    out[j] = True
            group, sign = [], s
        group.append(i)
    return out


def naive_trend(y: list[float], length: int = 5) -> list[bool]:
    """IHI trend: like values are skipped; ties inside or right after a trend belong to it."""
    out = [False] * len(y)
    steps = []  # (run id, sign) per step
    run_id, sign = 0, 0
    counts: dict[int, int] = {}
    for j in range(len(y) - 1):
        d = (y[j + 1] > y[j]) - (y[j + 1] < y[j])
        if d != 0 and d != sign:
            run_id += 1
            sign = d
        if d != 0:
            counts[run_id] = counts.get(run_id, 0) + 1
        steps.append(run_id)
    for j, rid in enumerate(steps):
        if rid and counts.get(rid, 0) >= length - 1:
            out[j] = out[j + 1] = True
    return out


def naive_nhs(y, mean, lpl, upl, nlpl, nupl, direction):
    """NHSRplotthedots 0.2.2 ptd_spc_standard + ptd_calculate_point_type, as R reads."""
    t = len(y)
    outside = [v > upl or v < lpl for v in y]
    rtm = [(v > mean) - (v < mean) for v in y]
    close = [not o and (v < nlpl or v > nupl) for v, o in zip(y, outside, strict=True)]

    def part_of_seven(v):
        vp = [*v, 0, 0, 0, 0, 0, 0]
        return [any(abs(vp[i + k]) == 1 for k in range(7)) for i in range(t)]

    vp = [0] * 6 + rtm
    seven_side = [
        all(vp[i] == vp[i - k] for k in range(1, 7)) and vp[i] != 0 for i in range(6, t + 6)
    ]
    trend_end = [0] * t
    for i in range(6, t):
        d = [(y[i - k] > y[i - k - 1]) - (y[i - k] < y[i - k - 1]) for k in range(6)]
        trend_end[i] = 1 if all(x == 1 for x in d) else (-1 if all(x == -1 for x in d) else 0)
    cp = [0, 0, *close, 0, 0]
    rp = [0, 0, *rtm, 0, 0]
    two = []
    for i in range(t):
        two.append(
            any(
                sum(cp[i + a : i + a + 3]) >= 2 and abs(sum(rp[i + a : i + a + 3])) == 3
                for a in range(3)
            )
        )
    part_two = [a and b for a, b in zip(two, close, strict=True)]
    part_trend = part_of_seven(trend_end)
    part_side = part_of_seven([int(s) for s in seven_side])
    sdy = [(y[i + 1] > y[i]) - (y[i + 1] < y[i]) for i in range(t - 1)]
    types = []
    for i in range(t):
        nxt = part_trend[i + 1] if i + 1 < t else False
        if nxt and part_trend[i]:
            d = sdy[i] if i < t - 1 else sdy[-1]
        else:
            d = sdy[i - 1] if i > 0 else 0
        ab = "Above" if rtm[i] > 0 else "Below"
        if outside[i]:
            types.append("Above UCL" if rtm[i] == 1 else "Below LCL")
        elif part_trend[i]:
            types.append(f"7 Point Trend ({'In' if d == 1 else 'De'}creasing)")
        elif part_two[i]:
            types.append(f"2 in 3 {ab} CL")
        elif part_side[i]:
            types.append(f"7 Points {ab} CL")
        else:
            types.append("Common Cause")
    points = []
    for s in types:
        v = (
            1
            if ("Above" in s or "Increasing" in s)
            else (-1 if "Below" in s or "Decreasing" in s else 0)
        )
        if direction == 0:
            points.append(
                "special_cause_neutral_high"
                if v > 0
                else ("special_cause_neutral_low" if v < 0 else "common_cause")
            )
        else:
            v *= direction
            points.append(
                "special_cause_improvement"
                if v > 0
                else ("special_cause_concern" if v < 0 else "common_cause")
            )
    return types, points


# --------------------------------------------------------------------------------------
# Published limits
# --------------------------------------------------------------------------------------


def test_anhoej_limits_match_the_reference_table():
    rows = _read("anhoej_limits.csv")
    n = np.array([int(r["n"]) for r in rows])
    np.testing.assert_array_equal(
        runs.longest_run_max(n), [int(r["longest_run_max"]) for r in rows]
    )
    np.testing.assert_array_equal(runs.crossings_min(n), [int(r["crossings_min"]) for r in rows])


def test_anhoej_limits_are_undefined_without_useful_observations():
    assert np.isnan(runs.longest_run_max(0))
    assert np.isnan(runs.crossings_min(np.array([0]))[0])


def test_ihi_runs_limits_match_the_swed_eisenhart_table():
    rows = _read("ihi_runs_limits_swed_eisenhart.csv")
    n = np.array([int(r["n"]) for r in rows])
    few, many = runs.ihi_runs_limits(n)
    np.testing.assert_array_equal(few, [int(r["too_few_if_runs_le"]) for r in rows])
    np.testing.assert_array_equal(many, [int(r["too_many_if_runs_ge"]) for r in rows])


def test_ihi_runs_rule_does_not_apply_below_ten_useful_observations():
    few, many = runs.ihi_runs_limit(9)
    assert few == 0 and many == 11


@pytest.mark.parametrize(("n1", "n2"), [(1, 1), (5, 5), (7, 9), (12, 3), (20, 20)])
def test_runs_distribution_counts_every_arrangement(n1, n2):
    dist = runs.runs_distribution(n1, n2)
    assert sum(dist.values()) == comb(n1 + n2, n1)
    assert min(dist) == 2 and max(dist) == 2 * min(n1, n2) + (n1 != n2)


# --------------------------------------------------------------------------------------
# Hand examples
# --------------------------------------------------------------------------------------


def test_anhoej_skips_points_on_the_centre_line():
    signs = np.array([[1, 1, 0, 1, -1, 0, -1, 1]])
    a = runs.anhoej(signs)
    assert a.n_useful[0] == 6
    assert a.longest_run[0] == 3
    assert a.crossings[0] == 2


def test_anhoej_signals_a_long_run():
    signs = np.array([[1, -1] * 3 + [1] * 8])
    a = runs.anhoej(signs)
    assert a.longest_run_max[0] == 7  # round(log2(14)) + 3
    assert a.longest_run[0] == 8 and bool(a.signal[0])


def test_ihi_shift_needs_six_points_and_skips_the_median():
    signs = np.array([[-1, 1, 1, 1, 0, 1, 1, 1, -1, 1, 1, 1, 1, 1]])
    r = runs.ihi(np.zeros(signs.shape), signs)
    expected = [False, True, True, True, False, True, True, True] + [False] * 6
    np.testing.assert_array_equal(r.shift[0], expected)


def test_ihi_trend_ignores_like_values():
    y = np.array([[5.0, 1, 2, 2, 3, 4, 5, 3]])
    r = runs.ihi(y, np.zeros(y.shape, dtype=np.int8))
    # 1, 2, (2), 3, 4, 5: five distinct rising values.
    np.testing.assert_array_equal(r.trend[0], [False, True, True, True, True, True, True, False])
    r4 = runs.ihi(np.array([[1.0, 2, 2, 3, 4, 1]]), np.zeros((1, 6), dtype=np.int8))
    assert not r4.trend.any()


def test_ihi_too_few_runs():
    signs = np.array([[1] * 10 + [-1] * 10])
    r = runs.ihi(np.zeros(signs.shape), signs)
    assert r.n_runs[0] == 2
    assert bool(r.runs_too_few[0]) and not bool(r.runs_too_many[0])
    alternating = np.array([[1, -1] * 10])
    r = runs.ihi(np.zeros(alternating.shape), alternating)
    assert bool(r.runs_too_many[0]) and not bool(r.runs_too_few[0])


def _nhs_one(y, *, mean=0.0, limit=3.0, improvement="neutral"):
    y = np.asarray([y], dtype=float)
    r = runs.nhs(y, mean, mean - limit, mean + limit, mean - 2, mean + 2, improvement=improvement)
    return list(r.special_cause_labels()[0]), list(r.point_type_labels()[0])


def test_nhs_seven_point_trend_is_improvement_when_increase_is_better():
    types, points = _nhs_one([-1.5, -1, -0.5, 0.1, 0.5, 1, 1.5, 0.2], improvement="increase")
    assert types[:7] == ["7 Point Trend (Increasing)"] * 7 and types[7] == "Common Cause"
    assert points[:7] == ["special_cause_improvement"] * 7


def test_nhs_two_of_three_beyond_two_sigma_marks_only_the_close_points():
    types, points = _nhs_one([0.5, 2.5, 1.0, 2.7, -1], improvement="decrease")
    assert types == [
        "Common Cause",
        "2 in 3 Above CL",
        "Common Cause",
        "2 in 3 Above CL",
        "Common Cause",
    ]
    assert points[1] == "special_cause_concern"


def test_nhs_point_on_the_mean_breaks_a_run_of_seven():
    types, _ = _nhs_one([1, 1.1, 0.9, 1, 1.2, 0, 1, 1.1, 0.9, 1.3, 1.2, 1.1])
    assert types.count("Common Cause") == 12
    types, points = _nhs_one([-1, -1.1, -0.9, -1, -1.2, -1, -1.3])
    assert types == ["7 Points Below CL"] * 7
    assert points == ["special_cause_neutral_low"] * 7


def test_nhs_outside_limits_wins():
    types, points = _nhs_one([0, 4, 0, -5], improvement="increase")
    assert types == ["Common Cause", "Above UCL", "Common Cause", "Below LCL"]
    assert points == [
        "common_cause",
        "special_cause_improvement",
        "common_cause",
        "special_cause_concern",
    ]


# --------------------------------------------------------------------------------------
# Vectorised rules = the plain restatements
# --------------------------------------------------------------------------------------

sign_rows = st.lists(
    st.lists(st.sampled_from([-1, 0, 1, 1, -1]), min_size=0, max_size=40), min_size=1, max_size=6
)


def _matrix(rows: list[list[int]]) -> np.ndarray:
    width = max(len(r) for r in rows)
    return np.array([r + [0] * (width - len(r)) for r in rows], dtype=np.int8).reshape(
        len(rows), width
    )


@settings(max_examples=150, deadline=None)
@given(sign_rows)
def test_vectorised_anhoej_equals_plain_counting(rows):
    signs = _matrix(rows)
    a = runs.anhoej(signs)
    for i, row in enumerate(signs.tolist()):
        n, longest, crossings = naive_anhoej(row)
        assert a.n_useful[i] == n
        if n:
            assert a.longest_run[i] == longest and a.crossings[i] == crossings
        else:
            assert np.isnan(a.longest_run[i]) and not a.signal[i]


@settings(max_examples=150, deadline=None)
@given(sign_rows, st.randoms(use_true_random=False))
def test_vectorised_ihi_equals_plain_rules(rows, rnd):
    signs = _matrix(rows)
    y = np.array([[float(rnd.randint(0, 4)) for _ in range(signs.shape[1])] for _ in rows])
    y = y.reshape(signs.shape)
    r = runs.ihi(y, signs)
    for i in range(signs.shape[0]):
        assert r.shift[i].tolist() == naive_shift(signs[i].tolist())
        assert r.trend[i].tolist() == naive_trend(y[i].tolist())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.integers(-4, 4), min_size=0, max_size=30), min_size=1, max_size=5),
    st.sampled_from(["increase", "decrease", "neutral"]),
)
def test_vectorised_nhs_equals_the_r_functions(rows, improvement):
    width = max(len(r) for r in rows)
    # Pad with a repeated in-range value so every row has the same width.
    y = np.array([r + [0] * (width - len(r)) for r in rows], dtype=float).reshape(len(rows), width)
    y = y / 2.0
    r = runs.nhs(y, 0.0, -1.6, 1.6, -0.8, 0.8, improvement=improvement)
    direction = runs.IMPROVEMENT_DIRECTIONS[improvement]
    for i in range(y.shape[0]):
        types, points = naive_nhs(y[i].tolist(), 0.0, -1.6, 1.6, -0.8, 0.8, direction)
        assert list(r.special_cause_labels()[i]) == types
        assert list(r.point_type_labels()[i]) == points


def test_large_n_runs_limits_agree_with_the_exact_integers():
    for n in (10, 11, 25, 60, 61, 150, 401, 998, 1000):
        assert runs._runs_limit_float(n // 2, n - n // 2) == runs.ihi_runs_limit(n)

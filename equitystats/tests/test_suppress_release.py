"""Suppression over a release: several tables that share cells, protected and audited together."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from equitystats import suppress
from equitystats.errors import InputError

# --------------------------------------------------------------------------------------
# An attacker written independently of the module: every cell is a variable, published ones
# pinned, suppressed ones bounded by what their labels say; every relation an equality and
# every pair an inequality.


def _bounds(values, hidden, primary, totals, pairs, threshold, zero_beside):
    beside = set()
    if zero_beside:
        beside = {int(a) for a, b in pairs if primary[a] and primary[b]}
    out = []
    for e, (v, h, p, t) in enumerate(zip(values, hidden, primary, totals, strict=True)):
        if not h:
            out.append((v, v))
        elif t:
            out.append((0 if e in beside else 1, None))
        elif p:
            out.append((0 if e in beside else 1, threshold))
        else:
            out.append((threshold + 1, None))
    return out


def ranges(values, hidden, primary, totals, relations, pairs, threshold, zero_beside=True):
    """(min, max) of every hidden cell, by scipy's linprog."""
    n = len(values)
    a_eq = np.zeros((len(relations), n))
    for r, rel in enumerate(relations):
        a_eq[r, rel[:-1]] = 1.0
        a_eq[r, rel[-1]] = -1.0
    a_ub = np.zeros((len(pairs), n))
    for r, (a, b) in enumerate(pairs):
        a_ub[r, a], a_ub[r, b] = 1.0, -1.0
    kw = {
        "A_eq": a_eq if len(relations) else None,
        "b_eq": np.zeros(len(relations)) if len(relations) else None,
        "A_ub": a_ub if len(pairs) else None,
        "b_ub": np.zeros(len(pairs)) if len(pairs) else None,
        "bounds": _bounds(values, hidden, primary, totals, pairs, threshold, zero_beside),
        "method": "highs",
    }
    out = {}
    for e in np.flatnonzero(hidden):
        c = np.zeros(n)
        c[e] = 1.0
        low = linprog(c, **kw)
        high = linprog(-c, **kw)
        assert low.status == 0, low.message
        out[int(e)] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return out


def assert_release_protected(truth: np.ndarray, r: suppress.SuppressedRelease) -> None:
    """Every suppressed cell ranges over at least ``threshold`` whole numbers (max − min ≥
    threshold − 1), or as widely as hiding every non-zero cell would let it."""
    rel = [np.asarray(x) for x in r.relations]
    shown = np.where(r.mask, 0.0, truth)
    got = ranges(shown, r.mask, r.primary, r.totals, rel, r.pairs, r.threshold, r.zero_beside)
    widest = None
    need = max(r.threshold - 1, 1)
    for e, (lo, hi) in got.items():
        if hi - lo >= need - 1e-6:
            continue
        if widest is None:
            everything = r.primary | (truth > 0)
            hidden = np.where(everything, 0.0, truth)
            widest = ranges(
                hidden, everything, r.primary, r.totals, rel, r.pairs, r.threshold, r.zero_beside
            )
        w_lo, w_hi = widest[e]
        assert hi - lo >= w_hi - w_lo - 1e-6, f"cell {e} ({truth[e]:g}) narrowed to [{lo}, {hi}]"


# --------------------------------------------------------------------------------------
# the findings of issue 13, reproduced on the library


def test_an_overlapping_stratifier_no_longer_gives_a_small_cell_away():
    # race (3 groups) and ethnicity (2 groups) of the same 30 patients, one period; cells:
    # 0 total numerator, 1 total denominator, race num 2-4, race den 5-7, eth num 8-9, eth den 10-11
    values = np.array([12, 30, 1, 11, 0, 15, 15, 0, 12, 0, 27, 3], dtype=float)
    relations = [[2, 3, 4, 0], [5, 6, 7, 1], [8, 9, 0], [10, 11, 1]]
    pairs = [(0, 1), (2, 5), (3, 6), (4, 7), (8, 10), (9, 11)]
    totals = np.zeros(12, dtype=bool)
    totals[[0, 1]] = True
    # before: each stratifier protected on its own (what the dashboards did)
    race = suppress.suppress_counts([[1, 11, 0]], [[15, 15, 0]], suppress_denominators=True)
    eth = suppress.suppress_counts([[12, 0]], [[27, 3]], suppress_denominators=True)
    hidden = np.concatenate(
        [
            [race.numerators.row_totals_mask[0] or eth.numerators.row_totals_mask[0]] * 2,
            race.numerators.mask[0],
            race.denominators.mask[0],
            eth.numerators.mask[0],
            eth.denominators.mask[0],
        ]
    )
    primary = (values >= 1) & (values <= 10)
    shown = np.where(hidden, 0.0, values)
    before = ranges(shown, hidden, primary, totals, relations, pairs, 10, zero_beside=False)
    assert before[2] == (1.0, 1.0), "the race cell of 1 was recoverable from the ethnicity table"
    after = suppress.suppress_release(values, relations=relations, totals=totals, pairs=pairs)
    assert after.mask[2]
    assert_release_protected(values, after)


def test_two_measures_of_one_population_are_protected_together():
    # numerators A and B over the same denominators: cells 0-1 A, 2-3 B, 4-5 the denominators
    # (one cell each, shared), 6-8 the totals of A, B and the denominators
    values = np.array([10, 12, 3, 1, 30, 12, 22, 4, 42], dtype=float)
    relations = [[0, 1, 6], [2, 3, 7], [4, 5, 8]]
    pairs = [(0, 4), (1, 5), (2, 4), (3, 5), (6, 8), (7, 8)]
    a = suppress.suppress_counts([[10, 12]], [[30, 12]], suppress_denominators=True)
    b = suppress.suppress_counts([[3, 1]], [[30, 12]], suppress_denominators=True)
    # before: measure A alone hid its 12 out of 12 and its denominator; B published that 12
    assert a.numerators.mask[0].tolist() == [True, True] and a.denominators.mask[0, 1]
    assert not b.denominators.mask.any()
    after = suppress.suppress_release(values, relations=relations, pairs=pairs)
    assert after.mask[[0, 2, 3]].all()
    assert_release_protected(values, after)


def test_a_zero_beside_a_small_denominator_is_hidden_when_asked():
    values = np.array([0, 20, 3, 40, 20, 43], dtype=float)  # nums 0, 20; dens 3, 40; totals
    relations = [[0, 1, 4], [2, 3, 5]]
    pairs = [(0, 2), (1, 3), (4, 5)]
    on = suppress.suppress_release(values, relations=relations, pairs=pairs)
    assert on.primary[0] and on.mask[0]
    assert on.labels()[0] == "suppressed (fewer than 11)"
    assert_release_protected(values, on)
    off = suppress.suppress_release(values, relations=relations, pairs=pairs, zero_beside=False)
    assert not off.mask[0] and off.mask[2]


def test_a_period_total_links_the_periods():
    # one group's counts in two periods and their sum, published as a total over periods
    values = np.array([4, 30, 34, 50, 60, 110, 54, 90, 144], dtype=float)
    relations = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8]]
    r = suppress.suppress_release(values, relations=relations)
    assert r.mask[0] and r.mask.sum() >= 4
    assert_release_protected(values, r)


def test_feasible_ranges_of_a_release_match_the_independent_attack():
    values = np.array([5, 40, 60, 105, 5, 100], dtype=float)
    relations = [[0, 1, 2, 3], [4, 5, 3]]
    r = suppress.suppress_release(values, relations=relations)
    low, high = suppress.feasible_ranges(r)
    rel = [np.asarray(x) for x in r.relations]
    shown = np.where(r.mask, 0.0, values)
    got = ranges(shown, r.mask, r.primary, r.totals, rel, r.pairs, 10)
    for e, (lo, hi) in got.items():
        assert (low[e], high[e]) == pytest.approx((lo, hi))
    assert (low[~r.mask] == values[~r.mask]).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1, 2], "relations": [[0, 1]]}, r"total \(cell 2\) is 2"),
        ({"values": [1, -2, 3], "relations": []}, "-2 is negative"),
        ({"values": [1, 2, 3], "relations": [[0, 7]]}, "relation 1"),
        ({"values": [5, 2], "relations": [], "pairs": [(0, 1)]}, "above its denominator"),
        ({"values": [[1, 2]], "relations": []}, "one-dimensional"),
    ],
)
def test_bad_releases_are_input_errors(kwargs, message):
    with pytest.raises(InputError, match=message):
        suppress.suppress_release(**kwargs)


# --------------------------------------------------------------------------------------
# random releases: a stratifier and an overlapping re-partition of the same people


@st.composite
def releases(draw):
    """One period: numerators and denominators of k groups of a stratifier and of a second
    stratifier splitting the same people in two, sharing the total."""
    k = draw(st.integers(2, 4))
    dens = draw(st.lists(st.sampled_from([0, 1, 2, 4, 7, 12, 15, 25, 60]), min_size=k, max_size=k))
    nums = [draw(st.integers(0, d)) for d in dens]
    total_d, total_n = sum(dens), sum(nums)
    split_d = draw(st.integers(0, total_d))
    split_n = draw(st.integers(max(0, total_n - (total_d - split_d)), min(split_d, total_n)))
    values = [total_n, total_d, *nums, *dens, split_n, total_n - split_n]
    values += [split_d, total_d - split_d]
    n0, d0, e0 = 2, 2 + k, 2 + 2 * k
    relations = [
        [*range(n0, n0 + k), 0],
        [*range(d0, d0 + k), 1],
        [e0, e0 + 1, 0],
        [e0 + 2, e0 + 3, 1],
    ]
    pairs = [(0, 1), *((n0 + j, d0 + j) for j in range(k)), (e0, e0 + 2), (e0 + 1, e0 + 3)]
    return np.array(values, dtype=float), relations, pairs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases(), st.booleans())
def test_random_overlapping_releases_leave_every_hidden_cell_wide(release, zero_beside):
    values, relations, pairs = release
    r = suppress.suppress_release(values, relations=relations, pairs=pairs, zero_beside=zero_beside)
    small = (values >= 1) & (values <= 10)
    assert r.mask[small].all()
    assert (r.values[~r.mask] == values[~r.mask]).all()
    assert_release_protected(values, r)

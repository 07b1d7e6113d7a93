"""Small-cell suppression: primary cells, complementary cells and the LP attack."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from equitystats import suppress
from equitystats.cli import main
from equitystats.errors import InputError

# --------------------------------------------------------------------------------------
# An attacker written independently of the module: every entry of the augmented table
# (cells, row totals, column totals, grand total) is a variable; published entries are
# pinned by their bounds, suppressed ones get what their labels say (primary: 1..threshold,
# or 0..threshold with zeros suppressed; complementary: threshold+1 or more).


def _published_system(t: suppress.SuppressedTable):
    m, n = t.values.shape
    rows = t.row_totals is not None
    cols = t.column_totals is not None
    value = np.zeros((m + 1, n + 1))
    hidden = np.zeros((m + 1, n + 1), dtype=bool)
    primary = np.zeros((m + 1, n + 1), dtype=bool)
    present = np.zeros((m + 1, n + 1), dtype=bool)
    value[:m, :n], hidden[:m, :n], primary[:m, :n] = t.values, t.mask, t.primary
    present[:m, :n] = True
    if rows:
        value[:m, n], hidden[:m, n], primary[:m, n] = (
            t.row_totals,
            t.row_totals_mask,
            t.row_totals_primary,
        )
        present[:m, n] = True
    if cols:
        value[m, :n], hidden[m, :n], primary[m, :n] = (
            t.column_totals,
            t.column_totals_mask,
            t.column_totals_primary,
        )
        present[m, :n] = True
    if rows and cols:
        value[m, n], hidden[m, n], primary[m, n] = (
            t.grand_total,
            t.grand_total_mask,
            t.grand_total_primary,
        )
        present[m, n] = True
    idx = np.arange((m + 1) * (n + 1)).reshape(m + 1, n + 1)
    eqs = []
    if rows:
        eqs += [(idx[i, :n], idx[i, n]) for i in range(m)]
    if cols:
        eqs += [(idx[:m, j], idx[m, j]) for j in range(n)]
    if rows and cols:
        eqs += [(idx[m, :n], idx[m, n]), (idx[:m, n], idx[m, n])]
    a_eq = np.zeros((len(eqs), idx.size))
    for r, (parts, total) in enumerate(eqs):
        a_eq[r, parts] = 1.0
        a_eq[r, total] = -1.0
    low = 0.0 if t.suppress_zero else 1.0
    total = np.zeros((m + 1, n + 1), dtype=bool)
    total[:, n] = total[m, :] = True
    bounds = []
    for v, h, p, here, tot in zip(
        value.ravel(), hidden.ravel(), primary.ravel(), present.ravel(), total.ravel(), strict=True
    ):
        if not here:
            bounds.append((0, None))
        elif not h:
            bounds.append((v, v))
        elif tot:  # a suppressed total is labelled just "suppressed"
            bounds.append((low, None))
        elif p:
            bounds.append((low, t.threshold))
        else:
            bounds.append((t.threshold + 1, None))
    return hidden.ravel() & present.ravel(), a_eq, bounds


def attack(t: suppress.SuppressedTable) -> dict[int, tuple[float, float]]:
    """(min, max) of every suppressed entry (flat index into the augmented table)."""
    hidden, a_eq, bounds = _published_system(t)
    out = {}
    b_eq = np.zeros(a_eq.shape[0]) if a_eq.shape[0] else None
    a = a_eq if a_eq.shape[0] else None
    for e in np.flatnonzero(hidden):
        c = np.zeros(hidden.size)
        c[e] = 1.0
        lo = linprog(c, A_eq=a, b_eq=b_eq, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b_eq, bounds=bounds, method="highs")
        assert lo.status == 0, lo.message
        out[int(e)] = (lo.fun, math.inf if hi.status == 3 else -hi.fun)
    return out


def assert_protected(t: suppress.SuppressedTable) -> None:
    for e, (lo, hi) in attack(t).items():
        assert hi - lo >= 1 - 1e-6, f"entry {e} can be recovered: range [{lo}, {hi}]"


# --------------------------------------------------------------------------------------
# primary suppression


def test_counts_of_one_to_ten_are_suppressed_and_zero_and_eleven_are_not():
    t = suppress.suppress_table([[0, 1, 10, 11, 200]], margins=False)
    assert t.primary.tolist() == [[False, True, True, False, False]]
    assert t.mask.tolist() == [[False, True, True, False, False]]
    assert np.isnan(t.values[0, 1:3]).all()
    assert t.values[0, [0, 3, 4]].tolist() == [0, 11, 200]
    assert t.row_totals is None and t.column_totals is None and t.grand_total is None


def test_zero_is_suppressed_when_asked():
    t = suppress.suppress_table([[0, 12, 30]], suppress_zero=True, margins=False)
    assert t.primary.tolist() == [[True, False, False]]


def test_threshold_is_configurable_and_sets_the_label():
    t = suppress.suppress_table([[5, 6, 40]], threshold=5, margins=False)
    assert t.primary.tolist() == [[True, False, False]]
    assert suppress.label(5) == "suppressed (fewer than 6)"
    assert suppress.label() == "suppressed (fewer than 11)"
    assert t.labels().tolist() == [["suppressed (fewer than 6)", "6", "40"]]


def test_complementary_cells_are_labelled_as_protecting_another_cell():
    t = suppress.suppress_table([[5, 40, 60], [30, 45, 70], [20, 33, 80]])
    labels = t.labels()
    assert labels[0, 0] == "suppressed (fewer than 11)"
    assert (labels[t.complementary] == "suppressed (to protect a small cell)").all()


def test_threshold_of_one_with_zeros_published_is_refused():
    with pytest.raises(InputError, match="threshold of 1"):
        suppress.suppress_table([[1, 20]], threshold=1)
    suppress.suppress_table([[1, 20]], threshold=1, suppress_zero=True)


@pytest.mark.parametrize(
    ("table", "message"),
    [([[1, -2]], "is negative"), ([[1.5, 2]], "whole number"), ([1, 2], "two-dimensional")],
)
def test_bad_counts_raise_located_input_errors(table, message):
    with pytest.raises(InputError, match=message) as err:
        suppress.suppress_table(table)
    if "dimensional" not in message:
        assert err.value.row == 1


# --------------------------------------------------------------------------------------
# complementary suppression


def test_a_lone_small_cell_gets_a_complement_in_its_row_and_its_column():
    table = np.array([[5, 40, 60], [30, 45, 70], [20, 33, 80]])
    t = suppress.suppress_table(table)
    assert t.primary.sum() == 1 and t.primary[0, 0]
    # row 0: smallest other is 40; column 0: smallest other is 20; and 33 closes the cycle
    assert t.mask.tolist() == [[True, True, False], [False, False, False], [True, True, False]]
    assert t.row_totals.tolist() == [105, 145, 133]
    assert t.column_totals.tolist() == [55, 118, 210]
    assert t.grand_total == 383
    assert_protected(t)


def test_a_total_that_would_reveal_its_only_cell_is_suppressed():
    # one column: each row total *is* the cell
    t = suppress.suppress_table([[5], [30], [12]])
    assert t.mask[:, 0].tolist() == [True, False, True]
    assert t.row_totals_mask.tolist() == [True, False, True]
    assert t.column_totals.tolist() == [47] and t.grand_total == 47
    assert_protected(t)


def test_a_row_of_zeros_beside_a_small_cell_does_not_reveal_it():
    # row total 5 is itself a small count; zeros cannot serve as complements
    t = suppress.suppress_table([[5, 0, 0], [30, 45, 70]])
    assert t.row_totals_primary.tolist() == [True, False]
    assert t.values[0, 1:].tolist() == [0, 0]
    assert_protected(t)


def test_the_lp_attack_recovers_a_bridge_cell_that_line_counting_misses():
    # Two suppression cycles joined by one cell: every line has ≥ 2 suppressed entries, yet
    # the bridge (row 0, column 2) equals (row 0 + row 1 hidden sums) − (column 0 + 1 sums).
    values = np.array(
        [[5, 40, 50, 60], [30, 6, 70, 80], [90, 95, 7, 45], [55, 65, 35, 8]], dtype=float
    )
    mask = np.zeros((4, 4), dtype=bool)
    mask[[0, 0, 1, 1, 0, 2, 2, 3, 3], [0, 1, 0, 1, 2, 2, 3, 2, 3]] = True
    primary = (values >= 1) & (values <= 10)
    rt, ct = values.sum(axis=1), values.sum(axis=0)
    naive = suppress.SuppressedTable(
        values=np.where(mask, np.nan, values),
        mask=mask,
        primary=primary,
        row_totals=rt,
        column_totals=ct,
        grand_total=float(values.sum()),
        row_totals_mask=np.zeros(4, dtype=bool),
        column_totals_mask=np.zeros(4, dtype=bool),
        grand_total_mask=False,
        row_totals_primary=np.zeros(4, dtype=bool),
        column_totals_primary=np.zeros(4, dtype=bool),
        grand_total_primary=False,
        threshold=10,
        suppress_zero=False,
    )
    assert ((mask.sum(axis=0) != 1) & (mask.sum(axis=1) != 1)).all()
    low, high = suppress.feasible_ranges(naive)
    assert low[0, 2] == high[0, 2] == 50
    assert_protected(suppress.suppress_table(values))


def test_feasible_ranges_match_the_independent_attack():
    t = suppress.suppress_table([[5, 40, 60], [30, 45, 70], [20, 3, 80]])
    low, high = suppress.feasible_ranges(t)
    ranges = attack(t)
    for i, j in np.argwhere(t.mask):
        assert ranges[int(i * 4 + j)] == pytest.approx((low[i, j], high[i, j]), rel=1e-6)
    assert (low[~t.mask] == t.values[~t.mask]).all()


def test_the_input_is_not_modified():
    table = np.array([[5, 40], [30, 45]])
    before = table.copy()
    suppress.suppress_table(table)
    assert (table == before).all()


# --------------------------------------------------------------------------------------
# properties


@st.composite
def count_tables(draw):
    m = draw(st.integers(1, 6))
    n = draw(st.integers(1, 6))
    cells = st.one_of(st.integers(0, 12), st.integers(0, 200))
    flat = draw(st.lists(cells, min_size=m * n, max_size=m * n))
    return np.array(flat, dtype=float).reshape(m, n)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables(), st.booleans())
def test_suppression_never_leaves_a_recoverable_cell(table, suppress_zero):
    t = suppress.suppress_table(table, suppress_zero=suppress_zero)
    small = (table >= 1) & (table <= 10)
    if suppress_zero:
        small |= table == 0
    assert (t.primary == small).all()
    assert t.mask[small].all()
    assert (t.values[~t.mask] == table[~t.mask]).all()
    shown = ~t.row_totals_mask
    assert (t.row_totals[shown] == table.sum(axis=1)[shown]).all()
    shown = ~t.column_totals_mask
    assert (t.column_totals[shown] == table.sum(axis=0)[shown]).all()
    assert_protected(t)


def _signature(table: np.ndarray, mask: np.ndarray) -> list:
    return sorted((tuple(r), tuple(k)) for r, k in zip(table.tolist(), mask.tolist(), strict=True))


@settings(max_examples=30, deadline=None)
@given(count_tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_which_cells_are_suppressed(table, rnd):
    order = list(range(table.shape[0]))
    rnd.shuffle(order)
    a = suppress.suppress_table(table)
    b = suppress.suppress_table(table[order])
    assert _signature(table, a.mask) == _signature(table[order], b.mask)


# --------------------------------------------------------------------------------------
# rate tables


def test_rates_are_hidden_with_their_numerators_and_denominators_stay_published():
    num = np.array([[3, 50, 40], [20, 30, 40]])
    den = np.array([[100, 200, 150], [100, 100, 100]])
    r = suppress.suppress_counts(num, den, multiplier=100)
    assert r.numerators.primary.tolist() == [[True, False, False], [False, False, False]]
    assert r.numerators.mask[0].sum() >= 2  # a complement in the same period
    assert (np.isnan(r.rates) == r.numerators.mask).all()
    assert not r.denominators.mask.any()
    assert (r.denominators.values == den).all()
    assert r.numerators.row_totals.tolist() == [93, 90]
    assert r.overall_rates == pytest.approx([93 / 450 * 100, 90 / 300 * 100])
    assert r.numerators.column_totals is None
    assert r.rates[1].tolist() == pytest.approx([20, 30, 40])


def _rate_attack(r: suppress.SuppressedRates) -> None:
    """Independent joint LP over numerators and denominators (cells and per-period overall):
    each period's cells add up to its overall, numerator ≤ denominator, label bounds."""
    num, den = r.numerators, r.denominators
    m, n = num.values.shape
    thr = num.threshold
    low = 0.0 if num.suppress_zero else 1.0

    def block(t, counts):
        vals = np.column_stack([t.values, t.row_totals]).ravel()
        hid = np.column_stack([t.mask, t.row_totals_mask]).ravel()
        prim = np.column_stack([t.primary, t.row_totals_primary]).ravel()
        tot = np.zeros((m, n + 1), dtype=bool)
        tot[:, n] = True
        bounds = []
        for v, h, p, is_total in zip(vals, hid, prim, tot.ravel(), strict=True):
            if not h:
                bounds.append((v, v))
            elif not counts:
                bounds.append((0, None))
            elif is_total:
                bounds.append((low, None))
            elif p:
                bounds.append((low, thr))
            else:
                bounds.append((thr + 1 if counts else 0, None))
        return hid, bounds

    h_num, b_num = block(num, True)
    h_den, b_den = block(den, r.suppress_denominators)
    hidden = np.concatenate([h_num, h_den])
    bounds = b_num + b_den
    size = m * (n + 1)
    a_eq = np.zeros((2 * m, 2 * size))
    for i in range(m):
        for off in (0, size):
            a_eq[2 * i + (off > 0), off + i * (n + 1) : off + i * (n + 1) + n] = 1
            a_eq[2 * i + (off > 0), off + i * (n + 1) + n] = -1
    a_ub = np.hstack([np.eye(size), -np.eye(size)])
    for e in np.flatnonzero(hidden):
        c = np.zeros(2 * size)
        c[e] = 1
        kw = {"A_eq": a_eq, "b_eq": np.zeros(2 * m), "A_ub": a_ub, "b_ub": np.zeros(size)}
        lo = linprog(c, bounds=bounds, **kw)
        hi = linprog(-c, bounds=bounds, **kw)
        assert lo.status == 0, lo.message
        top = math.inf if hi.status == 3 else -hi.fun
        assert top - lo.fun >= 1 - 1e-6, f"entry {e} can be recovered: [{lo.fun}, {top}]"


def test_a_complement_its_denominator_would_reveal_is_passed_over():
    # 11 events out of 11: as a complement it would be pinned (11 ≤ x ≤ 11) and expose the 5
    num = np.array([[5, 11, 40, 300]])
    den = np.array([[50, 11, 400, 900]])
    r = suppress.suppress_counts(num, den)
    assert r.numerators.mask.tolist() == [[True, False, True, False]]
    _rate_attack(r)


def test_one_event_out_of_one_hides_the_denominator_too():
    # with the denominator published, 1 ≤ x ≤ 1 gives the numerator away
    num = np.array([[1, 30, 40, 50]])
    den = np.array([[1, 300, 400, 500]])
    r = suppress.suppress_counts(num, den)
    assert r.numerators.mask[0, 0] and r.denominators.mask[0, 0]
    assert r.denominators.mask[0].sum() >= 2  # and the denominator has its own complement
    assert r.denominators.row_totals[0] == 1201
    assert np.isnan(r.rates[0, 0])
    _rate_attack(r)


def test_small_denominators_are_suppressed_when_asked():
    num = np.array([[2, 30, 40], [0, 35, 41]])
    den = np.array([[8, 300, 400], [9, 310, 420]])
    r = suppress.suppress_counts(num, den, suppress_denominators=True)
    assert r.denominators.primary[:, 0].all()
    assert r.denominators.mask.sum(axis=1).tolist() == [2, 2]
    assert np.isnan(r.rates[:, 0]).all()
    _rate_attack(r)
    published = suppress.suppress_counts(num, den)
    assert not published.denominators.mask.any()


def test_numerator_above_denominator_is_an_input_error():
    with pytest.raises(InputError, match="above its denominator") as err:
        suppress.suppress_counts([[5, 30], [12, 9]], [[10, 40], [20, 8]])
    assert err.value.row == 2


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda m: st.integers(1, 5).flatmap(
            lambda n: st.tuples(
                st.lists(st.integers(0, 60), min_size=m * n, max_size=m * n),
                st.lists(st.integers(0, 40), min_size=m * n, max_size=m * n),
                st.just((m, n)),
            )
        )
    ),
    st.booleans(),
)
def test_rate_tables_never_leave_a_recoverable_count(data, counts):
    nums, extra, shape = data
    num = np.array(nums, dtype=float).reshape(shape)
    den = num + np.array(extra, dtype=float).reshape(shape)
    r = suppress.suppress_counts(num, den, suppress_denominators=counts)
    small = (num >= 1) & (num <= 10)
    assert r.numerators.primary[small].all()
    assert r.numerators.mask[small].all()
    assert (r.numerators.values[~r.numerators.mask] == num[~r.numerators.mask]).all()
    _rate_attack(r)


# --------------------------------------------------------------------------------------
# command line


def _csv(tmp_path, text):
    path = tmp_path / "visits.csv"
    path.write_text(text)
    return path


def test_cli_writes_the_long_form_table_with_totals(tmp_path, capsys):
    path = _csv(
        tmp_path,
        "group,period,n\nA,2023,5\nA,2024,40\nB,2023,30\nB,2024,45\nC,2023,20\nC,2024,3\n",
    )
    code = main(["suppress", str(path), "--row", "group", "--column", "period", "--value", "n"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["group", "period", "n", "suppressed", "reason", "display"]
    body = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert body[("A", "2023")] == ["", "true", "primary", "suppressed (fewer than 11)"]
    assert body[("C", "2024")][:3] == ["", "true", "primary"]
    assert body[("B", "2024")] == ["45", "false", "", "45"]
    assert body[("Total", "Total")] == ["143", "false", "", "143"]
    assert body[("A", "Total")] == ["45", "false", "", "45"]
    complementary = [k for k, v in body.items() if v[2] == "complementary"]
    assert complementary and all(
        body[k][3] == "suppressed (to protect a small cell)" for k in complementary
    )
    assert [r[:2] for r in rows[1:4]] == [["A", "2023"], ["A", "2024"], ["A", "Total"]]


def test_cli_counts_missing_combinations_as_zero_and_can_skip_margins(tmp_path, capsys):
    path = _csv(tmp_path, "g,p,n\nA,1,5\nB,2,40\nA,2,12\n")
    code = main(
        ["suppress", str(path), "--row", "g", "--column", "p", "--value", "n", "--no-margins"]
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert code == 0
    assert rows[1:] == [
        ["A", "1", "", "true", "primary", "suppressed (fewer than 11)"],
        ["A", "2", "12", "false", "", "12"],
        ["B", "1", "0", "false", "", "0"],
        ["B", "2", "40", "false", "", "40"],
    ]


def test_cli_threshold_and_suppress_zero(tmp_path, capsys):
    path = _csv(tmp_path, "g,p,n\nA,1,0\nA,2,6\nB,1,40\nB,2,50\n")
    main(
        [
            "suppress",
            str(path),
            "--row",
            "g",
            "--column",
            "p",
            "--value",
            "n",
            "--threshold",
            "5",
            "--suppress-zero",
            "--no-margins",
        ]
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[1] == ["A", "1", "", "true", "primary", "suppressed (fewer than 6)"]
    assert rows[2][2] == "6"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("g,p,n\nA,1,5\nA,1,7\n", 'row 2, column "p"'),
        ("g,p,n\nA,1,5\nA,2,2.5\n", 'row 2, column "n"'),
        ("g,p,n\nA,1,5\nA,2,-4\n", 'row 2, column "n"'),
    ],
)
def test_cli_bad_cells_are_one_line_with_file_row_and_column(tmp_path, capsys, text, where):
    path = _csv(tmp_path, text)
    code = main(["suppress", str(path), "--row", "g", "--column", "p", "--value", "n"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"equitystats suppress: {path}, {where}: ") and err.count("\n") == 1


def test_cli_refuses_a_threshold_of_one_with_zeros_published(tmp_path, capsys):
    path = _csv(tmp_path, "g,p,n\nA,1,1\nA,2,20\n")
    code = main(
        ["suppress", str(path), "--row", "g", "--column", "p", "--value", "n", "--threshold", "1"]
    )
    assert code == 2 and "threshold of 1" in capsys.readouterr().err


def test_the_audit_prints_nothing(capfd):
    """The CLI writes CSV to standard output: HiGHS must not add its banner or a log there
    (``highspy.Highs()`` prints one from C++ when constructed; suppress.py uses its base class)."""
    suppress.suppress_counts([[3, 40], [25, 30]], [[50, 60], [70, 80]])
    out, err = capfd.readouterr()
    assert out == "" and err == ""

"""Stratified rates: intervals against published values, aggregation invariants, validation."""

from __future__ import annotations

import csv

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from equitystats import stratify
from equitystats.errors import InputError

REL = 1e-6

# ------------------------------------------------------------------ intervals


# Newcombe RG (1998), Stat Med 17:857-872, Table II, method 3 (Wilson score), 4 decimals.
NEWCOMBE_WILSON = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "low", "high"), NEWCOMBE_WILSON)
def test_wilson_interval_matches_newcombe_1998_table(x, n, low, high):
    interval = stratify.wilson_interval(x, n)
    assert round(interval.low, 4) == pytest.approx(low, abs=1e-12)
    assert round(interval.high, 4) == pytest.approx(high, abs=1e-12)


def test_wilson_interval_matches_scipy_independently():
    x = np.array([0, 1, 5, 81, 99, 100, 7])
    n = np.array([20, 29, 5, 263, 100, 100, 1000])
    ours = stratify.wilson_interval(x, n)
    for xi, ni, lo, hi in zip(x, n, ours.low, ours.high, strict=True):
        ref = stats.binomtest(int(xi), int(ni)).proportion_ci(0.95, method="wilson")
        assert lo == pytest.approx(ref.low, rel=REL, abs=1e-12)
        assert hi == pytest.approx(ref.high, rel=REL, abs=1e-12)


def test_wilson_interval_at_other_confidence_levels_matches_scipy():
    ours = stratify.wilson_interval(30, 90, conf=0.9)
    ref = stats.binomtest(30, 90).proportion_ci(0.9, method="wilson")
    assert (ours.low, ours.high) == pytest.approx((ref.low, ref.high), rel=REL)


def test_wilson_interval_of_an_empty_denominator_is_nan():
    interval = stratify.wilson_interval([0, 3], [0, 10])
    assert np.isnan(interval.estimate[0]) and np.isnan(interval.low[0])
    assert interval.estimate[1] == pytest.approx(0.3)


@pytest.mark.parametrize(("x", "n"), [(5, 3), (-1, 3), (1, -2), (np.nan, 3)])
def test_wilson_interval_rejects_impossible_counts(x, n):
    with pytest.raises(InputError):
        stratify.wilson_interval(x, n)


def test_poisson_interval_matches_the_chi_square_form_of_garwood():
    x = np.array([0, 1, 4, 10, 250])
    t = np.array([1.0, 2.5, 1000.0, 1.0, 12345.6])
    ours = stratify.poisson_interval(x, t)
    lower = np.where(x > 0, stats.chi2.ppf(0.025, 2 * np.maximum(x, 1)) / 2, 0.0) / t
    upper = stats.chi2.ppf(0.975, 2 * x + 2) / 2 / t
    np.testing.assert_allclose(ours.low, lower, rtol=REL)
    np.testing.assert_allclose(ours.high, upper, rtol=REL)


def test_poisson_interval_matches_textbook_values():
    # Exact 95 % limits for 10 events: 4.795 to 18.390; for 0 events the upper is -ln(0.025).
    ten = stratify.poisson_interval(10, 1)
    assert (round(ten.low, 3), round(ten.high, 3)) == (4.795, 18.390)
    zero = stratify.poisson_interval(0, 100)
    assert zero.low == 0
    assert zero.high == pytest.approx(-np.log(0.025) / 100, rel=REL)


def test_poisson_interval_agrees_with_the_gamma_form():
    # Equivalent statement (e.g. Ulm 1990): lower = Gamma(x).ppf(a/2), upper = Gamma(x+1).ppf(1-a/2)
    ours = stratify.poisson_interval(7, 1, conf=0.9)
    assert ours.low == pytest.approx(stats.gamma.ppf(0.05, 7), rel=REL)
    assert ours.high == pytest.approx(stats.gamma.ppf(0.95, 8), rel=REL)


# ------------------------------------------------------------------ from_counts


COUNTS = {
    "month": ["2024-01", "2024-01", "2024-01", "2024-02", "2024-02", "2024-02"],
    "race": ["black", "white", "", "black", "white", "declined"],
    "lang": ["en", "es", "en", "en", "en", "es"],
    "x": [10, 40, 3, 12, 45, 1],
    "n": [30, 60, 5, 31, 62, 4],
}


def as_dict(result):
    return {
        (str(p), s, g): (x, n)
        for p, s, g, x, n in zip(
            result.period,
            result.stratifier,
            result.group,
            result.numerator,
            result.denominator,
            strict=True,
        )
    }


def test_counts_give_overall_and_per_group_rates_with_intervals():
    result = stratify.from_counts(
        COUNTS, period="month", strata=["race"], numerator="x", denominator="n"
    )
    rows = result.to_rows()
    assert [(r["period"], r["stratifier"], r["group"]) for r in rows[:4]] == [
        ("2024-01", "overall", "all"),
        ("2024-01", "race", "black"),
        ("2024-01", "race", "white"),
        ("2024-01", "race", "missing"),
    ]
    overall = rows[0]
    assert (overall["numerator"], overall["denominator"]) == (53, 95)
    assert overall["rate"] == pytest.approx(53 / 95, rel=REL)
    assert overall["se"] == pytest.approx(np.sqrt(53 / 95 * 42 / 95 / 95), rel=REL)
    ref = stats.binomtest(53, 95).proportion_ci(method="wilson")
    assert (overall["ci_low"], overall["ci_high"]) == pytest.approx((ref.low, ref.high), rel=REL)


def test_missing_categories_come_last_and_are_kept_apart():
    result = stratify.from_counts(
        COUNTS, period="month", strata="race", numerator="x", denominator="n"
    )
    feb = result.select(stratifier="race", period="2024-02")
    assert list(feb.group) == ["black", "white", "declined"]


def test_intersections_have_combined_group_labels_and_add_up():
    result = stratify.from_counts(
        COUNTS,
        period="month",
        strata=["race", "lang"],
        numerator="x",
        denominator="n",
        intersections=["race*lang"],
    )
    table = as_dict(result)
    assert table[("2024-01", "race*lang", "missing*en")] == (3, 5)
    assert table[("2024-02", "race*lang", "declined*es")] == (1, 4)
    assert result.stratifiers == ("overall", "race", "lang", "race*lang")
    assert_sums_match_overall(result)


def test_arrays_can_be_passed_without_a_table():
    result = stratify.from_counts(
        period=[1, 1, 2],
        strata={"sex": ["f", "m", "f"]},
        numerator=[1, 2, 3],
        denominator=[4, 4, 4],
    )
    assert as_dict(result)[("1", "overall", "all")] == (3, 8)
    assert result.period.dtype.kind == "i"


def test_integer_periods_sort_numerically_even_from_text():
    result = stratify.from_counts(
        {"p": ["10", "9", "2"], "x": ["1", "1", "1"], "n": ["2", "2", "2"]},
        period="p",
        numerator="x",
        denominator="n",
    )
    assert list(result.period) == [2, 9, 10]


def test_zero_denominator_gives_nan_rate_not_an_error():
    result = stratify.from_counts(
        {"p": [1, 1], "g": ["a", "b"], "x": [0, 1], "n": [0, 2]},
        period="p",
        strata="g",
        numerator="x",
        denominator="n",
    )
    a = result.select(stratifier="g").rate
    assert np.isnan(a[0]) and a[1] == 0.5


def test_rates_per_person_time_use_exact_poisson_limits():
    result = stratify.from_counts(
        {"q": ["Q1", "Q1"], "unit": ["a", "b"], "falls": [3, 0], "days": [1200.5, 800.0]},
        period="q",
        strata="unit",
        numerator="falls",
        denominator="days",
        kind="rate",
    )
    row = result.select(stratifier="unit").to_rows()[0]
    assert row["rate"] == pytest.approx(3 / 1200.5, rel=REL)
    assert row["se"] == pytest.approx(np.sqrt(3) / 1200.5, rel=REL)
    assert row["ci_high"] == pytest.approx(stats.chi2.ppf(0.975, 8) / 2 / 1200.5, rel=REL)


def test_more_events_than_person_time_is_fine_for_rates():
    result = stratify.from_counts(
        period=[1], strata={}, numerator=[5], denominator=[2.5], kind="rate"
    )
    assert result.rate[0] == 2.0


def test_result_arrays_are_read_only_and_input_is_untouched():
    x = np.array([1, 2])
    result = stratify.from_counts(
        period=[1, 1], strata={"g": ["a", "b"]}, numerator=x, denominator=np.array([3, 3])
    )
    with pytest.raises(ValueError):
        result.rate[0] = 0
    assert list(x) == [1, 2]


def test_labels_can_be_normalised_to_standard_codes_and_merged():
    result = stratify.from_counts(
        {
            "m": [1, 1, 1, 1],
            "race": ["Black or African American", "black", "2054-5", "Patient declined"],
            "x": [1, 1, 1, 0],
            "n": [2, 2, 2, 1],
        },
        period="m",
        strata="race",
        numerator="x",
        denominator="n",
        normalize={"race": "race_ethnicity"},
    )
    assert as_dict(result)[("1", "race", "black")] == (3, 6)
    assert as_dict(result)[("1", "race", "declined")] == (0, 1)


def test_an_unrecognised_label_is_reported_at_its_first_row():
    with pytest.raises(InputError) as err:
        stratify.from_counts(
            {
                "m": [1, 1, 1],
                "race": ["White", "Martian", "Martian"],
                "x": [1, 1, 1],
                "n": [1, 1, 1],
            },
            period="m",
            strata="race",
            numerator="x",
            denominator="n",
            normalize={"race": "race_ethnicity"},
        )
    assert (err.value.row, err.value.column) == (2, "race")


@pytest.mark.parametrize(
    ("change", "row", "column", "words"),
    [
        ({"x": [1, 5, 1]}, 2, "x", "greater than"),
        ({"x": [1, 1, -1]}, 3, "x", "negative"),
        ({"n": [2, 2.5, 2]}, 2, "n", "whole number"),
        ({"x": [1, 0.5, 1]}, 2, "x", "whole number"),
        ({"x": [1, None, 1]}, 2, "x", "missing"),
        ({"x": [1, np.nan, 1]}, 2, "x", "missing"),
        ({"m": [1, None, 2]}, 2, "m", "missing"),
        ({"m": ["a", " ", "b"]}, 2, "m", "missing"),
        ({"x": ["1", "x7", "1"]}, 2, "x", "not a number"),
        ({"x": [1, 1, np.inf]}, 3, "x", "finite"),
        ({"x": [1, 9, -1], "n": [2, 2, -2]}, 2, "x", "greater than"),
    ],
)
def test_bad_counts_are_reported_at_the_first_offending_row(change, row, column, words):
    data = {"m": [1, 1, 2], "g": ["a", "b", "a"], "x": [1, 1, 1], "n": [2, 2, 2]} | change
    with pytest.raises(InputError) as err:
        stratify.from_counts(data, period="m", strata="g", numerator="x", denominator="n")
    assert (err.value.row, err.value.column) == (row, column)
    assert words in str(err.value)


def test_a_missing_column_is_named():
    with pytest.raises(InputError, match="missing column 'nn'"):
        stratify.from_counts(
            COUNTS, period="month", strata="race,lang", numerator="x", denominator="nn"
        )


@pytest.mark.parametrize(
    "bad",
    [{"kind": "odds"}, {"conf": 1.5}, {"intersections": ["race"]}, {"intersections": ["a*a"]}],
)
def test_bad_options_are_input_errors(bad):
    with pytest.raises(InputError):
        stratify.from_counts(
            COUNTS, period="month", strata="race", numerator="x", denominator="n", **bad
        )


# ------------------------------------------------------------------ from_extract


def patient_rows(n=400, seed=0):
    rng = np.random.default_rng(seed)
    den = (rng.random(n) < 0.8).astype(np.int64)
    return {
        "month": np.array(["2024-01", "2024-02", "2024-03"], dtype=object)[rng.integers(0, 3, n)],
        "race": np.array(["black", "white", "asian", None], dtype=object)[rng.integers(0, 4, n)],
        "lang": np.array(["en", "es"], dtype=object)[rng.integers(0, 2, n)],
        "num": den * (rng.random(n) < 0.5),
        "den": den,
    }


def write_csv(path, columns):
    names = list(columns)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for i in range(len(columns[names[0]])):
            writer.writerow(["" if columns[c][i] is None else columns[c][i] for c in names])
    return path


OPTIONS = dict(
    period="month",
    strata=["race", "lang"],
    numerator="num",
    denominator="den",
    intersections=["race*lang"],
)


def assert_same(a, b):
    assert list(map(str, a.period)) == list(map(str, b.period))
    assert list(a.stratifier) == list(b.stratifier)
    assert list(a.group) == list(b.group)
    for column in ("numerator", "denominator", "rate", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(getattr(a, column), getattr(b, column), rtol=REL)


def test_extracts_in_csv_and_parquet_give_the_same_rates_as_in_memory_rows(tmp_path):
    rows = patient_rows()
    expected = stratify.from_counts(rows, **OPTIONS)
    csv_path = write_csv(tmp_path / "e.csv", rows)
    pq.write_table(pa.table(rows), tmp_path / "e.parquet")
    assert_same(stratify.from_extract(csv_path, **OPTIONS), expected)
    assert_same(stratify.from_extract(tmp_path / "e.parquet", **OPTIONS), expected)
    assert_sums_match_overall(expected)


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_the_first_offending_row_of_an_extract_is_reported(tmp_path, suffix):
    rows = patient_rows(3000)
    rows["num"] = rows["num"].copy()
    rows["den"] = rows["den"].copy()
    rows["num"][2500] = 1
    rows["den"][2500] = 0  # numerator > denominator at data row 2501
    rows["den"][2800] = -1  # a later problem of another kind
    path = tmp_path / f"e.{suffix}"
    if suffix == "csv":
        write_csv(path, rows)
    else:
        pq.write_table(pa.table(rows), path, row_group_size=700)
    with pytest.raises(InputError) as err:
        stratify.from_extract(path, **OPTIONS)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), 2501, "num")
    assert "greater than denominator" in str(err.value)


def test_a_missing_period_in_an_extract_is_reported(tmp_path):
    rows = patient_rows(50)
    rows["month"] = rows["month"].copy()
    rows["month"][17] = None
    path = write_csv(tmp_path / "e.csv", rows)
    with pytest.raises(InputError) as err:
        stratify.from_extract(path, **OPTIONS)
    assert (err.value.row, err.value.column) == (18, "month")


def test_a_non_numeric_flag_in_a_csv_extract_is_reported(tmp_path):
    rows = patient_rows(50)
    rows["den"] = rows["den"].astype(object)
    rows["den"][30] = "yes"
    path = write_csv(tmp_path / "e.csv", rows)
    with pytest.raises(InputError) as err:
        stratify.from_extract(path, **OPTIONS)
    assert (err.value.row, err.value.column) == (31, "den")
    assert "'yes' is not a number" in str(err.value)


def test_an_unreadable_or_absent_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        stratify.from_extract(tmp_path / "nope.parquet", **OPTIONS)
    empty = tmp_path / "empty.csv"
    empty.write_text("month,race,lang,num,den\n")
    with pytest.raises(InputError, match="no data rows"):
        stratify.from_extract(empty, **OPTIONS)


def test_boolean_flags_in_parquet_are_counted(tmp_path):
    table = pa.table(
        {
            "month": ["m1", "m1", "m1"],
            "race": ["a", "a", "b"],
            "num": [True, False, False],
            "den": [True, True, False],
        }
    )
    pq.write_table(table, tmp_path / "b.parquet")
    result = stratify.from_extract(
        tmp_path / "b.parquet", period="month", strata="race", numerator="num", denominator="den"
    )
    assert as_dict(result)[("m1", "race", "a")] == (1, 2)
    assert as_dict(result)[("m1", "race", "b")] == (0, 0)


# ------------------------------------------------------------------ properties


def assert_sums_match_overall(result):
    overall = result.select(stratifier="overall")
    totals = {
        str(p): (x, n)
        for p, x, n in zip(overall.period, overall.numerator, overall.denominator, strict=True)
    }
    for name in result.stratifiers:
        part = result.select(stratifier=name)
        for period, (x, n) in totals.items():
            mask = np.array([str(p) == period for p in part.period])
            assert part.numerator[mask].sum() == pytest.approx(x)
            assert part.denominator[mask].sum() == pytest.approx(n)


@st.composite
def count_tables(draw):
    size = draw(st.integers(min_value=1, max_value=25))
    dens = draw(st.lists(st.integers(0, 60), min_size=size, max_size=size))
    nums = [draw(st.integers(0, d)) for d in dens]
    return {
        "p": draw(
            st.lists(
                st.sampled_from(["2024-01", "2024-02", "2024-03"]), min_size=size, max_size=size
            )
        ),
        "a": draw(
            st.lists(st.sampled_from(["x", "y", "z", "", "declined"]), min_size=size, max_size=size)
        ),
        "b": draw(st.lists(st.sampled_from(["en", "es"]), min_size=size, max_size=size)),
        "x": nums,
        "n": dens,
    }


ARGS = dict(period="p", strata=["a", "b"], numerator="x", denominator="n", intersections=["a*b"])


@settings(max_examples=30, deadline=None)
@given(count_tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_results(table, random):
    order = list(range(len(table["x"])))
    random.shuffle(order)
    shuffled = {k: [v[i] for i in order] for k, v in table.items()}
    assert_same(stratify.from_counts(shuffled, **ARGS), stratify.from_counts(table, **ARGS))


@settings(max_examples=30, deadline=None)
@given(count_tables())
def test_stratified_counts_always_add_up_to_the_overall(table):
    assert_sums_match_overall(stratify.from_counts(table, **ARGS))


@settings(max_examples=30, deadline=None)
@given(count_tables(), st.integers(2, 50))
def test_scaling_every_count_leaves_the_rates_unchanged(table, k):
    scaled = dict(table, x=[v * k for v in table["x"]], n=[v * k for v in table["n"]])
    base = stratify.from_counts(table, **ARGS)
    bigger = stratify.from_counts(scaled, **ARGS)
    np.testing.assert_allclose(bigger.rate, base.rate, rtol=REL)
    # ... while the intervals narrow (or stay put at 0/1 boundaries).
    ok = ~np.isnan(base.rate)
    assert (
        bigger.ci_high[ok] - bigger.ci_low[ok] <= base.ci_high[ok] - base.ci_low[ok] + 1e-12
    ).all()

"""Tests for equitystats.ageadjust and ``equitystats age-adjust``."""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equitystats import ageadjust
from equitystats.ageadjust import (
    US2000_STANDARD,
    US2000_STANDARD_11,
    direct,
    parse_age_group,
    us2000_standard,
)
from equitystats.cli import main
from equitystats.errors import InputError

REF = Path(__file__).resolve().parent / "reference" / "age_adjust"
REL = 1e-6


def _wide(name: str) -> tuple[list[str], list[str], np.ndarray]:
    with open(REF / name, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    columns = rows[0][1:]
    ages = [r[0] for r in rows[1:]]
    values = np.array([[float(x) for x in r[1:]] for r in rows[1:]])
    return ages, columns, values


@pytest.fixture(scope="module")
def fleiss():
    ages, orders, counts = _wide("fleiss1981_count.csv")
    ages2, orders2, pops = _wide("fleiss1981_population.csv")
    assert (ages, orders) == (ages2, orders2)
    with open(REF / "fay_feuer_1997_table1_epitools_output_per100k.csv", newline="") as f:
        expected = {r["birth_order"]: r for r in csv.DictReader(f)}
    return {
        "ages": ages,
        "orders": orders,
        "counts": counts,
        "pops": pops,
        "standard": pops.mean(axis=1),
        "expected": expected,
    }


# --------------------------------------------------------------------------------------
# Fay & Feuer 1997, Table 1, as computed by epitools ageadjust.direct


def test_direct_matches_epitools_on_fay_feuer_table_1(fleiss):
    for j, order in enumerate(fleiss["orders"]):
        res = direct(
            fleiss["counts"][:, j], fleiss["pops"][:, j], fleiss["standard"], multiplier=1e5
        )
        exp = fleiss["expected"][order]
        assert res.crude_rate == pytest.approx(float(exp["crude.rate"]), rel=REL), order
        assert res.adjusted_rate == pytest.approx(float(exp["adj.rate"]), rel=REL), order
        assert res.ci_low == pytest.approx(float(exp["lci"]), rel=REL), order
        assert res.ci_high == pytest.approx(float(exp["uci"]), rel=REL), order
        assert res.count == fleiss["counts"][:, j].sum()
        assert res.population == fleiss["pops"][:, j].sum()


def test_adjusted_se_is_the_poisson_variance_of_fay_feuer_eq_2():
    counts = np.array([3.0, 10.0, 40.0])
    pops = np.array([1000.0, 2000.0, 4000.0])
    std = np.array([1.0, 2.0, 1.0])
    w = std / std.sum()
    res = direct(counts, pops, std)
    assert res.adjusted_rate == pytest.approx(np.sum(w * counts / pops))
    assert res.adjusted_se == pytest.approx(math.sqrt(np.sum(w**2 * counts / pops**2)))


def test_no_events_gives_zero_rate_zero_lower_limit_and_positive_upper_limit():
    res = direct([0, 0, 0], [100, 200, 300], [1, 1, 1])
    assert res.adjusted_rate == 0.0
    assert res.ci_low == 0.0
    # one event's worth of the largest weight-per-person, gamma(1) upper quantile
    wm = (1 / 3) / 100
    assert res.ci_high == pytest.approx(-math.log(0.025) * wm)


def test_counts_may_exceed_population_for_person_time_rates():
    res = direct([150, 30], [100, 20], [1, 1])
    assert res.adjusted_rate == pytest.approx(1.5)
    assert res.ci_low < 1.5 < res.ci_high


def test_multiplier_scales_rates_and_limits(fleiss):
    args = (fleiss["counts"][:, 0], fleiss["pops"][:, 0], fleiss["standard"])
    one, many = direct(*args), direct(*args, multiplier=1000)
    for field in ("crude_rate", "adjusted_rate", "ci_low", "ci_high", "adjusted_se"):
        assert getattr(many, field) == pytest.approx(1000 * getattr(one, field))


def test_lower_confidence_level_gives_narrower_interval(fleiss):
    args = (fleiss["counts"][:, 2], fleiss["pops"][:, 2], fleiss["standard"])
    wide, narrow = direct(*args, conf_level=0.99), direct(*args, conf_level=0.8)
    assert wide.ci_low < narrow.ci_low < narrow.adjusted_rate < narrow.ci_high < wide.ci_high


def test_result_is_frozen_and_inputs_untouched():
    counts = np.array([1.0, 2.0])
    res = direct(counts, [10, 20], [1, 1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.adjusted_rate = 0  # type: ignore[misc]
    assert counts.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("counts", "pops", "std", "kw", "message"),
    [
        ([1, 2], [10, 0], [1, 1], {}, "greater than zero"),
        ([1, -2], [10, 10], [1, 1], {}, "zero or more"),
        ([1, 2], [10, 10], [-1, 1], {}, "zero or more"),
        ([1, 2], [10, 10], [0, 0], {}, "adds up to zero"),
        ([1, 2], [10, 10], [1, 1, 1], {}, "length"),
        ([], [], [], {}, "no age groups"),
        ([1, math.nan], [10, 10], [1, 1], {}, "finite"),
        ([1, 2], [10, 10], [1, 1], {"conf_level": 1.0}, "confidence level"),
        ([1, 2], [10, 10], [1, 1], {"multiplier": 0}, "multiplier"),
    ],
)
def test_bad_input_raises_input_error(counts, pops, std, kw, message):
    with pytest.raises(InputError, match=message):
        direct(counts, pops, std, **kw)


def test_zero_population_error_names_the_age_group_row():
    with pytest.raises(InputError) as info:
        direct([1, 2, 3], [10, 10, 0], [1, 1, 1])
    assert info.value.row == 3


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(1, 10_000), min_size=1, max_size=8),
    st.floats(1e-4, 2.0),
    st.data(),
)
def test_equal_age_specific_rates_give_that_rate_whatever_the_standard(pops, rate, data):
    n = len(pops)
    std = data.draw(
        st.lists(st.floats(0.0, 1e6), min_size=n, max_size=n).filter(lambda s: sum(s) > 0)
    )
    pops_arr = np.array(pops, dtype=float)
    res = direct(rate * pops_arr, pops_arr, std)
    assert res.adjusted_rate == pytest.approx(rate, rel=1e-9)
    assert res.crude_rate == pytest.approx(rate, rel=1e-9)
    assert res.ci_low <= res.adjusted_rate <= res.ci_high


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 10_000)), min_size=1, max_size=8))
def test_standard_equal_to_own_population_gives_the_crude_rate(rows):
    counts = np.array([c for c, _ in rows], dtype=float)
    pops = np.array([p for _, p in rows], dtype=float)
    res = direct(counts, pops, pops * 3.0)
    assert res.adjusted_rate == pytest.approx(res.crude_rate, rel=1e-9, abs=1e-15)


# --------------------------------------------------------------------------------------
# the US 2000 standard population


def test_us2000_standard_has_19_groups_totalling_the_published_figure():
    assert len(US2000_STANDARD) == 19
    assert sum(US2000_STANDARD.values()) == 274_633_642
    assert US2000_STANDARD["0"] == 3_794_901
    assert US2000_STANDARD["85+"] == 4_259_173


def test_us2000_eleven_groups_match_klein_schoenborn_table_2():
    assert dict(US2000_STANDARD_11) == {
        "0": 3_794_901,
        "1-4": 15_191_619,
        "5-14": 39_976_619,
        "15-24": 38_076_743,
        "25-34": 37_233_437,
        "35-44": 44_659_185,
        "45-54": 37_030_152,
        "55-64": 23_961_506,
        "65-74": 18_135_514,
        "75-84": 12_314_793,
        "85+": 4_259_173,
    }


def test_us2000_standard_by_labels_sums_the_standard_groups():
    np.testing.assert_array_equal(
        us2000_standard(list(US2000_STANDARD_11)), list(US2000_STANDARD_11.values())
    )
    got = us2000_standard(["Under 20", "20-44", "45-64", "65 years and over"])
    assert got.sum() == 274_633_642
    assert got[0] == sum(US2000_STANDARD[k] for k in ("0", "1-4", "5-9", "10-14", "15-19"))
    assert got[3] == sum(US2000_STANDARD_11[k] for k in ("65-74", "75-84", "85+"))


@pytest.mark.parametrize(
    ("label", "bounds"),
    [
        ("0", (0, 0)),
        ("00 years", (0, 0)),
        ("<1", (0, 0)),
        ("Under 1", (0, 0)),
        ("01-04 years", (1, 4)),
        ("5\u20139", (5, 9)),
        ("15 to 19", (15, 19)),
        ("85+", (85, math.inf)),
        ("85+ years", (85, math.inf)),
        ("85 years and over", (85, math.inf)),
        ("40 and over", (40, math.inf)),
        ("Under 20", (0, 19)),
    ],
)
def test_age_group_labels_are_read_in_common_spellings(label, bounds):
    assert parse_age_group(label) == bounds


@pytest.mark.parametrize(
    ("labels", "message", "row"),
    [
        (["0-3"], "does not fall on", 1),
        (["0-4", "adults"], "cannot read", 2),
        (["0-4", "1-4"], "overlaps", 2),
        (["0-4", "0-4"], "more than once", 2),
        (["9-5"], "ends before", 1),
    ],
)
def test_bad_labels_raise_located_errors(labels, message, row):
    with pytest.raises(InputError, match=message) as info:
        us2000_standard(labels)
    assert info.value.row == row


def test_labels_may_repeat_across_groups():
    got = us2000_standard(["0-4", "0", "1-4"], groups=["a", "b", "b"])
    np.testing.assert_array_equal(got, [18_986_520, 3_794_901, 15_191_619])


def test_module_cites_its_sources():
    doc = ageadjust.__doc__ or ""
    assert "Fay" in doc and "Klein" in doc and "epitools" in doc


# --------------------------------------------------------------------------------------
# the command


def _long_csv(fleiss, path: Path, *, standard: bool = True) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["birth_order", "age", "cases", "births", "std"])
        for i, age in enumerate(fleiss["ages"]):
            for j, order in enumerate(fleiss["orders"]):
                w.writerow(
                    [
                        order,
                        age,
                        int(fleiss["counts"][i, j]),
                        int(fleiss["pops"][i, j]),
                        repr(float(fleiss["standard"][i])) if standard else "",
                    ]
                )
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["age-adjust", *argv])
    out, err = capsys.readouterr()
    return code, out, err


ARGS = ["--age", "age", "--count", "cases", "--population", "births"]


def test_cli_reproduces_epitools_per_birth_order(capsys, tmp_path, fleiss):
    path = _long_csv(fleiss, tmp_path / "long.csv")
    code, out, err = _run(
        capsys, str(path), *ARGS, "--standard", "std", "--by", "birth_order", "--multiplier", "1e5"
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["birth_order"] for r in rows] == fleiss["orders"]
    assert list(rows[0]) == [
        "birth_order",
        "age_groups",
        "count",
        "population",
        "crude_rate",
        "adjusted_rate",
        "adjusted_se",
        "ci_low",
        "ci_high",
    ]
    for r in rows:
        exp = fleiss["expected"][r["birth_order"]]
        assert r["age_groups"] == "6"
        assert float(r["crude_rate"]) == pytest.approx(float(exp["crude.rate"]), rel=REL)
        assert float(r["adjusted_rate"]) == pytest.approx(float(exp["adj.rate"]), rel=REL)
        assert float(r["ci_low"]) == pytest.approx(float(exp["lci"]), rel=REL)
        assert float(r["ci_high"]) == pytest.approx(float(exp["uci"]), rel=REL)


def test_cli_defaults_to_the_us2000_standard(capsys, tmp_path, fleiss):
    path = _long_csv(fleiss, tmp_path / "long.csv", standard=False)
    code, out, err = _run(capsys, str(path), *ARGS, "--by", "birth_order", "--conf-level", "0.9")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    std = us2000_standard(fleiss["ages"])
    for j, r in enumerate(rows):
        res = direct(fleiss["counts"][:, j], fleiss["pops"][:, j], std, conf_level=0.9)
        assert float(r["adjusted_rate"]) == pytest.approx(res.adjusted_rate, rel=1e-12)
        assert float(r["ci_high"]) == pytest.approx(res.ci_high, rel=1e-12)


def test_cli_without_by_writes_one_row(capsys, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("age,cases,births\n0-44,10,1000\n45+,30,500\n", encoding="utf-8")
    code, out, err = _run(capsys, str(path), *ARGS)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    assert rows[0]["count"] == "40"
    assert rows[0]["population"] == "1500"


@pytest.mark.parametrize(
    ("text", "extra", "expect"),
    [
        ("age,cases,births\n0-4,1,0\n", [], ["row 1", 'column "births"', "zero"]),
        ("age,cases,births\n0-4,-1,10\n", [], ["row 1", 'column "cases"', "negative"]),
        ("age,cases,births\n0-4,x,10\n", [], ["row 1", 'column "cases"', "not a number"]),
        ("age,cases\n0-4,1\n", [], ["missing column", "'births'"]),
        ("age,cases,births\n0-4,1,10\n0-3,1,10\n", [], ["row 2", 'column "age"', "does not fall"]),
        (
            "age,cases,births,s\n0-4,1,10,5\n0-4,1,10,5\n",
            ["--standard", "s"],
            ["row 2", 'column "age"', "more than once"],
        ),
        ("age,cases,births,s\n0-4,1,10,0\n", ["--standard", "s"], ["adds up to zero"]),
        ("age,cases,births\n", [], ["no data rows"]),
    ],
)
def test_cli_bad_input_is_one_located_line_and_exit_code_2(capsys, tmp_path, text, extra, expect):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, str(path), *ARGS, *extra)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"equitystats age-adjust: {path}")
    for fragment in expect:
        assert fragment in lines[0]


@pytest.mark.parametrize("option", [["--conf-level", "1.5"], ["--multiplier", "-1"]])
def test_cli_rejects_out_of_range_options(capsys, tmp_path, option):
    path = tmp_path / "ok.csv"
    path.write_text("age,cases,births\n0-4,1,10\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["age-adjust", str(path), *ARGS, *option])
    assert info.value.code == 2


def test_cli_help_explains_options_and_has_an_example(capsys):
    with pytest.raises(SystemExit) as info:
        main(["age-adjust", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--age", "--count", "--population", "--standard", "--by", "--multiplier"):
        assert option in out
    assert "--conf-level" in out
    assert "example:" in out

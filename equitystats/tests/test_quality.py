"""Completeness of demographic data per stratifier and period."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from equitystats import quality
from equitystats.cli import main
from equitystats.errors import InputError

ROWS = {
    "month": ["2024-01"] * 5 + ["2024-02"] * 4,
    "race_ethnicity": ["white", "Declined", "", "UNK", "black", "white", "black", "asian", None],
    "sexual_orientation": [
        "ASKU",
        "straight",
        "Not asked",
        "bisexual",
        "straight",
        "straight",
        "gay",
        "Don't know",
        "straight",
    ],
}


def row_of(result, period, stratifier):
    rows = [r for r in result.to_rows() if r["period"] == period and r["stratifier"] == stratifier]
    assert len(rows) == 1
    return rows[0]


def test_each_kind_of_missing_value_is_counted_separately():
    result = quality.completeness(
        ROWS, period="month", strata=["race_ethnicity", "sexual_orientation"]
    )
    race = row_of(result, "2024-01", "race_ethnicity")
    assert (race["n"], race["known"], race["unknown"], race["declined"], race["missing"]) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert race["not_collected"] == 0
    assert race["share_unusable"] == pytest.approx(0.6)
    assert race["usable"] is False
    so = row_of(result, "2024-01", "sexual_orientation")
    # ASKU is "choose not to disclose" for SOGI (45 CFR 170.207(o)).
    assert (so["declined"], so["not_collected"], so["known"]) == (1, 1, 3)


def test_rows_come_per_period_then_stratifier_in_the_order_asked():
    result = quality.completeness(
        ROWS, period="month", strata=["sexual_orientation", "race_ethnicity"]
    )
    assert [(r["period"], r["stratifier"]) for r in result.to_rows()] == [
        ("2024-01", "sexual_orientation"),
        ("2024-01", "race_ethnicity"),
        ("2024-02", "sexual_orientation"),
        ("2024-02", "race_ethnicity"),
    ]


def test_shares_add_up_and_the_threshold_decides_usability():
    result = quality.completeness(ROWS, period="month", strata="race_ethnicity", max_unusable=0.25)
    feb = row_of(result, "2024-02", "race_ethnicity")
    assert feb["share_unusable"] == pytest.approx(0.25)
    assert feb["usable"] is True
    total = (
        feb["share_unknown"]
        + feb["share_declined"]
        + feb["share_not_collected"]
        + feb["share_missing"]
    )
    assert total == pytest.approx(feb["share_unusable"])
    strict = quality.completeness(ROWS, period="month", strata="race_ethnicity", max_unusable=0.2)
    assert row_of(strict, "2024-02", "race_ethnicity")["usable"] is False


def test_aggregated_counts_are_weighted():
    result = quality.completeness(
        None,
        period=["q1", "q1", "q1"],
        strata={"language": ["es", "Declined", "en"]},
        weight=[30, 10, 60],
    )
    row = result.to_rows()[0]
    assert (row["n"], row["declined"], row["share_declined"]) == (100, 10, 0.1)
    assert row["usable"] is True


def test_the_default_threshold_is_fifteen_percent():
    assert quality.DEFAULT_MAX_UNUSABLE == 0.15
    result = quality.completeness(
        None, period=[1] * 20, strata={"race_ethnicity": ["white"] * 17 + ["unknown"] * 3}
    )
    assert bool(result.usable[0]) is True  # exactly 0.15


def test_an_extract_gives_the_same_answer_as_rows_in_memory(tmp_path):
    pq.write_table(pa.table(ROWS), tmp_path / "e.parquet")
    from_file = quality.completeness_from_extract(
        tmp_path / "e.parquet", period="month", strata="race_ethnicity,sexual_orientation"
    )
    in_memory = quality.completeness(
        ROWS, period="month", strata=["race_ethnicity", "sexual_orientation"]
    )
    assert from_file.to_rows() == in_memory.to_rows()


@pytest.mark.parametrize(
    ("change", "row", "column"),
    [({"month": ["a", None, "b"]}, 2, "month"), ({"w": [1, -1, 1]}, 2, "w")],
)
def test_bad_rows_are_located(change, row, column):
    data = {"month": ["a", "a", "b"], "race": ["x", "y", "z"], "w": [1, 1, 1]} | change
    with pytest.raises(InputError) as err:
        quality.completeness(data, period="month", strata="race", weight="w")
    assert (err.value.row, err.value.column) == (row, column)


def test_threshold_outside_zero_one_is_rejected():
    with pytest.raises(InputError):
        quality.completeness(ROWS, period="month", strata="race_ethnicity", max_unusable=2)


def test_result_is_read_only():
    result = quality.completeness(ROWS, period="month", strata="race_ethnicity")
    with pytest.raises(ValueError):
        result.n[0] = 1
    assert np.all(result.n > 0)


def test_cli_writes_completeness_csv(tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_text("month,race\n1,white\n1,Declined\n2,\n2,black\n")
    assert main(["quality", str(path), "--period", "month", "--strata", "race"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("period,stratifier,n,known,unknown,declined")
    assert lines[1] == "1,race,2,1,0,1,0,0,0,0.5,0,0,0.5,false"


def test_cli_errors_are_one_line_with_exit_code_2(tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_text("month,race,w\n1,white,2\n1,black,x\n")
    code = main(["quality", str(path), "--period", "month", "--strata", "race", "--weight", "w"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert f'{path}, row 2, column "w"' in err


def test_a_path_is_read_as_an_extract(tmp_path):
    pq.write_table(pa.table(ROWS), tmp_path / "e.parquet")
    by_path = quality.completeness(tmp_path / "e.parquet", period="month", strata="race_ethnicity")
    assert (
        by_path.to_rows()
        == quality.completeness(ROWS, period="month", strata="race_ethnicity").to_rows()
    )

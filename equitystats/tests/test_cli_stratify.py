"""``equitystats stratify`` (and the help of quality and synth)."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from equitystats.cli import main

COUNTS = """month,race,lang,x,n
2024-01,black,en,10,30
2024-01,white,es,40,60
2024-01,,en,3,5
2024-02,black,en,12,31
2024-02,white,en,45,62
"""


def run(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def parse(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_counts_csv_gives_rates_as_csv(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    path.write_text(COUNTS)
    code, out, err = run(
        [
            "stratify",
            str(path),
            "--period",
            "month",
            "--strata",
            "race,lang",
            "--numerator",
            "x",
            "--denominator",
            "n",
            "--intersect",
            "race*lang",
        ],
        capsys,
    )
    assert code == 0 and err == ""
    rows = parse(out)
    assert list(rows[0]) == [
        "period",
        "stratifier",
        "group",
        "numerator",
        "denominator",
        "rate",
        "se",
        "ci_low",
        "ci_high",
    ]
    assert rows[0]["period"] == "2024-01" and rows[0]["group"] == "all"
    assert (rows[0]["numerator"], rows[0]["denominator"]) == ("53", "95")
    assert float(rows[0]["rate"]) == pytest.approx(53 / 95)
    missing = [r for r in rows if r["stratifier"] == "race*lang" and r["group"] == "missing*en"]
    assert missing[0]["numerator"] == "3"


def test_extract_in_parquet_is_streamed(tmp_path, capsys):
    path = tmp_path / "e.parquet"
    pq.write_table(
        pa.table(
            {
                "month": ["m1", "m1", "m2", "m2"],
                "race": ["a", "b", "a", "a"],
                "num": [1, 0, 1, 0],
                "den": [1, 1, 1, 0],
            }
        ),
        path,
    )
    code, out, _ = run(
        [
            "stratify",
            str(path),
            "--extract",
            "--period",
            "month",
            "--strata",
            "race",
            "--numerator",
            "num",
            "--denominator",
            "den",
        ],
        capsys,
    )
    rows = parse(out)
    assert code == 0
    m2a = [r for r in rows if r["period"] == "m2" and r["group"] == "a"][0]
    assert (m2a["numerator"], m2a["denominator"], m2a["rate"]) == ("1", "1", "1")


def test_zero_denominator_leaves_rate_cells_empty(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text("p,g,x,n\n1,a,0,0\n1,b,1,2\n")
    code, out, _ = run(
        [
            "stratify",
            str(path),
            "--period",
            "p",
            "--strata",
            "g",
            "--numerator",
            "x",
            "--denominator",
            "n",
        ],
        capsys,
    )
    row = [r for r in parse(out) if r["group"] == "a"][0]
    assert code == 0 and row["rate"] == "" and row["ci_low"] == ""


def test_rate_kind_and_normalisation_options(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text("q,race,falls,days\nQ1,Black or African American,3,1000\nQ1,black,1,500\n")
    code, out, _ = run(
        [
            "stratify",
            str(path),
            "--period",
            "q",
            "--strata",
            "race",
            "--numerator",
            "falls",
            "--denominator",
            "days",
            "--kind",
            "rate",
            "--normalize",
            "race=race_ethnicity",
        ],
        capsys,
    )
    rows = parse(out)
    assert code == 0
    black = [r for r in rows if r["group"] == "black"][0]
    assert (black["numerator"], black["denominator"]) == ("4", "1500")


@pytest.mark.parametrize(
    ("content", "extract", "where"),
    [
        ("month,race,x,n\n1,a,5,4\n", False, 'row 1, column "x"'),
        ("month,race,x,n\n1,a,1,4\n1,b,1.5,4\n", False, 'row 2, column "x"'),
        ("month,race,x,n\n1,a,1,4\n,b,1,4\n", False, 'row 2, column "month"'),
        ("month,race,x,n\n1,a,1,4\n1,b,1,4\n2,b,-1,4\n", True, 'row 3, column "x"'),
    ],
)
def test_errors_are_one_line_with_file_row_column_and_exit_code_2(
    tmp_path, capsys, content, extract, where
):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    args = [
        "stratify",
        str(path),
        "--period",
        "month",
        "--strata",
        "race",
        "--numerator",
        "x",
        "--denominator",
        "n",
    ]
    code, out, err = run(args + (["--extract"] if extract else []), capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"equitystats stratify: {path}, {where}:")


def test_missing_file_and_missing_column_are_reported(tmp_path, capsys):
    args = ["--period", "month", "--strata", "race", "--numerator", "x", "--denominator", "n"]
    code, _, err = run(["stratify", str(tmp_path / "none.csv"), *args], capsys)
    assert code == 2 and "cannot read" in err
    path = tmp_path / "c.csv"
    path.write_text("month,x,n\n1,1,1\n")
    code, _, err = run(["stratify", str(path), *args], capsys)
    assert code == 2 and "missing column 'race'" in err


def test_bad_option_values_exit_with_code_2(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text(COUNTS)
    args = ["stratify", str(path), "--period", "month", "--numerator", "x", "--denominator", "n"]
    assert run([*args, "--intersect", "race"], capsys)[0] == 2
    assert run([*args, "--normalize", "race=religion"], capsys)[0] == 2
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--kind", "odds"])
    assert exit_.value.code == 2


@pytest.mark.parametrize("command", ["stratify", "quality", "synth"])
def test_help_explains_every_option_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    text = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "example" in text
    assert f"equitystats {command} " in text.split("example", 1)[1]

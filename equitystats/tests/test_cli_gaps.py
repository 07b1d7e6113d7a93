"""``equitystats gaps``: CSV out, plain-language summary, one-line errors."""

from __future__ import annotations

import csv
import io

import pytest

from equitystats import compare
from equitystats.cli import main

HEADER = (
    "period,group,reference,rate,reference_rate,difference,diff_ci_low,diff_ci_high,"
    "ratio,ratio_ci_low,ratio_ci_high,chart,cl,lcl,ucl,sigma_signal,signal,closing"
)


def write(tmp_path, rows, name="a1c.csv"):
    path = tmp_path / name
    path.write_text("quarter,race,controlled,patients\n" + "".join(f"{r}\n" for r in rows))
    return path


def series(n_periods=14, shift_at=7):
    rows = []
    for t in range(1, n_periods + 1):
        black = 500 if t <= shift_at else 640
        black += 10 * ((t + 1) % 2)
        rows += [f"{t},Black,{black},1000", f"{t},White,700,1000"]
    return rows


def run(capsys, *argv):
    code = main(["gaps", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_one_row_per_group_and_period(tmp_path, capsys):
    path = write(tmp_path, series())
    code, out, err = run(
        capsys,
        path,
        "--period",
        "quarter",
        "--group",
        "race",
        "--numerator",
        "controlled",
        "--denominator",
        "patients",
        "--reference",
        "White",
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 14
    assert {r["group"] for r in rows} == {"Black"} and {r["reference"] for r in rows} == {"White"}
    first = rows[0]
    assert first["period"] == "1" and float(first["rate"]) == pytest.approx(50.0)
    assert float(first["reference_rate"]) == pytest.approx(70.0)
    assert float(first["difference"]) == pytest.approx(-20.0)
    _, lo, hi = compare.difference(500, 1000, 700, 1000)
    assert float(first["diff_ci_low"]) == pytest.approx(float(lo) * 100, rel=1e-6)
    assert float(first["diff_ci_high"]) == pytest.approx(float(hi) * 100, rel=1e-6)
    assert first["chart"] == "i" and first["lcl"] != "" and first["ucl"] != ""
    assert first["signal"] == "true" and first["closing"] == "true"
    assert first["sigma_signal"] in ("true", "false")


def test_summary_prints_the_sentences(tmp_path, capsys):
    path = write(tmp_path, series())
    code, out, _ = run(
        capsys,
        path,
        "--period",
        "quarter",
        "--group",
        "race",
        "--numerator",
        "controlled",
        "--denominator",
        "patients",
        "--reference",
        "White",
        "--summary",
    )
    assert code == 0
    assert out == (
        "The gap between Black and White patients narrowed from 19.7 to 5.3 points; "
        "the change is a signal, not noise.\n"
    )


def test_numeric_periods_sort_as_numbers_and_overall_is_the_default(tmp_path, capsys):
    rows = [r for t in (10, 2, 1) for r in (f"{t},Black,50,100", f"{t},White,70,100")]
    path = write(tmp_path, rows)
    code, out, _ = run(
        capsys,
        path,
        "--period",
        "quarter",
        "--group",
        "race",
        "--numerator",
        "controlled",
        "--denominator",
        "patients",
        "--multiply",
        "1000",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["period"] for r in rows[:3]] == ["1", "2", "10"]
    assert {r["group"] for r in rows} == {"Black", "White"}
    assert rows[0]["reference"] == "overall" and rows[0]["chart"] == "run"
    assert float(rows[0]["rate"]) == pytest.approx(500.0)
    assert float(rows[0]["difference"]) == pytest.approx(-100.0)
    assert rows[0]["lcl"] == ""


@pytest.mark.parametrize(
    ("rows", "extra", "where"),
    [
        (["1,Black,120,100", "1,White,70,100"], [], 'row 1, column "controlled"'),
        (["1,Black,50,100", "1,White,-3,100"], [], 'row 2, column "controlled"'),
        (["1,Black,50,100", "1,White,70,100"], ["--reference", "Asian"], 'column "race"'),
        (["1,Black,50,100", "1,Black,52,100"], [], 'row 2, column "race"'),
    ],
)
def test_bad_input_is_one_line_naming_file_row_and_column(tmp_path, capsys, rows, extra, where):
    path = write(tmp_path, rows)
    code, out, err = run(
        capsys,
        path,
        "--period",
        "quarter",
        "--group",
        "race",
        "--numerator",
        "controlled",
        "--denominator",
        "patients",
        *extra,
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"equitystats gaps: {path}, {where}: ")


def test_unknown_reference_lists_the_groups(tmp_path, capsys):
    path = write(tmp_path, ["1,Black,50,100", "1,White,70,100"])
    _, _, err = run(
        capsys,
        path,
        "--period",
        "quarter",
        "--group",
        "race",
        "--numerator",
        "controlled",
        "--denominator",
        "patients",
        "--reference",
        "Asian",
    )
    assert "reference group 'Asian' is not in the data (groups: Black, White" in err


def test_missing_column_and_bad_option_exit_2(tmp_path, capsys):
    path = write(tmp_path, ["1,Black,50,100", "1,White,70,100"])
    code, _, err = run(
        capsys,
        path,
        "--period",
        "month",
        "--group",
        "race",
        "--numerator",
        "controlled",
        "--denominator",
        "patients",
    )
    assert code == 2 and "missing column 'month'" in err
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "gaps",
                str(path),
                "--period",
                "quarter",
                "--group",
                "race",
                "--numerator",
                "controlled",
                "--denominator",
                "patients",
                "--improvement",
                "up",
            ]
        )
    assert exc.value.code == 2

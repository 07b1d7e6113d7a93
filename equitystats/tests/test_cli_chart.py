"""``equitystats chart``: every reference case through the command line, and its errors."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from equitystats import cli, spc

REF = Path(__file__).resolve().parent / "reference" / "spc"
CASES = json.loads((REF / "cases.json").read_text())["cases"]
QIC = {
    "y": "y",
    "cl": "cl",
    "lcl": "lcl",
    "ucl": "ucl",
    "part": "part",
    "runs_signal": "runs.signal",
    "sigma_signal": "sigma.signal",
    "longest_run": "longest.run",
    "longest_run_max": "longest.run.max",
    "crossings": "n.crossings",
    "crossings_min": "n.crossings.min",
}
NHS = {"y": "y", "cl": "mean_col", "lcl": "lpl", "ucl": "upl"}


@pytest.fixture(autouse=True)
def only_the_chart_command(monkeypatch):
    """Build the parser with this subcommand only, so these tests do not depend on the
    state of the other subcommands."""
    monkeypatch.setattr(cli, "COMMANDS", ("chart",))


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["chart", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def case_argv(case: dict) -> list[str]:
    argv = [str(REF / case.get("input", case["expected"])), "--chart", case["chart"]]
    argv += ["--x", case["x"], "--y", case["y"]]
    if "n" in case:
        argv += ["--n", case["n"]]
    if "freeze" in case:
        argv += ["--freeze", str(case["freeze"])]
    if "part" in case:
        argv += ["--part", ",".join(map(str, case["part"]))]
    if "exclude" in case:
        argv += ["--exclude", ",".join(map(str, case["exclude"]))]
    if case.get("screen_mr") is False:
        argv.append("--no-screen-mr")
    if "rules" in case:
        argv += ["--rules", case["rules"]]
    if "improvement" in case:
        argv += ["--improvement", case["improvement"]]
    return argv


def expected_value(cell: str):
    if cell in ("TRUE", "FALSE"):
        return cell == "TRUE"
    return math.nan if cell == "NA" else float(cell)


def output_value(cell: str):
    if cell in ("true", "false"):
        return cell == "true"
    return math.nan if cell == "" else float(cell)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_reference_case_matches_through_the_command_line(capsys, case):
    code, out, err = run_cli(capsys, *case_argv(case))
    assert code == 0, err
    got = list(csv.DictReader(io.StringIO(out)))
    with open(REF / case["expected"], newline="") as fh:
        expected = list(csv.DictReader(fh))
    assert len(got) == len(expected)
    columns = NHS if case.get("rules") == "nhs" else QIC
    for g, e in zip(got, expected, strict=True):
        assert g["x"] == e["x"]
        for ours, theirs in columns.items():
            want, have = expected_value(e[theirs]), output_value(g[ours])
            if isinstance(want, bool):
                assert have is want, (ours, g["x"])
            elif math.isnan(want):
                assert math.isnan(have), (ours, g["x"])
            else:
                assert have == pytest.approx(want, rel=1e-6, abs=1e-12), (ours, g["x"])
        if case.get("rules") == "nhs":
            assert g["point_type"] == e["point_type"]
            assert g["special_cause"] == (
                "false" if e["special_cause_type"] == "Common Cause" else "true"
            )


def test_header_follows_the_rule_set(capsys, tmp_path):
    f = tmp_path / "d.csv"
    f.write_text(
        "week,value\n" + "".join(f"{i},{v}\n" for i, v in enumerate([3, 5, 4, 6, 5, 4], 1))
    )
    for rules, extra in (("anhoej", ()), ("ihi", spc.IHI_COLUMNS), ("nhs", spc.NHS_COLUMNS)):
        code, out, _ = run_cli(
            capsys, str(f), "--chart", "i", "--x", "week", "--y", "value", "--rules", rules
        )
        assert code == 0
        assert out.splitlines()[0].split(",") == [*spc.BASE_COLUMNS, *extra]


def test_missing_values_are_empty_and_booleans_are_words(capsys, tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("week,value\n1,3\n2,\n3,4\n4,NA\n5,6\n6,5\n")
    code, out, _ = run_cli(capsys, str(f), "--x", "week", "--y", "value")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert rows[1]["y"] == "" and rows[0]["lcl"] == ""
    assert rows[0]["runs_signal"] == "false"


def test_xbar_gives_one_row_per_subgroup_in_input_order(capsys, tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("s,v\nb,1\nb,3\na,2\na,6\nc,5\nc,4\n")
    code, out, _ = run_cli(capsys, str(f), "--chart", "xbar", "--x", "s", "--y", "v")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [r["x"] for r in rows] == ["b", "a", "c"]
    assert [float(r["y"]) for r in rows] == [2.0, 4.0, 4.5]


def _error(capsys, tmp_path, text: str, *argv: str) -> str:
    f = tmp_path / "bad.csv"
    f.write_text(text)
    code, out, err = run_cli(capsys, str(f), *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "bad.csv" in lines[0]
    return lines[0]


def test_missing_column_is_an_error(capsys, tmp_path):
    line = _error(capsys, tmp_path, "m,v\n1,2\n2,3\n", "--x", "m", "--y", "value")
    assert "'value'" in line


def test_non_numeric_cell_is_named_by_row_and_column(capsys, tmp_path):
    line = _error(capsys, tmp_path, "m,v\n1,2\n2,3x\n3,4\n", "--chart", "i", "--x", "m", "--y", "v")
    assert 'row 2, column "v"' in line


def test_numerator_above_denominator_is_an_error(capsys, tmp_path):
    text = "m,d,k\n1,10,3\n2,10,4\n3,10,12\n"
    line = _error(capsys, tmp_path, text, "--chart", "p", "--x", "m", "--y", "k", "--n", "d")
    assert 'row 3, column "k"' in line and "above its denominator" in line


def test_negative_count_is_an_error(capsys, tmp_path):
    line = _error(capsys, tmp_path, "m,k\n1,3\n2,-4\n3,2\n", "--chart", "c", "--x", "m", "--y", "k")
    assert 'row 2, column "k"' in line and "negative" in line


def test_zero_denominator_is_an_error(capsys, tmp_path):
    text = "m,d,k\n1,10,3\n2,0,0\n3,10,2\n"
    line = _error(capsys, tmp_path, text, "--chart", "u", "--x", "m", "--y", "k", "--n", "d")
    assert 'row 2, column "d"' in line


def test_too_few_points_is_an_error(capsys, tmp_path):
    text = "m,v\n1,3\n2,4\n3,5\n4,6\n"
    line = _error(capsys, tmp_path, text, "--chart", "i", "--x", "m", "--y", "v", "--part", "3")
    assert 'row 4, column "v"' in line and "at least 2" in line


def test_p_chart_without_denominator_is_an_error(capsys, tmp_path):
    line = _error(capsys, tmp_path, "m,k\n1,3\n2,4\n", "--chart", "p", "--x", "m", "--y", "k")
    assert "--n" in line


def test_missing_x_is_an_error(capsys, tmp_path):
    line = _error(capsys, tmp_path, "m,k\n1,3\n,4\n", "--x", "m", "--y", "k")
    assert 'row 2, column "m"' in line


def test_bad_option_values_exit_with_code_2(capsys, tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("m,v\n1,3\n2,4\n3,5\n")
    for argv in (
        ["--chart", "np"],
        ["--part", "a,b"],
        ["--freeze", "0"],
        ["--rules", "x"],
        ["--multiply", "-1"],
    ):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["chart", str(f), "--x", "m", "--y", "v", *argv])
        assert exit_.value.code == 2
    capsys.readouterr()


def test_help_explains_every_option_with_an_example(capsys):
    with pytest.raises(SystemExit):
        cli.main(["chart", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--chart",
        "--x",
        "--y",
        "--n",
        "--freeze",
        "--part",
        "--exclude",
        "--multiply",
        "--rules",
        "--no-screen-mr",
        "--improvement",
    ):
        assert option in out
    assert "equitystats chart " in out.split("examples:")[1]

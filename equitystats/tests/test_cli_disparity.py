"""Tests for ``equitystats disparity``: the JSON contract and located errors with exit code 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from equitystats import disparity
from equitystats.cli import main

REF = Path(__file__).resolve().parent / "reference" / "disparity"
INPUT = REF / "unordered25_input.csv"
BASE = ["--group", "subgroup", "--rate", "est", "--se", "se", "--population", "pop"]
ESTIMATE_KEYS = {"value", "se", "ci_low", "ci_high"}


def run_json(capsys, *argv: str) -> dict:
    code = main(["disparity", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return json.loads(out)


def run_error(capsys, *argv: str) -> str:
    code = main(["disparity", *argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("equitystats disparity: ")
    return lines[0]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_has_the_contract_keys_and_reference_values(capsys):
    doc = run_json(capsys, str(INPUT), *BASE)
    assert set(doc) == {"mean", "reference", "measures", "pairs"}
    assert doc["reference"]["name"] == "mean"
    assert doc["reference"]["rate"] == pytest.approx(doc["mean"])
    assert list(doc["measures"]) == list(disparity.UNORDERED_MEASURES)
    for est in doc["measures"].values():
        assert set(est) == ESTIMATE_KEYS
    bgv = doc["measures"]["between_group_variance"]
    assert bgv["value"] == pytest.approx(46.198325539737, rel=1e-6)
    assert bgv["se"] == pytest.approx(13.372736, rel=1e-6)
    assert doc["measures"]["theil_index"]["value"] * 1000 == pytest.approx(5.03598030334592)
    assert doc["measures"]["index_of_disparity"]["value"] == pytest.approx(8.70181766748687)
    assert len(doc["pairs"]) == 25
    assert set(doc["pairs"][0]) == {"group", "difference", "ratio"}
    assert set(doc["pairs"][0]["ratio"]) == ESTIMATE_KEYS


def test_json_matches_the_library(capsys):
    doc = run_json(capsys, str(INPUT), *BASE, "--reference", "14", "--order", "subgroup")
    from equitystats.table import read_csv

    t = read_csv(INPUT)
    res = disparity.measures(
        t.text("subgroup"),
        t.numeric("est"),
        t.numeric("se"),
        t.numeric("pop"),
        reference="14",
        order=t.numeric("subgroup"),
    )
    assert doc["reference"] == {"name": "14", "rate": 62.0, "se": 6.0}
    assert set(doc["measures"]) == set(disparity.UNORDERED_MEASURES + disparity.ORDERED_MEASURES)
    for name, est in res.measures.items():
        assert doc["measures"][name] == pytest.approx(est.as_dict())
    for pair, got in zip(res.pairs, doc["pairs"], strict=True):
        assert got["group"] == pair.group
        assert got["difference"] == pytest.approx(pair.difference.as_dict())
        assert got["ratio"] == pytest.approx(pair.ratio.as_dict())


def test_best_reference_with_higher_is_better(capsys, tmp_path):
    path = write(tmp_path, "g,r,s,p\na,0.6,0.02,100\nb,0.8,0.03,50\nc,0.7,0.01,300\n")
    args = ["--group", "g", "--rate", "r", "--se", "s", "--population", "p"]
    assert run_json(capsys, str(path), *args, "--reference", "best")["reference"]["name"] == "a"
    doc = run_json(capsys, str(path), *args, "--reference", "best", "--higher-is-better")
    assert doc["reference"]["name"] == "b"
    assert run_json(capsys, str(path), *args, "--reference", "largest")["reference"]["name"] == "c"


def test_undefined_values_are_null(capsys, tmp_path):
    path = write(tmp_path, "g,r,s,p\na,0,0,100\nb,5,1,50\n")
    doc = run_json(
        capsys, str(path), "--group", "g", "--rate", "r", "--se", "s", "--population", "p"
    )
    assert doc["measures"]["mean_log_deviation"]["value"] is None
    assert doc["measures"]["range_ratio"]["ci_low"] is None


def test_copy_of_input_elsewhere_gives_same_output(capsys, tmp_path):
    copy = tmp_path / "copy.csv"
    shutil.copy(INPUT, copy)
    assert run_json(capsys, str(copy), *BASE) == run_json(capsys, str(INPUT), *BASE)


GOOD = "g,r,s,p\na,10,1,100\nb,20,2,200\n"


@pytest.mark.parametrize(
    ("text", "extra", "expect"),
    [
        (GOOD.replace("p\n", "pp\n"), [], ["missing column", "'p'"]),
        ("g,r,s,p\na,10,1,100\nb,2x,2,200\n", [], ["row 2", 'column "r"', "not a number"]),
        ("g,r,s,p\na,10,1,-100\nb,20,2,200\n", [], ["row 1", 'column "p"', "negative"]),
        ("g,r,s,p\na,10,1,100\nb,-20,2,200\n", [], ["row 2", 'column "r"', "negative"]),
        ("g,r,s,p\na,10,-1,100\nb,20,2,200\n", [], ["row 1", 'column "s"', "negative"]),
        (GOOD, ["--reference", "zz"], ['column "g"', "'zz'", "not in the file"]),
        ("g,r,s,p\na,10,1,100\n", [], ["at least 2 groups"]),
        ("g,r,s,p\na,10,1,100\na,20,2,200\n", [], ["row 2", 'column "g"', "more than once"]),
        ("g,r,s,p\na,10,1,100\n,20,2,200\n", [], ["row 2", 'column "g"', "missing"]),
        ("g,r,s,p,o\na,10,1,100,1\nb,20,2,200,1\n", ["--order", "o"], ["two different values"]),
        ("g,r,s,p\na,10,1,0\nb,20,2,0\n", [], ["more than zero"]),
    ],
)
def test_bad_input_is_one_located_line_and_exit_code_2(capsys, tmp_path, text, extra, expect):
    path = write(tmp_path, text)
    line = run_error(
        capsys, str(path), "--group", "g", "--rate", "r", "--se", "s", "--population", "p", *extra
    )
    assert str(path) in line
    for fragment in expect:
        assert fragment in line


def test_missing_file_is_an_input_error(capsys, tmp_path):
    line = run_error(capsys, str(tmp_path / "nope.csv"), *BASE)
    assert "cannot read file" in line


def test_missing_required_option_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["disparity", str(INPUT), "--group", "subgroup"])
    assert info.value.code == 2


def test_help_explains_options_and_has_an_example(capsys):
    with pytest.raises(SystemExit) as info:
        main(["disparity", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--group", "--rate", "--se", "--population", "--reference", "--order"):
        assert option in out
    assert "--higher-is-better" in out
    assert "example:" in out

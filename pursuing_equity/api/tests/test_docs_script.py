"""The script of docs/api.md, run as written against a live server, submits a month of data;
and the same script prints the problems of a bad file."""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

import pytest

from pursuing_equity.api.tests.world import build, headers_of
from pursuing_equity.measures.models import Submission

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def _script(tmp_path: Path) -> Path:
    text = DOC.read_text()
    code = re.search(r"<!-- api-script -->\n```python\n(.*?)```", text, re.S)[1]
    path = tmp_path / "submit_month.py"
    path.write_text(code)
    return path


def _run(script: Path, csv_path: Path, monkeypatch) -> int:
    monkeypatch.setattr(sys, "argv", [str(script), str(csv_path)])
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit:
        return int(exit.code or 0)
    return 0


@pytest.mark.django_db(transaction=True)
def test_the_documented_script_submits_a_month(live_server, tmp_path, monkeypatch, capsys):
    w = build()
    token = headers_of(w.people["member"], "submit-data")["Authorization"].split()[1]
    for name, value in {
        "PE_SITE": live_server.url,
        "PE_TOKEN": token,
        "PE_TEAM": w.team.slug,
        "PE_MEASURE": w.measure.slug,
    }.items():
        monkeypatch.setenv(name, value)
    month = f"{w.period:%Y-%m}"
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "period,stratifier,group,numerator,denominator\n"
        f"{month},race_ethnicity,white,22,40\n{month},race_ethnicity,black,6,12\n",
        encoding="utf-8",
    )
    script = _script(tmp_path)
    assert _run(script, counts, monkeypatch) == 0
    assert f"Stored {month} as version 2" in capsys.readouterr().out
    current = Submission.objects.get(measure=w.measure, period=w.period, is_current=True)
    assert current.version == 2

    counts.write_text(
        f"period,stratifier,group,numerator,denominator\n{month},race_ethnicity,white,50,40\n",
        encoding="utf-8",
    )
    assert _run(script, counts, monkeypatch) == 1
    err = capsys.readouterr().err
    assert "rows[0].numerator" in err and "greater than the denominator" in err

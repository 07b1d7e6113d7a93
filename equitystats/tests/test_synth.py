"""Synthetic extracts and counts: determinism, realistic shares, and recoverable injected gaps."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from equitystats import quality, stratify, synth
from equitystats.cli import main
from equitystats.errors import InputError


@pytest.fixture(scope="module")
def closing_extract(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "extract.parquet"
    return synth.extract(
        n_patients=120_000,
        months=6,
        seed=11,
        disparities={"race_ethnicity": {"black": -0.12}},
        closing=True,
        closing_target=0.25,
        out=path,
        chunk_rows=50_000,
    )


def gap_by_month(result, stratifier, group, reference):
    part = result.select(stratifier=stratifier)
    gaps = []
    for period in part.periods:
        rates = dict(
            zip(part.group[part.period == period], part.rate[part.period == period], strict=True)
        )
        gaps.append(rates[group] - rates[reference])
    return np.array(gaps)


def test_the_injected_gap_is_recovered_by_stratify(closing_extract):
    result = stratify.from_extract(
        closing_extract.path,
        period="month",
        strata="race_ethnicity",
        numerator="numerator",
        denominator="denominator",
    )
    truth = closing_extract.gaps["race_ethnicity"]["black"]
    assert truth[0] == pytest.approx(-0.12) and truth[-1] == pytest.approx(-0.03)
    recovered = gap_by_month(result, "race_ethnicity", "black", "white")
    # About 12,000 Black and 58,000 White patient-months per month: SE of the gap ≈ 0.005.
    np.testing.assert_allclose(recovered, truth, atol=0.02)
    assert recovered[0] < recovered[-1]  # the gap narrows
    white = result.select(stratifier="race_ethnicity")
    white_rates = white.rate[white.group == "white"]
    np.testing.assert_allclose(
        white_rates, closing_extract.expected_rate("race_ethnicity", "white"), atol=0.01
    )


def test_extract_has_the_documented_columns_and_one_row_per_patient_month(closing_extract):
    table = pq.read_table(closing_extract.path)
    assert tuple(table.column_names) == synth.COLUMNS
    assert table.num_rows == closing_extract.n_rows == 120_000 * 6
    assert pc.all(pc.less_equal(table["numerator"], table["denominator"])).as_py()
    assert pc.min(table["month"]).as_py().isoformat() == "2024-01-01"


def test_category_shares_follow_census_2020(closing_extract):
    table = pq.read_table(closing_extract.path, columns=["race_ethnicity"])
    values = table["race_ethnicity"].to_numpy(zero_copy_only=False)
    for group, share in synth.RACE_ETHNICITY_SHARES.items():
        assert np.mean(values == group) == pytest.approx(share, abs=0.005)


def test_same_seed_same_data_whatever_the_chunk_size():
    a = synth.extract(n_patients=3000, months=2, seed=5, chunk_rows=700)
    b = synth.extract(n_patients=3000, months=2, seed=5)
    c = synth.extract(n_patients=3000, months=2, seed=6)
    assert a.table.equals(b.table)
    assert not a.table.equals(c.table)


def test_poor_completeness_produces_every_kind_of_missing_value():
    result = synth.extract(n_patients=40_000, months=1, seed=2, completeness="poor")
    report = quality.completeness(
        result.table, period="month", strata=["race_ethnicity", "sexual_orientation"]
    )
    rows = {r["stratifier"]: r for r in report.to_rows()}
    so = rows["sexual_orientation"]
    assert so["share_unusable"] == pytest.approx(0.65, abs=0.01)
    assert so["share_declined"] == pytest.approx(0.65 * 0.25, abs=0.01)
    assert so["share_missing"] == pytest.approx(0.65 * 0.10, abs=0.01)
    assert rows["race_ethnicity"]["share_unusable"] == pytest.approx(0.28, abs=0.01)
    assert not so["usable"]


def test_csv_output_can_be_stratified(tmp_path):
    path = tmp_path / "e.csv"
    result = synth.extract(n_patients=500, months=3, seed=1, out=path)
    assert result.table is None and result.path == path
    rates = stratify.from_extract(
        path, period="month", strata="language", numerator="numerator", denominator="denominator"
    )
    overall = rates.select(stratifier="overall")
    assert overall.numerator.sum() <= overall.denominator.sum() <= 1500


@pytest.mark.parametrize(
    "bad",
    [
        {"n_patients": 0},
        {"months": 0},
        {"disparities": {"race_ethnicity": {"martian": -0.1}}},
        {"disparities": {"religion": {"x": -0.1}}},
        {"completeness": "excellent"},
        {"closing_target": 2.0, "closing": True},
    ],
)
def test_bad_options_are_input_errors(bad):
    options = {"n_patients": 10, "months": 2, "seed": 1} | bad
    with pytest.raises(InputError):
        synth.extract(**options)


def test_counts_are_deterministic_and_cover_teams_measures_months_strata():
    a = synth.counts(teams=3, months=4, seed=9, strata=("race_ethnicity", "language"))
    b = synth.counts(teams=3, months=4, seed=9, strata=("race_ethnicity", "language"))
    assert a.to_rows() == b.to_rows()
    cells = (len(synth.RACE_ETHNICITY_SHARES) + 4) * (len(synth.LANGUAGE_SHARES) + 4)
    assert len(a) == 3 * len(synth.DEMO_MEASURES) * 4 * cells
    assert (a.numerator <= a.denominator).all()
    assert set(a.team) == {"Team A", "Team B", "Team C"}


def test_counts_carry_the_injected_gap_and_closing_teams_narrow_it():
    data = synth.counts(
        teams=["North", "South"],
        measures={"Screening": 0.6},
        months=12,
        seed=4,
        patients=(40_000, 40_000),
        completeness="complete",
        closing=["South"],
        disparities={"race_ethnicity": {"black": -0.12}},
    )
    for team, last in (("North", -0.12), ("South", -0.03)):
        mask = data.team == team
        columns = {k: v[mask] for k, v in data.columns().items()}
        result = stratify.from_counts(
            columns,
            period="month",
            strata="race_ethnicity",
            numerator="numerator",
            denominator="denominator",
        )
        gaps = gap_by_month(result, "race_ethnicity", "black", "white")
        assert gaps[0] == pytest.approx(-0.12, abs=0.03)
        assert gaps[-1] == pytest.approx(last, abs=0.03)
        np.testing.assert_allclose(data.gaps[team]["race_ethnicity"]["black"][-1], last)


def test_cli_writes_parquet_and_reports_a_summary(tmp_path, capsys):
    out = tmp_path / "sub" / "x.parquet"
    code = main(
        ["synth", "--rows", "1000", "--months", "4", "--seed", "3", "--closing", "--out", str(out)]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["rows"] == 1000 and out.exists()
    assert summary["gaps"]["race_ethnicity"]["black"][0] == -0.12


def test_cli_writes_csv_to_stdout(capsys):
    code = main(
        ["synth", "--rows", "20", "--months", "2", "--seed", "3", "--gap", "language:es=-0.1"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and len(lines) == 21
    assert lines[0].replace('"', "") == ",".join(synth.COLUMNS)


def test_cli_rejects_a_malformed_gap(capsys):
    assert main(["synth", "--rows", "20", "--months", "2", "--seed", "3", "--gap", "black"]) == 2
    assert "--gap" in capsys.readouterr().err

"""Age-adjusted rates: extracts with ages are counted by age band, the dashboard's adjusted rates
match ``equitystats.ageadjust.direct``, and what outsiders see of them is suppressed."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from equitystats import ageadjust, compare
from pursuing_equity.measures import adjusted, services
from pursuing_equity.measures.choices import ChartSettings
from pursuing_equity.measures.extracts import check_extract_file
from pursuing_equity.measures.models import AgeCount
from pursuing_equity.measures.publication import publish
from pursuing_equity.measures.selectors import AgeCountRow, CountRow
from pursuing_equity.measures.tests.factories import TODAY

HEADER = "month,race_ethnicity,language,age,numerator,denominator"
JAN, FEB = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)


def write(tmp_path, *lines: str, header: str = HEADER, name: str = "e.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


# A small hand example: two groups, two bands (15-44 and 45-64), one month.
HAND = [
    # white: young 8/10 and old 3/10; black: young 4/5 and old 6/20
    *["2024-01-01,white,en,30,1,1"] * 8,
    *["2024-01-01,white,en,30,0,1"] * 2,
    *["2024-01-01,white,en,50,1,1"] * 3,
    *["2024-01-01,white,en,50,0,1"] * 7,
    *["2024-01-01,black,en,40,1,1"] * 4,
    *["2024-01-01,black,en,40,0,1"] * 1,
    *["2024-01-01,black,es,60,1,1"] * 6,
    *["2024-01-01,black,es,60,0,1"] * 14,
]


@pytest.mark.django_db
def test_an_extract_with_ages_is_counted_by_group_and_age_band(bp, tmp_path):
    checked = check_extract_file(bp, write(tmp_path, *HAND), "e.csv", today=TODAY)
    assert checked.ok, checked.problems
    got = {
        (r["stratifier"], r["group"], r["age_band"]): (r["numerator"], r["denominator"])
        for r in checked.age_rows
    }
    assert got[("race_ethnicity", "white", "15-44")] == (8, 10)
    assert got[("race_ethnicity", "white", "45-64")] == (3, 10)
    assert got[("race_ethnicity", "black", "15-44")] == (4, 5)
    assert got[("race_ethnicity", "black", "45-64")] == (6, 20)
    assert got[("overall", "all", "45-64")] == (9, 30)
    assert got[("language", "es", "45-64")] == (6, 20)
    # the age bands of each group add up to its counts
    marginal = {(r["stratifier"], r["group"]): r["denominator"] for r in checked.rows}
    for (s, g), n in marginal.items():
        assert sum(v[1] for k, v in got.items() if k[:2] == (s, g)) == n


@pytest.mark.django_db
def test_an_extract_without_ages_has_no_age_counts(bp, tmp_path):
    path = write(
        tmp_path,
        "2024-01-01,white,en,1,1",
        header="month,race_ethnicity,language,numerator,denominator",
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    assert checked.ok and checked.age_rows == []


@pytest.mark.django_db
def test_bad_ages_are_refused_with_their_rows(bp, tmp_path):
    path = write(
        tmp_path,
        "2024-01-01,white,en,30,1,1",
        "2024-01-01,white,en,,1,1",
        "2024-01-01,white,en,thirty,1,1",
        "2024-01-01,white,en,-2,1,1",
        "2024-01-01,white,en,130,0,1",
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    found = [(p.row, p.column, p.message) for p in checked.problems]
    assert found[0][:2] == (3, "age") and "age is missing" in found[0][2]
    assert found[1][:2] == (4, "age") and "'thirty' is not an age in years" in found[1][2]
    assert found[2][:2] == (5, "age") and "not an age in years (0 to 125)" in found[2][2]
    assert "and 1 more row" in found[2][2]
    assert checked.rows == [] and checked.age_rows == []


@pytest.mark.django_db
def test_an_age_outside_every_band_names_the_bands(bp, tmp_path):
    bp.team.cycle.document["measures"]["age_bands"] = ["45-64", "65+"]
    path = write(tmp_path, "2024-01-01,white,en,30,1,1")
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    (problem,) = checked.problems
    assert (problem.row, problem.column) == (2, "age")
    assert "age 30 falls in none of the program's age bands (45-64, 65+)" in problem.message


@pytest.mark.django_db
def test_an_age_band_that_cannot_be_mapped_is_named(bp, tmp_path):
    header = "month,race_ethnicity,language,age_band,numerator,denominator"
    path = write(
        tmp_path,
        "2024-01-01,white,en,45-64,1,1",
        "2024-01-01,white,en,18-44,1,1",
        header=header,
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    (problem,) = checked.problems
    assert (problem.row, problem.column) == (3, "age_band")
    assert "age band “18-44”" in problem.message
    assert "2000 standard" in problem.message or "US 2000" in problem.message


@pytest.mark.django_db
def test_age_bands_from_a_band_column_are_kept(bp, tmp_path):
    header = "month,race_ethnicity,language,age_band,numerator,denominator"
    path = write(
        tmp_path, "2024-01-01,white,en,45-64,1,1", "2024-01-01,white,en,65+,0,1", header=header
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    assert checked.ok, checked.problems
    assert {r["age_band"] for r in checked.age_rows} == {"45-64", "65+"}


@pytest.mark.django_db
def test_confirming_stores_the_age_counts_and_restoring_copies_them(bp, editor, tmp_path):
    data = ("\n".join([HEADER, *HAND]) + "\n").encode()
    checked, upload = services.submission_validate(
        measure=bp,
        actor=editor,
        source="upload_extract",
        file=SimpleUploadedFile("e.csv", data),
        today=TODAY,
    )
    assert checked.ok
    (sub,) = services.submission_confirm(upload=upload, actor=editor)
    assert sub.age_counts.count() == len(checked.age_rows)
    assert (
        AgeCount.objects.get(
            submission=sub, stratifier="race_ethnicity", group="black", age_band="45-64"
        ).numerator
        == 6
    )
    again, upload2 = services.submission_validate(
        measure=bp,
        actor=editor,
        source="upload_extract",
        file=SimpleUploadedFile("e.csv", data),
        today=TODAY,
    )
    services.submission_confirm(upload=upload2, actor=editor)
    sub.refresh_from_db()
    restored = services.submission_restore(submission=sub, actor=editor)
    assert restored.age_counts.count() == sub.age_counts.count()


def rows_of(cells):
    """(period, stratifier, group, band, x, n) → age rows and the matching marginal counts."""
    age_rows = [AgeCountRow(*c) for c in cells]
    totals: dict = {}
    for p, s, g, _, x, n in cells:
        t = totals.setdefault((p, s, g), [0, 0])
        t[0] += x
        t[1] += n
    counts = [CountRow(p, s, g, x, n) for (p, s, g), (x, n) in sorted(totals.items())]
    return age_rows, counts


HAND_CELLS = [
    (JAN, "overall", "all", "15-44", 12, 15),
    (JAN, "overall", "all", "45-64", 9, 30),
    (JAN, "race_ethnicity", "white", "15-44", 8, 10),
    (JAN, "race_ethnicity", "white", "45-64", 3, 10),
    (JAN, "race_ethnicity", "black", "15-44", 4, 5),
    (JAN, "race_ethnicity", "black", "45-64", 6, 20),
]


@pytest.mark.django_db
def test_adjusted_rates_match_equitystats_on_a_hand_example(bp):
    age_rows, _ = rows_of(HAND_CELLS)
    view = adjusted.adjusted_view(
        bp, age_rows, stratifier="race_ethnicity", groups=["black", "white"],
        settings=ChartSettings(),
    )  # fmt: skip
    assert view.standard_label == "Age-adjusted (2000 U.S. standard)"
    assert view.bands == ("15-44", "45-64")
    std = ageadjust.us2000_standard(["15-44", "45-64"])
    white = ageadjust.direct([8, 3], [10, 10], std, multiplier=100)
    black = ageadjust.direct([4, 6], [5, 20], std, multiplier=100)
    by_group = {p.group: p for p in view.points}
    assert [p.group for p in view.points] == ["white", "black"]  # the reference first
    b, w = by_group["black"], by_group["white"]
    assert b.rate == pytest.approx(black.adjusted_rate, abs=1e-3)
    assert (b.low, b.high) == pytest.approx((black.ci_low, black.ci_high), abs=1e-3)
    assert b.crude == pytest.approx(40.0)
    assert w.rate == pytest.approx(white.adjusted_rate, abs=1e-3)
    # black's crude rate (40%) is far below white's (55%): their ages differ, their
    # age-specific rates do not, and the adjusted rates say so
    assert b.rate == pytest.approx(w.rate)
    assert b.difference == pytest.approx(0.0, abs=1e-3)
    d = compare.mover_difference(
        black.adjusted_rate / 100, black.ci_low / 100, black.ci_high / 100,
        white.adjusted_rate / 100, white.ci_low / 100, white.ci_high / 100,
    )  # fmt: skip
    assert (b.difference, b.difference_low, b.difference_high) == pytest.approx(
        tuple(float(v) * 100 for v in d), abs=1e-3
    )
    r = compare.mover_ratio(
        black.adjusted_rate, black.ci_low, black.ci_high,
        white.adjusted_rate, white.ci_low, white.ci_high,
    )  # fmt: skip
    assert (b.ratio, b.ratio_low, b.ratio_high) == pytest.approx(
        tuple(float(v) for v in r), abs=1e-3
    )
    assert w.difference is None and w.ratio is None


@pytest.mark.django_db
def test_the_team_total_standard_weighs_the_bands_by_the_teams_patients(bp):
    age_rows, _ = rows_of(HAND_CELLS)
    view = adjusted.adjusted_view(
        bp, age_rows, stratifier="race_ethnicity", groups=["black", "white"],
        settings=ChartSettings(age_standard="team_total"),
    )  # fmt: skip
    assert view.standard_label.startswith("Age-adjusted (the team's own patients")
    black = ageadjust.direct([4, 6], [5, 20], [15, 30], multiplier=100)
    assert {p.group: p.rate for p in view.points}["black"] == pytest.approx(
        black.adjusted_rate, abs=1e-3
    )


@pytest.mark.django_db
def test_a_group_without_patients_in_a_band_has_no_adjusted_rate(bp):
    cells = [c for c in HAND_CELLS if not (c[2] == "black" and c[3] == "15-44")]
    age_rows, _ = rows_of(cells)
    view = adjusted.adjusted_view(
        bp, age_rows, stratifier="race_ethnicity", groups=["black", "white"],
        settings=ChartSettings(),
    )  # fmt: skip
    black = {p.group: p for p in view.points}["black"]
    assert black.rate is None and black.note == "no patients aged 15-44"


@pytest.mark.django_db
def test_no_section_for_a_stratifier_without_age_counts(bp):
    age_rows, _ = rows_of(HAND_CELLS)
    assert (
        adjusted.adjusted_view(
            bp, age_rows, stratifier="language", groups=["en"], settings=ChartSettings()
        )
        is None
    )
    assert (
        adjusted.adjusted_view(
            bp, [], stratifier="race_ethnicity", groups=["white"], settings=ChartSettings()
        )
        is None
    )


def _big(x_young, n_young, x_old, n_old):
    return [(JAN, "race_ethnicity", "white", "15-44", 60, 80), (JAN, "race_ethnicity", "white", "45-64", 30, 90),
            (JAN, "race_ethnicity", "black", "15-44", x_young, n_young), (JAN, "race_ethnicity", "black", "45-64", x_old, n_old),
            (JAN, "overall", "all", "15-44", 60 + x_young, 80 + n_young), (JAN, "overall", "all", "45-64", 30 + x_old, n_old + 90)]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cells,shown",
    [
        (_big(20, 40, 15, 50), True),  # every band above the threshold
        (_big(5, 40, 15, 50), False),  # 5 events aged 15-44: a cell the release would hide
        (_big(0, 40, 15, 50), True),  # a zero beside a published denominator hides nothing
    ],
)
def test_outside_the_team_a_rate_built_on_a_small_cell_is_hidden(bp, cells, shown):
    age_rows, counts = rows_of(cells)
    published = publish(counts, suppressed=True, threshold=10)
    view = adjusted.adjusted_view(
        bp, age_rows, stratifier="race_ethnicity", groups=["black", "white"],
        settings=ChartSettings(), published=published,
    )  # fmt: skip
    black = {p.group: p for p in view.points}["black"]
    assert (black.rate is not None) is shown
    if not shown:
        assert black.note.startswith("hidden outside the team")
        assert black.crude is None and black.difference is None
    assert "more than 10 patients" in view.note
    team_view = adjusted.adjusted_view(
        bp, age_rows, stratifier="race_ethnicity", groups=["black", "white"],
        settings=ChartSettings(),
    )  # fmt: skip
    assert {p.group: p for p in team_view.points}["black"].rate is not None


@pytest.mark.django_db
def test_a_hidden_reference_hides_every_gap(bp):
    cells = [
        (JAN, "race_ethnicity", "white", "15-44", 3, 80),
        (JAN, "race_ethnicity", "white", "45-64", 30, 90),
        (JAN, "race_ethnicity", "black", "15-44", 20, 40),
        (JAN, "race_ethnicity", "black", "45-64", 15, 50),
        (JAN, "overall", "all", "15-44", 23, 120),
        (JAN, "overall", "all", "45-64", 45, 140),
    ]
    age_rows, counts = rows_of(cells)
    published = publish(counts, suppressed=True, threshold=10)
    view = adjusted.adjusted_view(
        bp, age_rows, stratifier="race_ethnicity", groups=["black", "white"],
        settings=ChartSettings(), published=published,
    )  # fmt: skip
    black = {p.group: p for p in view.points}["black"]
    assert black.rate is not None and black.difference is None
    assert np.isfinite(black.rate)


COUNTS_HEADER = "period,stratifier,group,age_band,numerator,denominator"


def counts_file(*lines: str) -> bytes:
    return ("\n".join([COUNTS_HEADER, *lines]) + "\n").encode()


@pytest.mark.django_db
def test_counts_uploaded_by_age_band_feed_the_age_adjusted_rates(bp):
    from pursuing_equity.measures.uploads import check_counts_file

    data = counts_file(
        "2024-01,overall,all,,21,45",
        "2024-01,race_ethnicity,white,,11,20",
        "2024-01,race_ethnicity,black,,10,25",
        "2024-01,language,en,,21,45",
        "2024-01,race_ethnicity,white,15-44,8,10",
        "2024-01,race_ethnicity,white,45-64,3,10",
        "2024-01,race_ethnicity,black,15-44,4,5",
        "2024-01,race_ethnicity,black,45-64,6,20",
    )
    checked = check_counts_file(bp, "c.csv", data, today=TODAY)
    assert checked.ok, checked.problems
    got = {(r["stratifier"], r["group"], r["age_band"]): r["denominator"] for r in checked.age_rows}
    assert got[("overall", "all", "45-64")] == 30  # the total's bands, from the groups'
    assert len(checked.rows) == 4  # the band rows are not groups of their own
    rows = [AgeCountRow(JAN, r["stratifier"], r["group"], r["age_band"], r["numerator"],
                        r["denominator"]) for r in checked.age_rows]  # fmt: skip
    view = adjusted.adjusted_view(
        bp, rows, stratifier="race_ethnicity", groups=["black", "white"], settings=ChartSettings()
    )
    std = ageadjust.us2000_standard(["15-44", "45-64"])
    black = ageadjust.direct([4, 6], [5, 20], std, multiplier=100)
    assert {p.group: p.rate for p in view.points}["black"] == pytest.approx(
        black.adjusted_rate, abs=1e-3
    )


@pytest.mark.django_db
def test_age_band_rows_that_do_not_add_up_or_cannot_be_mapped_are_named(bp):
    from pursuing_equity.measures.uploads import check_counts_file

    data = counts_file(
        "2024-01,race_ethnicity,white,,11,20",
        "2024-01,race_ethnicity,black,,10,25",
        "2024-01,language,en,,21,45",
        "2024-01,race_ethnicity,white,15-44,8,10",
        "2024-01,race_ethnicity,white,45-64,3,9",
        "2024-01,race_ethnicity,black,18-44,4,5",
    )
    checked = check_counts_file(bp, "c.csv", data, today=TODAY)
    found = [(p.row, p.column, p.message) for p in checked.problems]
    assert found[0][:2] == (7, "age_band") and "age band “18-44”" in found[0][2]
    assert len(found) == 1  # nothing is added up while a band cannot be read
    fixed = data.replace(b"18-44", b"15-44")
    checked = check_counts_file(bp, "c.csv", fixed, today=TODAY)
    messages = [str(p) for p in checked.problems]
    assert any("the age-band rows of white (race_ethnicity, 2024-01) add up to 11/19" in m
               for m in messages), messages  # fmt: skip
    assert checked.rows == [] and checked.age_rows == []

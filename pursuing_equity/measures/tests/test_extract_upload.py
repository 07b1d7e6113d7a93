"""Patient-level extracts: refused with located problems, or aggregated (and never kept)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from equitystats import synth
from pursuing_equity.measures import services
from pursuing_equity.measures.extracts import check_extract_file, identifier_kind
from pursuing_equity.measures.models import Upload
from pursuing_equity.measures.tests.factories import TODAY

HEADER = "month,race_ethnicity,language,numerator,denominator"


def write(tmp_path, name: str, *lines: str, header: str = HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("patient_name", "a name"),
        ("Last Name", "a name"),
        ("MRN", "a medical record number"),
        ("ssn", "a social security number"),
        ("DOB", "a date of birth"),
        ("birth_date", "a date of birth"),
        ("street_address", "an address"),
        ("phone", "a telephone number"),
        ("E-mail", "an email address"),
    ],
)
def test_direct_identifiers_are_recognised_by_column_name(column, kind):
    assert identifier_kind(column) == kind


@pytest.mark.parametrize(
    "column", ["race_ethnicity", "language", "numerator", "month", "payer", "zip3"]
)
def test_ordinary_columns_are_not_identifiers(column):
    assert identifier_kind(column) is None


@pytest.mark.django_db
def test_an_extract_with_identifiers_is_refused_naming_each_column(bp, tmp_path):
    path = write(
        tmp_path,
        "e.csv",
        "2024-01-01,white,en,1,1,Ann,555-1234",
        header=HEADER + ",patient_name,phone",
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    assert [(p.row, p.column, p.letter) for p in checked.problems] == [
        (1, "patient_name", "F"),
        (1, "phone", "G"),
    ]
    assert "looks like a name, a direct identifier" in checked.problems[0].message


@pytest.mark.django_db
def test_an_extract_missing_a_stratifier_column_is_refused(bp, tmp_path):
    path = write(
        tmp_path,
        "e.csv",
        "2024-01-01,white,1,1",
        header="month,race_ethnicity,numerator,denominator",
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    assert [(p.column, p.message.split(" (")[0]) for p in checked.problems] == [
        ("language", "the column “language” is missing")
    ]


@pytest.mark.django_db
def test_every_kind_of_bad_row_is_reported_with_its_first_row_and_count(bp, tmp_path):
    path = write(
        tmp_path,
        "e.csv",
        "2024-01-01,white,en,1,1",
        "2024-01-01,black,en,2,1",
        ",white,en,0,1",
        "2024-01-01,white,en,0.5,1",
        "2024-01-01,white,en,3,1",
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    got = [(p.row, p.column, p.message) for p in checked.problems]
    assert (4, "month", "the period is missing") in got
    assert (5, "numerator", "'0.5' is not a whole number") in got
    assert (
        3,
        "numerator",
        "the numerator 2 is greater than the denominator 1 (and 1 more row like this)",
    ) in got


@pytest.mark.django_db
def test_unknown_categories_in_an_extract_are_each_listed(bp, tmp_path):
    path = write(
        tmp_path,
        "e.csv",
        "2024-01-01,white,en,1,1",
        "2024-01-01,martian,en,1,1",
        "2024-01-01,white,klingon!,0,1",
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    got = {(p.row, p.column) for p in checked.problems}
    assert got == {(3, "race_ethnicity"), (4, "language")}


@pytest.mark.django_db
def test_a_non_utf8_extract_is_refused_with_its_line(bp, tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(
        (HEADER + "\n2024-01-01,white,en,1,1\n2024-01-01,caf\xe9,en,1,1\n").encode("latin-1")
    )
    checked = check_extract_file(bp, path, "e.csv", today=TODAY)
    assert [(p.row, p.message[:26]) for p in checked.problems] == [
        (3, "The file is not UTF-8 text")
    ]


@pytest.mark.django_db
def test_wrong_type_and_empty_extracts_are_refused(bp, tmp_path):
    (tmp_path / "e.xlsx").write_bytes(b"PK\x03\x04")
    assert (
        "Wrong file type “.xlsx”"
        in check_extract_file(bp, tmp_path / "e.xlsx", "e.xlsx", today=TODAY).problems[0].message
    )
    (tmp_path / "e.csv").write_bytes(b"")
    assert (
        check_extract_file(bp, tmp_path / "e.csv", "e.csv", today=TODAY).problems[0].message
        == "The file is empty."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_synthetic_extract_is_aggregated_to_the_same_counts_as_the_library(bp, tmp_path, suffix):
    generated = synth.extract(
        n_patients=400,
        months=3,
        seed=5,
        completeness="poor",
        start="2024-01",
        out=tmp_path / f"x{suffix}",
    )
    checked = check_extract_file(bp, generated.path, f"x{suffix}", today=TODAY)
    assert checked.ok, checked.problems
    table = generated.path
    import duckdb

    expected = duckdb.sql(
        f"SELECT SUM(numerator)::INT, SUM(denominator)::INT FROM '{table}' WHERE race_ethnicity = 'black' "  # noqa: S608 - a test's own temp path
        "AND month = DATE '2024-02-01'"
    ).fetchall()[0]
    row = next(r for r in checked.rows if r["period"] == "2024-02-01" and r["group"] == "black")
    assert (row["numerator"], row["denominator"]) == expected
    overall = [r for r in checked.rows if r["stratifier"] == "overall"]
    assert len(overall) == 3
    for stratifier in ("race_ethnicity", "language"):
        total = sum(
            r["denominator"]
            for r in checked.rows
            if r["stratifier"] == stratifier and r["period"] == "2024-01-01"
        )
        assert total == overall[0]["denominator"]
    assert any(r["group"] == "missing" for r in checked.rows)  # blank demographics kept apart


@pytest.mark.django_db
def test_the_extract_is_not_kept_after_upload(bp, editor, tmp_path, media_in_tmp):
    generated = synth.extract(
        n_patients=50, months=2, seed=1, start="2024-01", out=tmp_path / "x.parquet"
    )
    upload_file = SimpleUploadedFile("x.parquet", generated.path.read_bytes())
    checked, upload = services.submission_validate(
        measure=bp, actor=editor, source=Upload.Source.EXTRACT, file=upload_file, today=TODAY
    )
    assert checked.ok
    assert not upload.file
    assert upload.rows
    assert not media_in_tmp.exists() or not any(media_in_tmp.rglob("*.parquet"))

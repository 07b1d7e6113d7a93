"""A corpus of malformed counts files: each must be refused with the precise problem, located."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from pursuing_equity.measures.tests.factories import TODAY
from pursuing_equity.measures.uploads import check_counts_file

HEADER = "period,stratifier,group,numerator,denominator"
GOOD = [
    "2024-01,overall,all,50,100",
    "2024-01,race_ethnicity,white,30,60",
    "2024-01,race_ethnicity,black,20,40",
]


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Counts"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_HEADER = ["period", "stratifier", "group", "numerator", "denominator"]

# (name, file name, content, [(row, column, words in the message)])
CORPUS = [
    ("empty file", "c.csv", b"", [(None, None, "The file is empty")]),
    ("only blank lines", "c.csv", b"\r\n\r\n", [(None, None, "The file is empty")]),
    ("wrong file type", "c.pdf", b"%PDF-1.4", [(None, None, "Wrong file type “.pdf”")]),
    ("no extension", "counts", b"a,b", [(None, None, "Wrong file type “no extension”")]),
    (
        "old excel",
        "c.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
        [(None, None, "Excel 97–2003")],
    ),
    (
        "xlsx that is not a workbook",
        "c.xlsx",
        b"period,stratifier",
        [(None, None, "not an Excel workbook")],
    ),
    ("workbook named csv", "c.csv", b"PK\x03\x04rest", [(None, None, "is an Excel workbook")]),
    (
        "latin-1 encoding",
        "c.csv",
        csv_bytes(*GOOD).replace(
            b"2024-01,race_ethnicity,black", b"2024-01,race_ethnicity,caf\xe9"
        ),
        [(4, None, "not UTF-8 text: byte 0xE9")],
    ),
    ("utf-16", "c.csv", HEADER.encode("utf-16"), [(None, None, "UTF-16")]),
    (
        "missing column",
        "c.csv",
        csv_bytes("2024-01,overall,all,50", header="period,stratifier,group,numerator"),
        [(1, "denominator", "the column “denominator” is missing")],
    ),
    (
        "two missing columns",
        "c.csv",
        csv_bytes("2024-01,overall,50", header="period,stratifier,numerator"),
        [(1, "group", "“group” is missing"), (1, "denominator", "“denominator” is missing")],
    ),
    (
        "duplicate column",
        "c.csv",
        csv_bytes("2024-01,overall,all,50,100,3", header=HEADER + ",numerator"),
        [(1, "numerator", "appears twice (also column D)")],
    ),
    ("header but no data", "c.csv", csv_bytes(), [(None, None, "No counts are filled in")]),
    (
        "unknown category",
        "c.csv",
        csv_bytes(GOOD[0], GOOD[1], "2024-01,race_ethnicity,martian,20,40"),
        [(4, "group", "“martian” is not a category of race_ethnicity")],
    ),
    (
        "unknown stratifier",
        "c.csv",
        csv_bytes(GOOD[0], "2024-01,payer,medicaid,20,40"),
        [(3, "stratifier", "“payer” is not a stratifier of this measure")],
    ),
    (
        "numerator above denominator",
        "c.csv",
        csv_bytes(GOOD[0], GOOD[1], "2024-01,race_ethnicity,black,45,40"),
        [(4, "numerator", "the numerator 45 is greater than the denominator 40")],
    ),
    (
        "negative count",
        "c.csv",
        csv_bytes(GOOD[0], GOOD[1], "2024-01,race_ethnicity,black,-2,40"),
        [(4, "numerator", "-2 is negative")],
    ),
    (
        "fractional count",
        "c.csv",
        csv_bytes(GOOD[0], GOOD[1], "2024-01,race_ethnicity,black,20,40.5"),
        [(4, "denominator", "40.5 is not a whole number")],
    ),
    (
        "text in a count",
        "c.csv",
        csv_bytes(GOOD[0], GOOD[1], "2024-01,race_ethnicity,black,twenty,40"),
        [(4, "numerator", "“twenty” is not a number")],
    ),
    (
        "missing period",
        "c.csv",
        csv_bytes(GOOD[0], ",race_ethnicity,white,30,60"),
        [(3, "period", "the period is missing")],
    ),
    (
        "malformed period",
        "c.csv",
        csv_bytes(GOOD[0], "Jan-24,race_ethnicity,white,30,60"),
        [(3, "period", "'Jan-24' is not a period; write it like 2024-01")],
    ),
    (
        "impossible month",
        "c.csv",
        csv_bytes("2024-13,overall,all,50,100"),
        [(2, "period", "'2024-13' is not a period")],
    ),
    (
        "quarter for a monthly measure",
        "c.csv",
        csv_bytes("2024-Q1,overall,all,50,100"),
        [(2, "period", "is a quarter but this measure is monthly")],
    ),
    (
        "period in the future",
        "c.csv",
        csv_bytes("2024-09,overall,all,50,100"),
        [(2, "period", "2024-09 is in the future")],
    ),
    (
        "duplicate rows",
        "c.csv",
        csv_bytes(*GOOD, "2024-01,race_ethnicity,White,30,60"),
        [(5, "group", "duplicates row 3")],
    ),
    (
        "numerator without denominator",
        "c.csv",
        csv_bytes(GOOD[0], "2024-01,race_ethnicity,white,30,"),
        [(3, "denominator", "the denominator is missing")],
    ),
    (
        "strata do not add up to the overall",
        "c.csv",
        csv_bytes(GOOD[0], GOOD[1], "2024-01,race_ethnicity,black,20,30"),
        [(2, "denominator", "add up to a denominator of 90, but the overall row says 100")],
    ),
    (
        "two stratifiers disagree without an overall row",
        "c.csv",
        csv_bytes(GOOD[1], GOOD[2], "2024-01,language,en,50,99"),
        [
            (
                4,
                "denominator",
                "the language rows of 2024-01 add up to 50/99 but the race_ethnicity rows to 50/100",
            )
        ],
    ),
    (
        "formula in a csv cell",
        "c.csv",
        csv_bytes(GOOD[0], GOOD[1], "2024-01,race_ethnicity,black,=B2*2,40"),
        [(4, "numerator", "cell D4 holds a formula (=B2*2)")],
    ),
    (
        "overall row with a group",
        "c.csv",
        csv_bytes("2024-01,overall,white,50,100"),
        [(2, "group", "the overall row's group must be “all”")],
    ),
    (
        "blank group",
        "c.csv",
        csv_bytes(GOOD[0], "2024-01,race_ethnicity,,30,60"),
        [(3, "group", "the group is missing")],
    ),
    (
        "unterminated quote",
        "c.csv",
        csv_bytes(GOOD[0], '2024-01,race_ethnicity,"white,30,60'),
        [(3, None, 'a quotation mark (") opens a cell that is never closed')],
    ),
    (
        "formula in an xlsx cell",
        "c.xlsx",
        xlsx_bytes(
            [
                XLSX_HEADER,
                ["2024-01", "overall", "all", 50, 100],
                ["2024-01", "race_ethnicity", "white", "=D2-20", 60],
            ]
        ),
        [(3, "numerator", "cell D3 holds a formula (=D2-20)")],
    ),
    (
        "fraction in an xlsx cell",
        "c.xlsx",
        xlsx_bytes([XLSX_HEADER, ["2024-01", "overall", "all", 50.5, 100]]),
        [(2, "numerator", "50.5 is not a whole number")],
    ),
    (
        "xlsx missing column",
        "c.xlsx",
        xlsx_bytes(
            [["period", "stratifier", "group", "numerator"], ["2024-01", "overall", "all", 50]]
        ),
        [(1, "denominator", "“denominator” is missing")],
    ),
    (
        "empty xlsx",
        "c.xlsx",
        xlsx_bytes([]),
        [(None, None, "The file is empty")],
    ),
]


def test_the_corpus_has_at_least_25_malformed_files():
    assert len(CORPUS) >= 25


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "filename", "content", "expected"), CORPUS, ids=[c[0] for c in CORPUS]
)
def test_malformed_file_is_refused_with_located_problem(bp, name, filename, content, expected):
    checked = check_counts_file(bp, filename, content, today=TODAY)
    assert not checked.ok
    assert checked.rows == []
    found = [(p.row, p.column, p.message) for p in checked.problems]
    for row, column, words in expected:
        assert any(r == row and c == column and words in m for r, c, m in found), found
    assert len(found) == len(expected), found


@pytest.mark.django_db
def test_every_problem_of_a_file_is_listed_not_only_the_first(bp):
    content = csv_bytes(
        "2024-01,overall,all,50,100",
        "2024-01,race_ethnicity,martian,1,2",
        "2024-01,race_ethnicity,white,x,60",
        "2024-01,race_ethnicity,black,50,40",
        "2099-01,overall,all,1,1",
    )
    checked = check_counts_file(bp, "c.csv", content, today=TODAY)
    assert [(p.row, p.column) for p in checked.problems] == [
        (3, "group"),
        (4, "numerator"),
        (5, "numerator"),
        (6, "period"),
    ]
    assert str(checked.problems[0]).startswith("Row 3, column C (group): ")


@pytest.mark.django_db
def test_the_template_filled_in_is_accepted_and_labels_are_normalised(bp):
    content = csv_bytes(
        "2024-01,overall,all,50,100",
        "2024-01,Race and ethnicity,Black or African American,20,40",
        "2024-01,race_ethnicity,White,30,60",
        "2024-02,overall,all,10,10",
    )
    checked = check_counts_file(bp, "c.csv", content, today=TODAY)
    assert checked.ok, checked.problems
    assert {
        (r["period"], r["stratifier"], r["group"], r["numerator"], r["denominator"])
        for r in checked.rows
    } == {
        ("2024-01-01", "overall", "all", 50, 100),
        ("2024-01-01", "race_ethnicity", "black", 20, 40),
        ("2024-01-01", "race_ethnicity", "white", 30, 60),
        ("2024-02-01", "overall", "all", 10, 10),
    }


@pytest.mark.django_db
def test_overall_is_derived_when_absent(bp):
    checked = check_counts_file(bp, "c.csv", csv_bytes(GOOD[1], GOOD[2]), today=TODAY)
    assert checked.ok
    assert checked.rows[0] == {
        "period": "2024-01-01",
        "stratifier": "overall",
        "group": "all",
        "numerator": 50,
        "denominator": 100,
    }

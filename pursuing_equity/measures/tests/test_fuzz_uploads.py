"""Fuzzing the counts parser (issue 13): whatever bytes arrive, ``check_counts_file`` answers with
problems a person can read, never an exception. The slow test (``-m slow``) runs 100,000 examples
once in CI; the default run a few hundred."""

import datetime
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pursuing_equity.core.tests.fuzzing import fuzz
from pursuing_equity.measures import template_files
from pursuing_equity.measures.models import Measure
from pursuing_equity.measures.uploads import COLUMNS, check_counts_file

TODAY = datetime.date(2024, 12, 15)
MEASURE = Measure(
    name="Blood pressure control",
    frequency="monthly",
    stratifiers=["race_ethnicity", "language", "housing"],
    custom_stratifiers={"housing": {"label": "Housing", "categories": ["stable", "unstable"]}},
)
TEMPLATE_XLSX = template_files.as_xlsx(MEASURE, TODAY)
TEMPLATE_CSV = template_files.as_csv(MEASURE, TODAY)

cells = st.one_of(
    st.sampled_from(
        [
            "2024-01",
            "2024-11-01",
            "2024-Q3",
            "overall",
            "all",
            "race_ethnicity",
            "language",
            "housing",
            "stable",
            "hispanic_latino",
            "english",
            "0",
            "-1",
            "1e9",
            "3.5",
            "NaN",
            "99999999999999999999",
            "",
            " ",
            "=cmd|' /C calc'!A0",
            "\ufeffperiod",
            '"',
            "\x00",
        ]
    ),
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
header = st.one_of(
    st.permutations([*COLUMNS, "group_name"]).map(list),
    st.lists(st.sampled_from([*COLUMNS, "group_name", "extra", ""]), max_size=8),
)
delimiters = st.sampled_from([",", ";", "\t"])


@st.composite
def csv_files(draw) -> bytes:
    sep = draw(delimiters)
    head = draw(header)
    rows = draw(st.lists(st.lists(cells, max_size=8), max_size=12))
    text = "\n".join(sep.join(r) for r in [head, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


@st.composite
def damaged(draw, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(min_value=len(data) // 2, max_value=len(data)))
    return bytes(data[:cut])


@st.composite
def workbooks(draw) -> bytes:
    """The template workbook with one member's XML replaced by text drawn from its pieces."""
    source = zipfile.ZipFile(io.BytesIO(TEMPLATE_XLSX))
    members = source.namelist()
    target = draw(st.sampled_from(members))
    original = source.read(target)
    start = draw(st.integers(0, len(original)))
    replacement = draw(st.binary(max_size=64) | st.sampled_from([b"<", b"&lol;", b"<!DOCTYPE x>"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in members:
            data = source.read(name)
            if name == target:
                data = data[:start] + replacement + data[start + len(replacement) :]
            archive.writestr(name, data)
    return out.getvalue()


uploads = st.one_of(
    st.tuples(st.sampled_from(["counts.csv", "counts.xlsx", "counts.xls", "counts"]), st.binary()),
    st.tuples(st.just("counts.csv"), csv_files()),
    st.tuples(st.just("counts.csv"), damaged(TEMPLATE_CSV)),
    st.tuples(st.just("counts.xlsx"), damaged(TEMPLATE_XLSX)),
    st.tuples(st.just("counts.xlsx"), workbooks()),
)


def check_never_raises(upload: tuple[str, bytes]) -> None:
    name, data = upload
    checked = check_counts_file(MEASURE, name, data, today=TODAY)
    for problem in checked.problems:
        assert str(problem)
    assert checked.ok or not checked.rows


@fuzz(300)
@given(uploads)
def test_any_counts_file_gets_an_answer_not_an_exception(upload):
    check_never_raises(upload)


@pytest.mark.slow
@fuzz(100_000)
@given(uploads)
def test_any_counts_file_gets_an_answer_not_an_exception_100k(upload):
    check_never_raises(upload)

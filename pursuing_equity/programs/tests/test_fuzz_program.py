"""Fuzzing the program loader (issue 13): any TOML text, and any value put anywhere in the real
program file, is either loaded or refused with located errors — never an exception.

The slow tests (``-m slow``, run once in CI) try 100,000 texts; the default run a few hundred.
Whole-document mutations are costlier (the whole file is validated each time), so they run a
hundred examples by default and a few thousand in the slow run.
"""

import copy
import datetime
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pursuing_equity.core.tests.fuzzing import fuzz
from pursuing_equity.programs.schema import validate
from pursuing_equity.programs.services import ProgramFileError, program_read
from pursuing_equity.programs.tests.factories import PROGRAM_FILE

GOOD_TEXT = PROGRAM_FILE.read_text(encoding="utf-8")
GOOD = tomllib.loads(GOOD_TEXT)
FOLDER = Path(tempfile.mkdtemp(prefix="pe-fuzz-program-"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["2023-09", "2023-13", "2024-02-30", "America/New_York", "Mars/Olympus", ""]),
    st.dates(min_value=datetime.date(1, 1, 1)),
    st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def load_text(text: str) -> None:
    path = FOLDER / "program.toml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        program_read(path)
    except ProgramFileError as error:
        assert error.errors and all(str(e) for e in error.errors)


@st.composite
def texts(draw) -> str:
    """Real lines of the program file, some dropped, repeated, cut or replaced by noise."""
    lines = GOOD_TEXT.splitlines()
    start = draw(st.integers(0, len(lines) - 1))
    chosen = lines[start : start + draw(st.integers(1, 60))]
    noise = st.sampled_from(["[", "]]", "=", '"', "'''", "x = ", "[cycle]", "[[activities]]"])
    edits = draw(
        st.lists(st.tuples(st.integers(0, len(chosen)), st.text(max_size=20) | noise), max_size=5)
    )
    for at, extra in edits:
        chosen.insert(at, extra)
    return "\n".join(chosen)


any_text = st.one_of(st.text(max_size=200), texts())


@st.composite
def mutated(draw) -> dict:
    """The real document with one value, anywhere in it, replaced (or its key removed)."""
    document = copy.deepcopy(GOOD)
    node = document
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        if isinstance(node, dict) and draw(st.integers(0, 4)) == 0:
            del node[key]
        else:
            node[key] = draw(values)
        break
    return document


def validate_never_raises(document: dict) -> None:
    for error in validate(document):
        assert str(error)


@fuzz(300)
@given(any_text)
def test_any_program_text_is_loaded_or_refused_with_errors(text):
    load_text(text)


@fuzz(100)
@given(mutated())
def test_any_value_anywhere_in_the_program_is_refused_with_errors(document):
    validate_never_raises(document)


@pytest.mark.slow
@fuzz(100_000)
@given(any_text)
def test_any_program_text_is_loaded_or_refused_with_errors_100k(text):
    load_text(text)


@pytest.mark.slow
@fuzz(3_000)
@given(mutated())
def test_any_value_anywhere_in_the_program_is_refused_with_errors_slow(document):
    validate_never_raises(document)

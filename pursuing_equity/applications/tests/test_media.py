"""Reading what a file really is from its bytes (no database)."""

import io

import pytest

from pursuing_equity.applications import media
from pursuing_equity.applications.tests.files import (
    corrupt_pdf_bytes,
    exe_bytes,
    mp4_bytes,
    pdf_bytes,
    webm_bytes,
)
from pursuing_equity.core.pdf import pdf_problem


def test_a_valid_pdf_passes():
    assert pdf_problem(io.BytesIO(pdf_bytes())) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (exe_bytes(), "not a PDF"),
        (corrupt_pdf_bytes(), "end-of-file"),
        (b"%PDF-1.4\n%%EOF\n", "cross-reference"),
        (b"%PDF-1.4\nstartxref\n0\n%%EOF\n", "no objects"),
    ],
)
def test_bad_pdfs_are_named(content, message):
    assert message in pdf_problem(io.BytesIO(content))


@pytest.mark.parametrize("version", [0, 1])
def test_mp4_duration_is_read_from_the_movie_header(version):
    assert media.video_duration_seconds(io.BytesIO(mp4_bytes(612.5, version=version))) == 612.5


def test_quicktime_mov_duration_is_read():
    assert media.video_duration_seconds(io.BytesIO(mp4_bytes(301, brand=b"qt  "))) == 301


@pytest.mark.parametrize("unknown_size", [True, False])
def test_webm_duration_is_read_from_segment_info(unknown_size):
    data = webm_bytes(480.25, unknown_segment_size=unknown_size)
    assert media.video_duration_seconds(io.BytesIO(data)) == pytest.approx(480.25)


def test_container_is_recognised_from_content_not_name():
    assert media.video_container(io.BytesIO(mp4_bytes(10))) == "mp4"
    assert media.video_container(io.BytesIO(webm_bytes(10))) == "webm"
    assert media.video_container(io.BytesIO(pdf_bytes())) is None


@pytest.mark.parametrize(
    "content",
    [exe_bytes(), b"", mp4_bytes(10)[:40], b"\x1a\x45\xdf\xa3" + b"\x80" * 8],
)
def test_unreadable_videos_raise_a_clear_error(content):
    with pytest.raises(media.VideoError):
        media.video_duration_seconds(io.BytesIO(content))


def test_a_box_running_past_the_end_is_refused():
    data = bytearray(mp4_bytes(10))
    data[20:24] = (10**6).to_bytes(4, "big")  # the mdat box after the 20-byte ftyp
    with pytest.raises(media.VideoError):
        media.video_duration_seconds(io.BytesIO(bytes(data)))

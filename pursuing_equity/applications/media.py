"""What an uploaded video really is, read from its bytes: small pure functions, no Django (a
PDF's check is :func:`pursuing_equity.core.pdf.pdf_problem`).

- :func:`video_duration_seconds` — the duration stored in an MP4/QuickTime movie header box
  (``moov``/``mvhd``, ISO/IEC 14496-12 §8.2.2) or in a WebM/Matroska ``Segment/Info/Duration``
  element (scaled by ``TimecodeScale``, Matroska spec §5.1.2), reading only the headers, so a
  1 GB file costs a few small reads.

Every function takes a binary file object positioned anywhere and leaves the position unspecified.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

# --- video ------------------------------------------------------------------------------------


class VideoError(ValueError):
    """The file is not a video we can read the duration of."""


MP4_TOP_LEVEL = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"meta"}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def video_container(stream: BinaryIO) -> str | None:
    """ "mp4" (MP4 or QuickTime), "webm" (WebM or Matroska), or None, from the first bytes."""
    stream.seek(0)
    head = stream.read(12)
    if head[:4] == EBML_MAGIC:
        return "webm"
    if len(head) >= 8 and head[4:8] in MP4_TOP_LEVEL:
        return "mp4"
    return None


def video_duration_seconds(stream: BinaryIO) -> float:
    """The video's duration in seconds, read from its container header. Raises VideoError."""
    kind = video_container(stream)
    if kind == "mp4":
        return _mp4_duration(stream)
    if kind == "webm":
        return _webm_duration(stream)
    raise VideoError("The file is not an MP4, MOV or WebM video.")


def _file_size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    return stream.tell()


def _mp4_boxes(stream: BinaryIO, start: int, end: int):
    """(type, payload start, payload end) of the boxes between ``start`` and ``end``."""
    offset = start
    while offset + 8 <= end:
        stream.seek(offset)
        header = stream.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        payload = offset + 8
        if size == 1:
            large = stream.read(8)
            if len(large) < 8:
                return
            size = struct.unpack(">Q", large)[0]
            payload = offset + 16
        elif size == 0:
            size = end - offset
        if size < payload - offset or offset + size > end:
            raise VideoError("The video file is damaged (a box runs past the end of the file).")
        yield kind, payload, offset + size
        offset += size


def _mp4_duration(stream: BinaryIO) -> float:
    end = _file_size(stream)
    for kind, start, stop in _mp4_boxes(stream, 0, end):
        if kind != b"moov":
            continue
        for child, cstart, cstop in _mp4_boxes(stream, start, stop):
            if child != b"mvhd":
                continue
            stream.seek(cstart)
            body = stream.read(min(cstop - cstart, 32))
            if len(body) < 20:
                break
            version = body[0]
            if version == 1:
                if len(body) < 32:
                    break
                timescale, duration = struct.unpack(">IQ", body[20:32])
            else:
                timescale, duration = struct.unpack(">II", body[12:20])
            if timescale == 0:
                raise VideoError("The video file is damaged (its time scale is zero).")
            return duration / timescale
        raise VideoError("The video has no movie header, so its duration cannot be read.")
    raise VideoError("The video has no movie header, so its duration cannot be read.")


# Matroska element IDs (with their length markers, as written in the file).
_SEGMENT = 0x18538067
_INFO = 0x1549A966
_TIMECODE_SCALE = 0x2AD7B1
_DURATION = 0x4489
_CLUSTER = 0x1F43B675


def _vint(stream: BinaryIO, *, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, bytes read, all-ones i.e. unknown size) of an EBML variable-length integer."""
    first = stream.read(1)
    if not first:
        raise EOFError
    b = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not b & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise VideoError("The WebM file is damaged (a bad element header).")
    rest = stream.read(length - 1)
    if len(rest) < length - 1:
        raise EOFError
    value = b if keep_marker else b & (mask - 1)
    for byte in rest:
        value = (value << 8) | byte
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _ebml_elements(stream: BinaryIO, start: int, end: int):
    """(id, data start, data end or None for unknown size) of the elements from ``start``."""
    offset = start
    while offset < end:
        stream.seek(offset)
        try:
            element_id, id_len, _ = _vint(stream, keep_marker=True)
            size, size_len, unknown = _vint(stream, keep_marker=False)
        except EOFError:
            return
        data = offset + id_len + size_len
        if unknown:
            yield element_id, data, None
            return
        yield element_id, data, data + size
        offset = data + size


def _webm_duration(stream: BinaryIO) -> float:
    end = _file_size(stream)
    for element_id, start, stop in _ebml_elements(stream, 0, end):
        if element_id != _SEGMENT:
            continue
        scale = 1_000_000
        for child, cstart, cstop in _ebml_elements(stream, start, stop or end):
            if child == _CLUSTER:
                break
            if child != _INFO or cstop is None:
                continue
            duration = None
            for item, istart, istop in _ebml_elements(stream, cstart, cstop):
                if istop is None:
                    break
                stream.seek(istart)
                raw = stream.read(istop - istart)
                if item == _TIMECODE_SCALE and raw:
                    scale = int.from_bytes(raw, "big")
                elif item == _DURATION and len(raw) in (4, 8):
                    duration = struct.unpack(">f" if len(raw) == 4 else ">d", raw)[0]
            if duration is not None and duration >= 0:
                return duration * scale / 1e9
            break
        break
    raise VideoError("The WebM file does not state its duration, so it cannot be checked.")

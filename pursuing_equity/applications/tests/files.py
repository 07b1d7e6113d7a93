"""Tiny generated files for tests and browser journeys: a valid PDF, MP4/MOV and WebM headers
with a chosen duration, and the bad inputs the issue names."""

from __future__ import annotations

import struct

from pursuing_equity.applications.sample_files import pdf_bytes

__all__ = ["pdf_bytes", "exe_bytes", "corrupt_pdf_bytes", "mp4_bytes", "webm_bytes"]


def exe_bytes() -> bytes:
    """The start of a Windows program (MZ header), as in a renamed .exe."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def corrupt_pdf_bytes() -> bytes:
    """Starts like a PDF, then stops: a truncated download."""
    return pdf_bytes()[:120]


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4_bytes(seconds: float, *, brand: bytes = b"isom", version: int = 0) -> bytes:
    """An MP4 (or, with brand b"qt  ", a QuickTime .mov) whose movie header states ``seconds``."""
    timescale = 1000
    duration = round(seconds * timescale)
    if version == 1:
        mvhd = struct.pack(">B3sQQIQ", 1, b"\0\0\0", 0, 0, timescale, duration)
    else:
        mvhd = struct.pack(">B3sIIII", 0, b"\0\0\0", 0, 0, timescale, duration)
    mvhd += b"\0" * 80  # rate, volume, matrix, next track id: not read
    ftyp = _box(b"ftyp", brand + b"\0\0\0\0" + brand)
    mdat = _box(b"mdat", b"\0" * 64)
    return ftyp + mdat + _box(b"moov", _box(b"mvhd", mvhd))


def _ebml(element_id: int, payload: bytes) -> bytes:
    ident = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    size = len(payload) | (1 << 56)  # 8-byte size
    return ident + size.to_bytes(8, "big") + payload


def webm_bytes(seconds: float, *, unknown_segment_size: bool = True) -> bytes:
    """A WebM whose Segment/Info/Duration states ``seconds`` (TimecodeScale 1 ms)."""
    header = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm"))
    info = _ebml(
        0x1549A966,
        _ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
        + _ebml(0x4489, struct.pack(">d", seconds * 1000)),
    )
    cluster = _ebml(0x1F43B675, b"\0" * 32)
    body = info + cluster
    if unknown_segment_size:
        segment = bytes.fromhex("18538067") + b"\x01\xff\xff\xff\xff\xff\xff\xff" + body
    else:
        segment = _ebml(0x18538067, body)
    return header + segment

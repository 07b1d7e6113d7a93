"""ZIP-based uploads (XLSX, DOCX, ODF…) are inspected before any library unpacks them.

A few hundred kilobytes can expand to gigabytes (a "zip bomb"): a 400 KB workbook whose shared
strings unpack to 1 GB, an OpenDocument file whose ``mimetype`` member does. Pure functions over
a binary file object; no Django.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

#: An XML part of an office file rarely compresses better than 1:30; 1:100 only from repetition.
MAX_COMPRESSION_RATIO = 100
#: Members smaller than this may compress as well as they like (an empty sheet is tiny).
RATIO_FREE_BYTES = 1024 * 1024
MAX_MEMBERS = 2000


def zip_problem(stream: BinaryIO, *, name: str, max_unpacked: int) -> str | None:
    """Why the ZIP archive in ``stream`` may not be unpacked, or None when it is safe to.

    Reads only the central directory. Refuses more than MAX_MEMBERS members, more than
    ``max_unpacked`` bytes in total once unpacked, or a member larger than RATIO_FREE_BYTES
    compressed more than MAX_COMPRESSION_RATIO times. ``zipfile`` never returns more bytes
    than a member's declared size, so the declared sizes checked here bound what is unpacked.
    """
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return f"“{name}” is damaged: its ZIP structure cannot be read. Save it again."
    finally:
        stream.seek(0)
    if len(members) > MAX_MEMBERS:
        return f"“{name}” holds {len(members)} parts; at most {MAX_MEMBERS} are accepted."
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked:
        return (
            f"“{name}” unpacks to {unpacked / 1024 / 1024:.0f} MB; at most "
            f"{max_unpacked // 1024 // 1024} MB are accepted. Remove unused sheets or content."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FREE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            return (
                f"“{name}” has a part ({member.filename[:80]}) compressed {ratio:.0f} times; "
                "such files are refused because they can exhaust the server's memory."
            )
    return None

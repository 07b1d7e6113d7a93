"""Uploaded files are private: random names, no URL, served only by views that check a rule.

Counts files, extracts, update attachments, application letters and team videos hold data about
teams and their patients. They live under ``settings.PE_PRIVATE_ROOT`` (Django's default storage
is :class:`PrivateStorage`), which no web server serves. A stored name never comes from the
uploader and cannot be guessed: whatever an app's ``upload_to`` proposes, the file is saved as 32
random hex digits in that folder. Each app's download view sends the file with
:func:`private_download` after its own ``can_view_…`` rule said yes.

ZIP-based uploads (XLSX, DOCX, ODF…) are inspected by :func:`zip_problem` before any library
unpacks them, because a few hundred kilobytes can expand to gigabytes (a "zip bomb").
"""

from __future__ import annotations

import posixpath
import re
import secrets
import zipfile
from typing import BinaryIO

from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")

#: An XML part of an office file rarely compresses better than 1:30; 1:100 only from repetition.
MAX_COMPRESSION_RATIO = 100
#: Members smaller than this may compress as well as they like (an empty sheet is tiny).
RATIO_FREE_BYTES = 1024 * 1024
MAX_MEMBERS = 2000


class PrivateStorage(FileSystemStorage):
    """The file system under MEDIA_ROOT (= PE_PRIVATE_ROOT), with random names and no URLs."""

    def generate_filename(self, filename: str) -> str:
        folder = posixpath.dirname(filename.replace("\\", "/"))
        suffix = posixpath.splitext(filename)[1].lower()
        if not _SUFFIX.fullmatch(suffix):
            suffix = ""
        return super().generate_filename(posixpath.join(folder, secrets.token_hex(16) + suffix))

    def url(self, name: str | None) -> str:
        # A link straight to a file would skip the permission check: there is none on purpose.
        raise ValueError("Uploaded files are private: send them through a view that checks a rule.")


def private_download(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """Send a stored file as a download that the browser never renders in our origin."""
    if not file:
        raise Http404("There is no file.")
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


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

"""What an attachment really is, read from its bytes (magic numbers), not from its name.

An attachment is accepted when its content is one of the kinds below AND its file name ends with
an extension of that same kind: a renamed program (``report.pdf`` that is really an ``.exe``) or a
spreadsheet renamed ``.docx`` is refused. Office files are ZIP packages (OOXML, ECMA-376 Part 2:
``[Content_Types].xml`` plus a ``word/``, ``xl/`` or ``ppt/`` part; OpenDocument: a first entry
``mimetype`` naming the kind) or legacy OLE2 compound files (``D0 CF 11 E0``), whose exact
application the header does not tell, so the three legacy extensions share one kind.

Pure functions over a binary file object; no Django.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from pursuing_equity.core.archives import zip_problem
from pursuing_equity.core.pdf import pdf_problem

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_UPDATE = 10
#: An office file unpacked: generous for text and slides, far below what a zip bomb unpacks to.
MAX_ATTACHMENT_UNPACKED_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("pdf", "PDF", "application/pdf", (".pdf",)),
        Kind("png", "PNG image", "image/png", (".png",)),
        Kind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg")),
        Kind("gif", "GIF image", "image/gif", (".gif",)),
        Kind("webp", "WebP image", "image/webp", (".webp",)),
        Kind(
            "docx",
            "Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        Kind(
            "xlsx",
            "Excel workbook",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        Kind(
            "pptx",
            "PowerPoint presentation",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
        ),
        Kind("odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",)),
        Kind(
            "ods",
            "OpenDocument spreadsheet",
            "application/vnd.oasis.opendocument.spreadsheet",
            (".ods",),
        ),
        Kind(
            "odp",
            "OpenDocument presentation",
            "application/vnd.oasis.opendocument.presentation",
            (".odp",),
        ),
        Kind(
            "ole",
            "Office 97–2003 file",
            "application/octet-stream",
            (".doc", ".xls", ".ppt"),
        ),
    )
}

ACCEPTED_EXTENSIONS: tuple[str, ...] = tuple(e for k in KINDS.values() for e in k.extensions)
OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF_MIMETYPES = {KINDS[k].content_type: k for k in ("odt", "ods", "odp")}


class AttachmentError(ValueError):
    """The file may not be attached; the message says why, in words for the person uploading."""


def sniff(stream: BinaryIO) -> str | None:
    """The key of the kind the content is (see KINDS), or None when it is none of them."""
    stream.seek(0)
    head = stream.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf" if pdf_problem(stream) is None else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(stream)
    return None


def _zip_kind(stream: BinaryIO) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                # The OpenDocument mimetype is a few dozen bytes; never read more of it.
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                return ODF_MIMETYPES.get(mimetype)
            if "[Content_Types].xml" not in names:
                return None
            for prefix, key in OOXML_PARTS.items():
                if any(name.startswith(prefix) for name in names):
                    return key
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, NotImplementedError):
        return None
    return None


def check_attachment(name: str, size: int, stream: BinaryIO) -> Kind:
    """The kind of an upload that may be attached; AttachmentError with the reason otherwise."""
    extension = PurePath(name).suffix.lower()
    if size == 0:
        raise AttachmentError("The file is empty.")
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            f"The file is {size / 1024 / 1024:.1f} MB; attachments can be at most "
            f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB."
        )
    if extension not in ACCEPTED_EXTENSIONS:
        raise AttachmentError(
            "Attach a PDF, an image (PNG, JPEG, GIF, WebP) or an office file "
            "(Word, Excel, PowerPoint, OpenDocument)."
        )
    stream.seek(0)
    if stream.read(4) == b"PK\x03\x04":
        problem = zip_problem(stream, name=name, max_unpacked=MAX_ATTACHMENT_UNPACKED_BYTES)
        if problem:
            raise AttachmentError(problem)
    key = sniff(stream)
    stream.seek(0)
    if key is None:
        raise AttachmentError(
            f"The content of “{name}” is not a PDF, an image or an office file we accept "
            "(it may be damaged, or renamed)."
        )
    kind = KINDS[key]
    if extension not in kind.extensions:
        raise AttachmentError(
            f"“{name}” is named like a {extension} file, but its content is of another kind "
            f"({kind.label}). Rename it or export it in the right format."
        )
    return kind

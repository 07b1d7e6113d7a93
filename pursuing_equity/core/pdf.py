"""Whether an uploaded PDF is usable, read from its bytes: a pure function, no Django. Shared by
the applications' documents and the reporting attachments (which the learning library and
community reuse), so it sits in core, below both.

:func:`pdf_problem` is a minimal structural check of a PDF (``%PDF-`` header, an object and a
cross-reference section or stream, the ``%%EOF`` trailer; ISO 32000-2:2020 §7.5, "File
structure"); a renamed program or a truncated file fails it. It takes a binary file object
positioned anywhere and leaves the position unspecified.
"""

from __future__ import annotations

import re
from typing import BinaryIO

# A trailer can be followed by a little whitespace or garbage; look at the file's last KiB for it.
_PDF_TAIL = 1024
_PDF_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")


def pdf_problem(stream: BinaryIO) -> str | None:
    """Why the file is not a usable PDF, or None when it looks like one."""
    stream.seek(0, 2)
    size = stream.tell()
    if size == 0:
        return "The file is empty."
    stream.seek(0)
    head = stream.read(1024)
    if not head.startswith(b"%PDF-1.") and not head.startswith(b"%PDF-2."):
        return "The file is not a PDF (its content does not start like one)."
    stream.seek(max(0, size - _PDF_TAIL))
    tail = stream.read()
    if b"%%EOF" not in tail:
        return "The PDF is incomplete or damaged (it has no end-of-file marker)."
    if b"startxref" not in tail:
        return "The PDF is damaged (it has no cross-reference table)."
    stream.seek(0)
    found_obj = False
    carry = b""
    while chunk := stream.read(1 << 20):
        if _PDF_OBJ.search(carry + chunk):
            found_obj = True
            break
        carry = chunk[-32:]
    if not found_obj:
        return "The PDF is damaged (it contains no objects)."
    return None

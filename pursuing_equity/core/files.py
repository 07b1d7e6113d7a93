"""Uploaded files are private: random names, no URL, served only by views that check a rule.

Counts files, extracts, update attachments, application letters and team videos hold data about
teams and their patients. They live under ``settings.PE_PRIVATE_ROOT`` (Django's default storage
is :class:`PrivateStorage`), which no web server serves. A stored name never comes from the
uploader and cannot be guessed: whatever an app's ``upload_to`` proposes, the file is saved as 32
random hex digits in that folder. Each app's download view sends the file with
:func:`private_download` after its own ``can_view_…`` rule said yes.
"""

from __future__ import annotations

import posixpath
import re
import secrets

from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


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

"""Attachments are typed from their content: magic bytes, not names."""

import io
import zipfile

import pytest

from pursuing_equity.reporting.files import (
    MAX_ATTACHMENT_BYTES,
    AttachmentError,
    check_attachment,
    sniff,
)

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 1\n0000000000 65535 f \n"
    b"trailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 64


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}/document.xml", "<x/>")
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


def check(name: str, content: bytes):
    return check_attachment(name, len(content), io.BytesIO(content))


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("report.pdf", PDF, "pdf"),
        ("run-chart.PNG", PNG, "png"),
        ("photo.jpeg", JPEG, "jpeg"),
        ("minutes.docx", ooxml("word"), "docx"),
        ("data.xlsx", ooxml("xl"), "xlsx"),
        ("slides.pptx", ooxml("ppt"), "pptx"),
        ("notes.odt", odf("application/vnd.oasis.opendocument.text"), "odt"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "ole"),
    ],
)
def test_accepted_files_are_recognised_from_their_content(name, content, kind):
    assert check(name, content).key == kind


def test_a_program_renamed_pdf_is_refused():
    with pytest.raises(AttachmentError, match="not a PDF, an image or an office file"):
        check("report.pdf", EXE)


def test_a_spreadsheet_renamed_docx_is_refused_with_what_it_really_is():
    with pytest.raises(AttachmentError, match=r"another kind \(Excel workbook\)"):
        check("minutes.docx", ooxml("xl"))


def test_an_image_renamed_pdf_is_refused():
    with pytest.raises(AttachmentError, match="PNG image"):
        check("report.pdf", PNG)


def test_a_plain_zip_is_not_an_office_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert sniff(io.BytesIO(buffer.getvalue())) is None


def test_a_truncated_pdf_is_refused():
    with pytest.raises(AttachmentError):
        check("report.pdf", PDF[:40])


def test_other_extensions_are_refused_before_reading():
    with pytest.raises(AttachmentError, match="Attach a PDF"):
        check("script.html", b"<html></html>")


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(AttachmentError, match="empty"):
        check("report.pdf", b"")
    with pytest.raises(AttachmentError, match="at most 10 MB"):
        check_attachment("report.pdf", MAX_ATTACHMENT_BYTES + 1, io.BytesIO(PDF))

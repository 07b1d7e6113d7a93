"""Office attachments that unpack to far more than they weigh are refused before anything is
unpacked (issue 13: a 0.5 MB OpenDocument file reached 1 GB of memory)."""

import io
import zipfile

import pytest

from pursuing_equity.reporting.files import AttachmentError, check_attachment


def odf_bomb(unpacked_mb: int) -> io.BytesIO:
    """An OpenDocument text whose ``mimetype`` member unpacks to ``unpacked_mb`` MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(b"application/vnd.oasis.opendocument.text")
            for _ in range(unpacked_mb):
                member.write(b" " * (1024 * 1024))
        archive.writestr("content.xml", "<office:document-content/>")
    out.seek(0)
    return out


def test_an_opendocument_bomb_is_refused_with_the_reason():
    stream = odf_bomb(200)
    size = len(stream.getvalue())
    assert size < 512 * 1024
    with pytest.raises(AttachmentError, match=r"“notes.odt” unpacks to 200 MB; at most 100 MB"):
        check_attachment("notes.odt", size, stream)


def test_a_highly_compressed_part_is_refused_even_under_the_total():
    stream = odf_bomb(20)
    with pytest.raises(AttachmentError, match=r"“notes.odt” has a part \(mimetype\) compressed"):
        check_attachment("notes.odt", len(stream.getvalue()), stream)


def test_a_damaged_zip_is_refused_not_raised():
    with pytest.raises(AttachmentError):
        check_attachment("notes.odt", 30, io.BytesIO(b"PK\x03\x04" + b"\xff" * 26))

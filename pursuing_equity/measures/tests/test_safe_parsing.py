"""Hostile files against the counts and extract uploads (issue 13): zip bombs, broken XML, files
far over the limit. Each is refused with a message naming the file, never an error page, and
without the server reading or unpacking more than it must."""

import datetime
import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.measures import services, template_files
from pursuing_equity.measures.models import Upload
from pursuing_equity.measures.uploads import MAX_COUNTS_BYTES, check_counts_file

TODAY = datetime.date(2024, 12, 15)
ROOT = Path(__file__).resolve().parents[3]


def shared_strings_bomb(unpacked_mb: int = 160) -> bytes:
    """A ~400 KB .xlsx whose sharedStrings.xml unpacks to ``unpacked_mb`` MB of tiny strings,
    written member by member so the test itself never holds the unpacked XML."""
    out = io.BytesIO()
    chunk = b"<si><t>a</t></si>" * 65536
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(unpacked_mb * 1024 * 1024 // len(chunk)):
                member.write(chunk)
            member.write(b"</sst>")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "counts.xlsx"
    path.write_bytes(shared_strings_bomb())
    return path


def test_a_shared_strings_bomb_is_refused_within_100_mb(bomb):
    assert bomb.stat().st_size < 500 * 1024
    # A fresh process, so its peak resident size is this check's alone (ru_maxrss: KiB on Linux).
    script = textwrap.dedent(
        f"""
        import datetime, json, resource, django
        django.setup()
        from pursuing_equity.measures.uploads import check_counts_file
        from pursuing_equity.measures.models import Measure
        import openpyxl
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        data = open({str(bomb)!r}, "rb").read()
        checked = check_counts_file(Measure(), "counts.xlsx", data, today=datetime.date(2024, 12, 1))
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"before": before, "after": after,
                          "problems": [str(p) for p in checked.problems]}}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "pursuing_equity.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # Django, DuckDB and Arrow take ~200 MB before the check starts; the check itself adds little
    # (unpacking the bomb took 1.3 GB before the archive was inspected first).
    grown_mb = (report["after"] - report["before"]) / 1024
    assert grown_mb < 100, f"the check grew the peak resident size by {grown_mb:.0f} MB"
    [problem] = report["problems"]
    assert "“counts.xlsx” unpacks to 159 MB; at most 40 MB are accepted" in problem


def xlsx_with_broken_sheet(bp) -> bytes:
    good = zipfile.ZipFile(io.BytesIO(template_files.as_xlsx(bp, TODAY)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2] + b"<row r='9'><c r='A9'><v>1</c></row>"
            archive.writestr(info, data)
    return out.getvalue()


def test_broken_xml_in_a_workbook_is_a_message_naming_the_file(bp):
    checked = check_counts_file(bp, "november.xlsx", xlsx_with_broken_sheet(bp), today=TODAY)
    assert not checked.ok
    assert "“november.xlsx” cannot be read as an Excel workbook" in str(checked.problems[0])


def test_broken_xml_through_the_upload_page_is_not_a_server_error(client, bp, editor):
    client.force_login(editor)
    url = reverse("measure_upload_counts", args=[bp.team.slug, bp.slug])
    response = client.post(
        url, {"file": SimpleUploadedFile("november.xlsx", xlsx_with_broken_sheet(bp))}
    )
    assert response.status_code == 422
    assert "cannot be read as an Excel workbook" in response.text
    assert not Upload.objects.exists()


def test_entity_expansion_in_a_workbook_is_refused(bp):
    good = zipfile.ZipFile(io.BytesIO(template_files.as_xlsx(bp, TODAY)))
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;'
        b"</workbook>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in good.infolist():
            data = laughs if info.filename == "xl/workbook.xml" else good.read(info.filename)
            archive.writestr(info, data)
    checked = check_counts_file(bp, "laughs.xlsx", out.getvalue(), today=TODAY)
    assert "“laughs.xlsx” cannot be read as an Excel workbook" in str(checked.problems[0])


class CountingUpload(SimpleUploadedFile):
    """An upload that remembers how many bytes were read from it."""

    bytes_read = 0

    def read(self, *args):
        data = super().read(*args)
        self.bytes_read += len(data)
        return data


def test_a_huge_counts_file_is_refused_before_it_is_read(bp, editor):
    upload = CountingUpload("big.csv", b"period,stratifier\n" + b"x" * (3 * MAX_COUNTS_BYTES))
    checked, stored = services.submission_validate(
        measure=bp, actor=editor, source=Upload.Source.COUNTS, file=upload, today=TODAY
    )
    assert stored is None
    assert "“big.csv” is 15.0 MB; it may be at most 5 MB" in str(checked.problems[0])
    assert upload.bytes_read <= MAX_COUNTS_BYTES + 1


def test_an_extract_over_the_size_setting_is_refused(bp, editor, settings):
    settings.PE_MAX_EXTRACT_BYTES = 1024
    extract = SimpleUploadedFile(
        "extract.csv", b"period,numerator,denominator\n" + b"1,0,1\n" * 400
    )
    checked, stored = services.submission_validate(
        measure=bp, actor=editor, source=Upload.Source.EXTRACT, file=extract, today=TODAY
    )
    assert stored is None
    assert "“extract.csv” is 0.0 MB; it may be at most 0 MB" in str(checked.problems[0])

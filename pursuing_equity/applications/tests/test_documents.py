"""Letters of commitment: PDF only (checked from the content), at most 10 MB, every version kept."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.applications import services
from pursuing_equity.applications.models import ApplicationDocument
from pursuing_equity.applications.tests import factories as f
from pursuing_equity.applications.tests.files import corrupt_pdf_bytes, exe_bytes, pdf_bytes

BOTH = ["CEO", "Board Chair"]


@pytest.fixture
def app(db):
    return f.draft(cycle=f.open_cycle())


def upload(app, file, signatories=BOTH):
    return services.document_upload(
        actor=app.created_by,
        application=app,
        kind="commitment_letter",
        upload=file,
        signatories=signatories,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.pdf", exe_bytes(), "not a PDF"),
        ("letter.pdf", b"", "empty"),
        ("letter.pdf", corrupt_pdf_bytes(), "incomplete or damaged"),
        ("letter.exe", pdf_bytes(), "PDF file"),
        ("letter.pdf", pdf_bytes() + b"\0" * (10 * 1024 * 1024), "the limit is 10 MB"),
    ],
)
def test_bad_files_are_refused_with_a_reason(client, app, name, content, message):
    with pytest.raises(ValidationError, match=message):
        upload(app, SimpleUploadedFile(name, content, "application/pdf"))
    client.force_login(app.created_by)
    response = client.post(
        reverse("application_documents", args=[app.pk]),
        {
            "kind": "commitment_letter",
            "commitment_letter-file": SimpleUploadedFile(name, content, "application/pdf"),
            "commitment_letter-signatories": BOTH,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_the_board_chair_must_cosign_for_the_action_community(app):
    with pytest.raises(ValidationError, match="Board Chair"):
        upload(app, f.pdf_upload(), signatories=["CEO"])


def test_every_upload_is_kept_and_the_latest_counts(app):
    first = upload(app, f.pdf_upload("v1.pdf"))
    second = upload(app, f.pdf_upload("v2.pdf", pdf_bytes("Second version")))
    assert (first.version, second.version) == (1, 2)
    assert ApplicationDocument.objects.count() == 2
    assert len(second.sha256) == 64 and second.size == len(pdf_bytes("Second version"))
    from pursuing_equity.applications import selectors

    assert (
        selectors.current_documents(selectors.with_everything(app.pk))["commitment_letter"].pk
        == second.pk
    )


def test_documents_download_only_for_the_applicant_and_staff(client, personas, app):
    document = upload(app, f.pdf_upload())
    url = reverse("application_document", args=[app.pk, document.pk])
    assert client.get(url).status_code == 302
    client.force_login(personas.people["applicant"])
    assert client.get(url).status_code == 403
    client.force_login(personas.people["staff"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert (
        client.get(reverse("application_document", args=[app.pk + 999, document.pk])).status_code
        == 404
    )

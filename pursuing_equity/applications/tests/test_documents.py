"""Letters of commitment: one upload slot per required letter (program file), each a PDF (checked
from the content), at most 10 MB, every version kept and shown on its own."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.applications import selectors, services
from pursuing_equity.applications.models import ApplicationDocument
from pursuing_equity.applications.tests import factories as f
from pursuing_equity.applications.tests.files import corrupt_pdf_bytes, exe_bytes, pdf_bytes

SIGNATORY = {"ceo_letter": "CEO", "board_chair_letter": "Board Chair"}


@pytest.fixture
def app(db):
    return f.draft(cycle=f.open_cycle())


def upload(app, file, kind="ceo_letter", signatories=None):
    return services.document_upload(
        actor=app.created_by,
        application=app,
        kind=kind,
        upload=file,
        signatories=[SIGNATORY[kind]] if signatories is None else signatories,
    )


def missing_documents(app):
    steps = selectors.application_steps(selectors.with_everything(app.pk))
    return next(s for s in steps if s.key == "documents").problems


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
            "kind": "board_chair_letter",
            "board_chair_letter-file": SimpleUploadedFile(name, content, "application/pdf"),
            "board_chair_letter-signatories": ["Board Chair"],
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_each_letter_must_carry_its_signature(app):
    with pytest.raises(ValidationError, match="signed by: Board Chair"):
        upload(app, f.pdf_upload(), kind="board_chair_letter", signatories=[])
    with pytest.raises(ValidationError, match="Unknown signatory: CEO"):
        upload(app, f.pdf_upload(), kind="board_chair_letter", signatories=["CEO"])


def test_a_letter_the_cohort_does_not_require_is_refused(db):
    ln = f.draft(cycle=f.open_cycle(), key="learning_network")
    with pytest.raises(ValidationError):
        upload(ln, f.pdf_upload(), kind="board_chair_letter")


def test_the_action_community_needs_both_letters_and_one_does_not_replace_the_other(app):
    assert missing_documents(app) == [
        "Upload letter of commitment signed by your CEO.",
        "Upload letter of commitment signed by your Board Chair.",
    ]
    ceo = upload(app, f.pdf_upload("ceo.pdf"))
    assert missing_documents(app) == ["Upload letter of commitment signed by your Board Chair."]
    chair = upload(app, f.pdf_upload("chair.pdf"), kind="board_chair_letter")
    assert missing_documents(app) == []
    assert (ceo.version, chair.version) == (1, 1)
    slots = selectors.letter_slots(selectors.with_everything(app.pk))
    assert [(s.material.key, s.document.pk) for s in slots] == [
        ("ceo_letter", ceo.pk),
        ("board_chair_letter", chair.pk),
    ]


def test_the_learning_network_needs_only_the_ceo_letter(db):
    ln = f.draft(cycle=f.open_cycle(), key="learning_network")
    assert missing_documents(ln) == ["Upload letter of commitment signed by your CEO."]


def test_every_upload_is_kept_and_the_latest_counts(app):
    first = upload(app, f.pdf_upload("v1.pdf"))
    second = upload(app, f.pdf_upload("v2.pdf", pdf_bytes("Second version")))
    assert (first.version, second.version) == (1, 2)
    assert ApplicationDocument.objects.count() == 2
    assert len(second.sha256) == 64 and second.size == len(pdf_bytes("Second version"))
    assert selectors.current_documents(selectors.with_everything(app.pk))["ceo_letter"].pk == (
        second.pk
    )


def test_the_documents_page_shows_each_letter_with_its_own_versions(client, app):
    upload(app, f.pdf_upload("ceo-v1.pdf"))
    upload(app, f.pdf_upload("ceo-v2.pdf", pdf_bytes("Second")))
    upload(app, f.pdf_upload("chair.pdf"), kind="board_chair_letter")
    client.force_login(app.created_by)
    page = client.get(reverse("application_documents", args=[app.pk])).content.decode()
    ceo, chair = page.split('id="doc-board_chair_letter"')
    assert "ceo-v1.pdf" in ceo and "ceo-v2.pdf" in ceo and "chair.pdf" not in ceo
    assert "chair.pdf" in chair and "ceo-v" not in chair
    summary = client.get(reverse("application_review", args=[app.pk])).content.decode()
    assert "Letter of commitment signed by your CEO: <a" in summary
    assert "Letter of commitment signed by your Board Chair: <a" in summary


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


def test_old_commitment_letters_move_to_the_ceo_slot_and_cosigned_ones_to_both(app):
    migration = importlib.import_module(
        "pursuing_equity.applications.migrations.0003_one_upload_slot_per_letter"
    )
    first = upload(app, f.pdf_upload("only-ceo.pdf"))
    second = upload(app, f.pdf_upload("both.pdf"))
    ApplicationDocument.objects.filter(pk=first.pk).update(
        kind="commitment_letter", signatories=["CEO"]
    )
    ApplicationDocument.objects.filter(pk=second.pk).update(
        kind="commitment_letter", signatories=["CEO", "Board Chair"]
    )
    migration.split_commitment_letters(django_apps, None)
    rows = ApplicationDocument.objects.order_by("kind", "version")
    assert [(d.kind, d.version, d.original_name, d.signatories) for d in rows] == [
        ("board_chair_letter", 1, "both.pdf", ["Board Chair"]),
        ("ceo_letter", 1, "only-ceo.pdf", ["CEO"]),
        ("ceo_letter", 2, "both.pdf", ["CEO"]),
    ]
    chair = rows[0]
    assert chair.file.name == second.file.name and chair.uploaded_at == second.uploaded_at
    migration.join_letters(django_apps, None)
    assert set(ApplicationDocument.objects.values_list("kind", flat=True)) == {"commitment_letter"}


def test_a_stored_cycle_without_letters_gets_them_from_its_materials(db):
    migration = importlib.import_module(
        "pursuing_equity.applications.migrations.0003_one_upload_slot_per_letter"
    )
    cycle = f.open_cycle()
    document = cycle.document
    document.pop("letters")
    for key, signatories in (
        ("learning_network", ["CEO"]),
        ("action_community", ["CEO", "Board Chair"]),
    ):
        materials = document["cohorts"][key]["application"]["materials"]
        assert materials[-1]["key"] == "commitment_letter"
        assert materials[-1]["signatories"] == signatories
    cycle.save()
    migration.add_letters_to_cycles(django_apps, None)
    cycle.refresh_from_db()
    letters = cycle.document["letters"]
    # (PostgreSQL's jsonb keeps no key order, so the cohorts come in either order.)
    assert sorted(letters["ceo_letter"]["cohorts"]) == ["action_community", "learning_network"]
    assert letters["board_chair_letter"]["cohorts"] == ["action_community"]

"""Attaching files to a draft: type checked from the content, only the team writes, readers read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.reporting import services
from pursuing_equity.reporting.models import Attachment
from pursuing_equity.reporting.tests import factories
from pursuing_equity.reporting.tests.test_files import EXE, PDF, PNG


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def urls(update):
    args = [update.team.slug, update.period_key]
    return reverse("attachment_add", args=args), args


@pytest.mark.django_db
def test_a_member_attaches_a_pdf_and_readers_download_it(client, network):
    update = factories.update(network.ac, network.member)
    add, args = urls(update)
    client.force_login(network.member)
    response = client.post(add, {"file": SimpleUploadedFile("plan.pdf", PDF)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.original_name) == ("pdf", "plan.pdf")
    assert not attachment.file.name.endswith("plan.pdf")  # stored under a random name

    download = reverse("attachment_download", args=[*args, attachment.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(network.other_member)  # a draft: not for other teams
    assert client.get(download).status_code == 403
    client.logout()
    assert client.get(download).status_code == 302


@pytest.mark.django_db
def test_a_renamed_program_is_refused_with_the_reason_next_to_the_field(client, network):
    update = factories.update(network.ac, network.member)
    add, _ = urls(update)
    client.force_login(network.member)
    response = client.post(add, {"file": SimpleUploadedFile("plan.pdf", EXE)})
    assert response.status_code == 400
    assert "is not a PDF, an image or an office file" in response.text
    response = client.post(add, {"file": SimpleUploadedFile("plan.pdf", PNG)})
    assert response.status_code == 400 and "PNG image" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_other_teams_cannot_attach_and_submitted_updates_are_frozen(client, network):
    update = factories.update(network.ac, network.member)
    add, args = urls(update)
    client.force_login(network.other_member)
    assert client.post(add, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403
    client.force_login(network.member)
    client.post(add, {"file": SimpleUploadedFile("x.pdf", PDF)})
    attachment = Attachment.objects.get()
    services.update_save(  # a colleague submits the draft
        actor=network.member2,
        team=network.ac,
        period_start=update.period_start,
        version=update.version,
        progress="p",
        challenges="c",
        learning="l",
        submit=True,
    )
    remove = reverse("attachment_remove", args=[*args, attachment.pk])
    assert client.post(remove).status_code == 403
    assert client.post(add, {"file": SimpleUploadedFile("y.pdf", PDF)}).status_code == 403
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_a_member_removes_an_attachment_from_the_draft(client, network):
    update = factories.update(network.ac, network.member)
    add, args = urls(update)
    client.force_login(network.member2)
    client.post(add, {"file": SimpleUploadedFile("photo.png", PNG)})
    attachment = Attachment.objects.get()
    response = client.post(reverse("attachment_remove", args=[*args, attachment.pk]))
    assert response.status_code == 302 and not Attachment.objects.exists()

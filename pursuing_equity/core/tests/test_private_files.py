"""Uploaded files are private (issue 13): random names outside any served folder, no /media/
route, each sent only by a view that checks the owning app's rule, counts files deleted once
their counts are stored as versions."""

import datetime
import re

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.accounts.tests.factories import make_personas
from pursuing_equity.applications.tests import factories as apps
from pursuing_equity.applications.tests.test_video import add as add_video
from pursuing_equity.core.files import PrivateStorage
from pursuing_equity.measures import services as measures
from pursuing_equity.measures.models import Upload
from pursuing_equity.measures.tests.factories import TeamFactory, measure, member

pytestmark = pytest.mark.django_db
RANDOM_NAME = re.compile(r"[0-9a-f]{32}(\.[a-z0-9]+)?")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def test_stored_names_are_random_and_have_no_url():
    storage = PrivateStorage()
    name = storage.generate_filename("measures/uploads/2026/12/team-bp-template.csv")
    folder, _, base = name.rpartition("/")
    assert folder == "measures/uploads/2026/12" and RANDOM_NAME.fullmatch(base)
    assert base.endswith(".csv") and "template" not in name
    assert RANDOM_NAME.fullmatch(storage.generate_filename("a/x.<script>").removeprefix("a/"))
    with pytest.raises(SuspiciousFileOperation):
        storage.generate_filename("a/../../etc/passwd")
    with pytest.raises(ValueError, match="private"):
        storage.url(name)


def test_a_counts_file_is_private_and_deleted_once_confirmed(
    client, private_root, django_capture_on_commit_callbacks
):
    team = TeamFactory()
    editor = member(team)
    bp = measure(team, editor)
    body = b"period,stratifier,group,numerator,denominator\n2024-01,overall,all,50,100\n"
    checked, upload = measures.submission_validate(
        measure=bp,
        actor=editor,
        source=Upload.Source.COUNTS,
        file=SimpleUploadedFile(f"{team.slug}-{bp.slug}-template.csv", body),
        today=datetime.date(2024, 12, 15),
    )
    assert checked.ok
    stored = private_root / upload.file.name
    assert stored.read_bytes() == body
    assert RANDOM_NAME.fullmatch(stored.name)
    # The old public address of the file, and the stored one, answer nothing, signed in or not.
    for path in (
        f"/media/measures/uploads/2026/12/{team.slug}-{bp.slug}-template.csv",
        f"/media/{upload.file.name}",
    ):
        assert client.get(path).status_code == 404
    client.force_login(editor)
    assert client.get(f"/media/{upload.file.name}").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        measures.submission_confirm(upload=upload, actor=editor)
    upload.refresh_from_db()
    assert not stored.exists() and not upload.file
    assert bp.submissions.get().counts.get(stratifier="overall").numerator == 50


def test_a_team_video_is_sent_only_to_those_who_may_read_the_application(client):
    personas = make_personas()
    application = apps.draft(cycle=apps.open_cycle())
    video = add_video(application, upload=apps.video_upload(420, name="our team.mp4"))
    url = reverse("application_video_file", args=[application.pk, video.pk])
    assert client.get(url).status_code == 302  # signed out: sign in first
    client.force_login(personas.people["applicant"])  # another applicant
    assert client.get(url).status_code == 403
    client.force_login(application.created_by)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="our team.mp4"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == video.file.open("rb").read()
    client.force_login(personas.people["staff"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("application_video", args=[application.pk]))
    other = reverse("application_video_file", args=[application.pk + 999, video.pk])
    assert client.get(other).status_code == 404


def test_a_letter_downloads_as_an_attachment(client):
    personas = make_personas()
    application = apps.draft(cycle=apps.open_cycle())
    from pursuing_equity.applications import services

    document = services.document_upload(
        actor=application.created_by,
        application=application,
        kind="ceo_letter",
        upload=apps.pdf_upload(),
        signatories=["CEO"],
    )
    assert RANDOM_NAME.fullmatch(document.file.name.rpartition("/")[2])
    client.force_login(personas.people["staff"])
    response = client.get(reverse("application_document", args=[application.pk, document.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"

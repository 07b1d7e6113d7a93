"""The team video: a file (duration read from it) or a link (duration stated), 5–15 minutes,
the required checklist and 2–3 optional questions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.applications import program, services
from pursuing_equity.applications.models import TeamVideo
from pursuing_equity.applications.tests import factories as f
from pursuing_equity.applications.tests.files import exe_bytes, webm_bytes


@pytest.fixture
def app(db):
    return f.draft(cycle=f.open_cycle())


def checklist(app):
    rules = program.video_rules(app.cohort_choice)
    return [k for k, _ in rules.required_items], [k for k, _ in rules.questions]


def add(app, **kwargs):
    required, questions = checklist(app)
    kwargs.setdefault("required_items", required)
    kwargs.setdefault("optional_questions", questions[:2])
    return services.video_add(actor=app.created_by, application=app, **kwargs)


@pytest.mark.parametrize(("seconds", "shown"), [(240, "4 min 00 s"), (960, "16 min 00 s")])
def test_a_file_outside_5_to_15_minutes_is_refused(app, seconds, shown):
    with pytest.raises(ValidationError) as error:
        add(app, upload=f.video_upload(seconds))
    assert f"lasts {shown}" in str(error.value) and "5 to 15 minutes" in str(error.value)
    assert not TeamVideo.objects.exists()


def test_duration_is_read_from_the_file_not_trusted(app):
    video = add(app, upload=f.video_upload(601.4, name="team.mov"))
    assert video.duration_seconds == 601 and video.source == "file"
    webm = add(app, upload=SimpleUploadedFile("team.webm", webm_bytes(420), "video/webm"))
    assert webm.duration_seconds == 420 and webm.version == 2


def test_a_hosted_link_uses_the_stated_duration(app):
    video = add(app, url="https://video.example.org/ours", stated_seconds=7 * 60)
    assert video.source == "link" and video.duration_seconds == 420
    with pytest.raises(ValidationError, match="lasts 2 min"):
        add(app, url="https://video.example.org/ours", stated_seconds=120)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("team.mp4", exe_bytes(), "not an MP4"), ("team.avi", b"RIFF", "MP4, MOV or WebM")],
)
def test_files_that_are_not_videos_are_refused(app, name, content, message):
    with pytest.raises(ValidationError, match=message):
        add(app, upload=SimpleUploadedFile(name, content))


def test_every_required_item_must_be_confirmed(app):
    required, _ = checklist(app)
    with pytest.raises(ValidationError, match="every required item"):
        add(app, upload=f.video_upload(), required_items=required[:-1])


@pytest.mark.parametrize("count", [1, 4])
def test_two_or_three_optional_questions_are_chosen(app, count):
    _, questions = checklist(app)
    with pytest.raises(ValidationError, match="Choose 2 to 3"):
        add(app, upload=f.video_upload(), optional_questions=questions[:count])


def test_the_video_page_shows_the_message_next_to_the_field(client, app):
    client.force_login(app.created_by)
    required, questions = checklist(app)
    response = client.post(
        reverse("application_video", args=[app.pk]),
        {
            "source": "file",
            "file": f.video_upload(200),
            "required_items": required,
            "optional_questions": questions[:2],
        },
    )
    assert response.status_code == 400
    assert "lasts 3 min 20 s" in response.content.decode()
    response = client.post(
        reverse("application_video", args=[app.pk]),
        {
            "source": "link",
            "url": "https://v.example.org/x",
            "duration_minutes": 3,
            "required_items": required,
            "optional_questions": questions[:2],
        },
    )
    assert "lasts 3 min 00 s" in response.content.decode()


def test_the_learning_network_asks_for_no_video(client, db):
    app = f.draft(cycle=f.open_cycle(), key="learning_network")
    client.force_login(app.created_by)
    assert client.get(reverse("application_video", args=[app.pk])).status_code == 404
    with pytest.raises(ValidationError, match="does not ask for a video"):
        services.video_add(
            actor=app.created_by,
            application=app,
            upload=f.video_upload(),
            required_items=[],
            optional_questions=[],
        )

"""The API's event materials: what the event page shows (materials with their versions, suggested
activities and the reader's team's mark), the private download (never a storage path), and the
library's list, each as the events' rules say."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pursuing_equity.api.tests.world import ROLES, build, headers_of
from pursuing_equity.applications.sample_files import pdf_bytes
from pursuing_equity.events import library
from pursuing_equity.events.rules import can_view_library

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    return client.get(url, headers=headers_of(user, "read"))


def test_an_events_materials_and_activities_with_the_members_mark():
    w = build()
    client = Client()
    member = w.people["member"]
    library.material_version_add(
        actor=w.people["staff"],
        material=w.material,
        upload=SimpleUploadedFile("v2.pdf", pdf_bytes("Two"), "application/pdf"),
    )
    library.activity_mark_tried(actor=member, activity=w.activity, team=w.team)
    body = _get(client, member, f"/api/events/{w.event.pk}/materials").json()
    (material,) = body["materials"]
    assert material["title"] == "Coaching slides" and material["topic"] == "Data"
    assert [v["number"] for v in material["versions"]] == [2, 1]
    assert [v["name"] for v in material["versions"]] == ["v2.pdf", "slides.pdf"]
    assert material["versions"][1]["download"] == f"/api/materials/{w.material.pk}/file?version=1"
    assert "event-materials" not in str(body)  # no storage path
    (activity,) = body["activities"]
    assert activity["title"] == "Call ten patients"
    assert activity["tried_by"] == w.team.name and activity["pdsa_cycle"] is None
    # The coach sees the activity, without a team's mark of its own.
    body = _get(client, w.people["coach"], f"/api/events/{w.event.pk}/materials").json()
    assert body["activities"][0]["tried_by"] is None


def test_the_download_sends_each_version_privately():
    w = build()
    client = Client()
    member = w.people["member"]
    library.material_version_add(
        actor=w.people["staff"],
        material=w.material,
        upload=SimpleUploadedFile("v2.pdf", pdf_bytes("Two"), "application/pdf"),
    )
    url = f"/api/materials/{w.material.pk}/file"
    newest = _get(client, member, url)
    assert newest.status_code == 200
    assert (
        "attachment" in newest["Content-Disposition"] and "v2.pdf" in newest["Content-Disposition"]
    )
    assert newest["X-Content-Type-Options"] == "nosniff"
    # Read to the end, the test client closes the file (an explicit close() would send
    # request_finished, which closes the test's database connection).
    assert b"".join(newest.streaming_content) == pdf_bytes("Two")
    first = _get(client, member, f"{url}?version=1")
    assert "slides.pdf" in first["Content-Disposition"]
    assert b"".join(first.streaming_content) == pdf_bytes("Slides")
    assert _get(client, member, f"{url}?version=9").status_code == 404
    assert _get(client, member, f"{url}?version=x").status_code == 422
    assert _get(client, member, "/api/materials/999999/file").status_code == 404
    # The other cohort's member: refused, and no file.
    refused = _get(client, w.people["other_team"], url)
    assert refused.status_code == 403 and refused["Content-Type"].startswith("application/json")


def test_a_recording_is_a_link_without_a_file():
    w = build()
    client = Client()
    recording = library.material_add(
        actor=w.people["staff"],
        event=w.event,
        kind="recording",
        title="Recording",
        recording_url="https://example.org/recording",
    )
    member = w.people["member"]
    body = _get(client, member, f"/api/events/{w.event.pk}/materials").json()
    shown = next(m for m in body["materials"] if m["id"] == recording.pk)
    assert shown["recording_url"] == "https://example.org/recording" and shown["versions"] == []
    assert _get(client, member, f"/api/materials/{recording.pk}/file").status_code == 404


def test_the_library_lists_what_the_library_page_lists():
    w = build()
    client = Client()
    for role in ROLES:
        user = w.people[role]
        response = _get(client, user, "/api/library")
        if not can_view_library(user):
            assert response.status_code == 403, role
            continue
        expected = [m.pk for m in library.library_materials(user)]
        assert [m["id"] for m in response.json()] == expected, role
    member = w.people["member"]
    assert [m["id"] for m in _get(client, member, "/api/library?q=coaching").json()] == [
        w.material.pk
    ]
    assert _get(client, member, "/api/library?topic=Finance").json() == []
    assert _get(client, member, f"/api/library?cohort={w.team.cohort_id}").status_code == 200
    assert _get(client, member, "/api/library?cohort=-1").status_code == 422
    assert _get(client, member, "/api/library?q=" + "x" * 300).status_code == 422

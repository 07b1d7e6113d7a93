"""The learning library: materials on an event (versions, private downloads, hostile uploads),
suggested activities marked as tried by a team with its own PDSA cycle, and the search on both
databases."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.applications.sample_files import pdf_bytes
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events import library
from pursuing_equity.events.models import ActivityTry, Material
from pursuing_equity.events.tests.factories import affinity_member, past_event
from pursuing_equity.reporting import services as reporting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf(name="slides.pdf", text="Slides"):
    return SimpleUploadedFile(name, pdf_bytes(text), "application/pdf")


@pytest.fixture
def call(program):
    """A past all-team call of the Action Community."""
    return past_event(program.cycle, audience="cohort", cohort=program.ac, title="All-Team Call")


def test_faculty_add_slides_and_a_new_version_keeps_the_first(client, program, call):
    client.force_login(program.coach)
    url = reverse("material_add", args=[call.pk])
    response = client.post(
        url, {"replaces": "0", "kind": "slides", "title": "Call slides", "file": _pdf()}
    )
    assert response.status_code == 302
    material = Material.objects.get(event=call)
    response = client.post(url, {"replaces": str(material.pk), "file": _pdf("v2.pdf", "Two")})
    assert response.status_code == 302
    assert [v.number for v in material.versions.all()] == [2, 1]
    assert AuditEntry.objects.filter(action="event.material.version").exists()

    member = program.members_of(program.ac_teams[0])[1]
    client.force_login(member)
    page = client.get(reverse("event_detail", args=[call.pk])).content.decode()
    assert "Call slides" in page and "version 2" in page and "Earlier versions" in page
    first = client.get(reverse("material_download", args=[material.pk]) + "?version=1")
    assert first.status_code == 200
    assert b"".join(first.streaming_content).startswith(b"%PDF")


def test_materials_are_as_private_as_their_event(client, program, call):
    material = library.material_add(
        actor=program.staff, event=call, kind="slides", title="AC slides", upload=_pdf()
    )
    url = reverse("material_download", args=[material.pk])
    client.force_login(program.members_of(program.ln_teams[0])[0])  # another cohort
    assert client.get(url).status_code == 403
    assert "AC slides" not in client.get(reverse("library")).content.decode()
    client.logout()
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(person())  # a visitor with an account and no role
    assert client.get(url).status_code == 403
    assert client.get(reverse("library")).status_code == 403


def test_an_affinity_groups_materials_stay_in_the_group(client, program):
    member = program.members_of(program.ac_teams[0])[1]
    affinity_member(program.cycle, member, "white")
    event = past_event(
        program.cycle, audience="affinity_group", affinity_group="white", title="Affinity"
    )
    material = library.material_add(
        actor=program.staff, event=event, kind="document", title="Reading", upload=_pdf()
    )
    url = reverse("material_download", args=[material.pk])
    client.force_login(program.coach)  # faculty, not a facilitator of the group
    assert client.get(url).status_code == 403
    assert client.get(reverse("material_add", args=[event.pk])).status_code == 403
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_team_members_cannot_add_materials(client, program, call):
    client.force_login(program.members_of(program.ac_teams[0])[0])
    assert client.get(reverse("material_add", args=[call.pk])).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "slides", "title": "X", "file": ("evil.pdf", b"MZ\x90\x00 a program")},
            "is not a PDF",
        ),
        ({"kind": "slides", "title": "X", "file": ("empty.pdf", b"")}, "empty"),
        (
            {"kind": "document", "title": "X", "file": ("run.exe", b"MZ\x90\x00")},
            "Attach a PDF",
        ),
        ({"kind": "slides", "title": "X"}, "Choose the file"),
        ({"kind": "recording", "title": "X"}, "recording’s link"),
        ({"kind": "recording", "title": "X", "recording_url": "javascript:alert(1)"}, "valid URL"),
        ({"kind": "slides", "title": "", "file": ("a.pdf", pdf_bytes("a"))}, "Give the material"),
        ({"kind": "nonsense", "title": "X"}, "Select a valid choice"),
    ],
)
def test_hostile_uploads_are_refused_with_a_message(client, program, call, data, message):
    client.force_login(program.staff)
    post = {"replaces": "0", **data}
    if "file" in data:
        name, content = data["file"]
        post["file"] = SimpleUploadedFile(name, content)
    response = client.post(reverse("material_add", args=[call.pk]), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Material.objects.exists()


def test_a_team_marks_an_activity_tried_with_its_own_pdsa_cycle(client, program, call):
    team, other = program.ac_teams
    member = program.members_of(team)[1]
    activity = library.suggested_activity_add(
        actor=program.coach, event=call, title="Ask patients their preferred language"
    )
    pdsa = reporting.pdsa_cycle_save(
        actor=member,
        team=team,
        change_idea="Language at check-in",
        started_on=datetime.date.today(),
    )
    others = reporting.pdsa_cycle_save(
        actor=program.members_of(other)[1],
        team=other,
        change_idea="Not yours",
        started_on=datetime.date.today(),
    )
    client.force_login(member)
    url = reverse("activity_tried", args=[call.pk])
    # Another team's PDSA cycle is not offered, and refused when forged.
    response = client.post(url, {"activity": activity.pk, "pdsa_cycle": others.pk}, follow=True)
    assert "not marked" in response.content.decode()
    assert not ActivityTry.objects.exists()
    response = client.post(url, {"activity": activity.pk, "pdsa_cycle": pdsa.pk}, follow=True)
    page = response.content.decode()
    assert f"Tried by {team.name}" in page and "Language at check-in" in page
    tried = ActivityTry.objects.get()
    assert (tried.team, tried.pdsa_cycle) == (team, pdsa)


def test_the_service_refuses_another_teams_pdsa_cycle_and_another_team(program, call):
    team, other = program.ac_teams
    member = program.members_of(team)[1]
    activity = library.suggested_activity_add(actor=program.staff, event=call, title="Try it")
    others = reporting.pdsa_cycle_save(
        actor=program.members_of(other)[1],
        team=other,
        change_idea="Not yours",
        started_on=datetime.date.today(),
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="your team's own PDSA"):
        library.activity_mark_tried(actor=member, activity=activity, team=team, pdsa_cycle=others)
    with pytest.raises(ValidationError, match="only for your own team"):
        library.activity_mark_tried(actor=member, activity=activity, team=other)


def test_people_of_another_cohort_cannot_mark_activities(client, program, call):
    library.suggested_activity_add(actor=program.staff, event=call, title="Try it")
    client.force_login(program.members_of(program.ln_teams[0])[0])
    assert client.post(reverse("activity_tried", args=[call.pk]), {}).status_code == 403


def _materials(program):
    call = past_event(program.cycle, audience="cohort", cohort=program.ac, title="All-Team Call")
    later = past_event(
        program.cycle, days_ago=3, audience="cohort", cohort=program.ln, title="Data call"
    )
    add = library.material_add
    add(actor=program.staff, event=call, kind="slides", title="Stratifying measures",
        topic="Data", upload=_pdf())  # fmt: skip
    add(actor=program.staff, event=call, kind="recording", title="Team meeting recording",
        recording_url="https://example.org/rec")  # fmt: skip
    add(actor=program.staff, event=later, kind="agenda", title="Budget agenda",
        topic="Finance", upload=_pdf())  # fmt: skip


def _titles(user, **kwargs):
    return [m.title for m in library.library_materials(user, **kwargs)]


def test_the_library_searches_filters_and_lists_newest_first(program):
    _materials(program)
    staff = program.staff
    assert _titles(staff) == ["Budget agenda", "Stratifying measures", "Team meeting recording"]
    assert _titles(staff, query="stratifying") == ["Stratifying measures"]
    assert _titles(staff, query="budget") == ["Budget agenda"]
    assert sorted(_titles(staff, query="all-team call")) == [
        "Stratifying measures",
        "Team meeting recording",
    ]  # the event's title counts
    assert _titles(staff, topic="finance") == ["Budget agenda"]
    assert _titles(staff, cohort_id=program.ac.pk, query="budget") == []
    assert _titles(staff, query="'; DROP TABLE events_material; --") == []


def test_the_library_lists_only_the_readers_events(program):
    _materials(program)
    ac_member = program.members_of(program.ac_teams[0])[0]
    assert _titles(ac_member) == ["Stratifying measures", "Team meeting recording"]
    assert _titles(ac_member, query="budget") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search: PostgreSQL only")
def test_postgresql_search_stems_words(program):
    _materials(program)
    # "meetings" finds "meeting" and "stratify" finds "stratifying": English stemming.
    assert _titles(program.staff, query="meetings") == ["Team meeting recording"]
    assert _titles(program.staff, query="stratify") == ["Stratifying measures"]
    assert _titles(program.staff, query="budget -finance") == []  # web-search syntax
    assert sorted(_titles(program.staff, query="meetings or budget")) == [
        "Budget agenda",
        "Team meeting recording",
    ]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the fallback: SQLite only")
def test_sqlite_search_matches_substrings(program):
    _materials(program)
    assert _titles(program.staff, query="meet") == ["Team meeting recording"]
    assert _titles(program.staff, query="MEASURES strat") == ["Stratifying measures"]


def test_the_library_page_searches(client, program):
    _materials(program)
    client.force_login(program.staff)
    page = client.get(reverse("library"), {"q": "budget", "cohort": "x" * 300}).content.decode()
    assert "Budget agenda" in page and "Stratifying measures" not in page

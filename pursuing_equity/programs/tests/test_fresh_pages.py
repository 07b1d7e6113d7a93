"""The program page and the informational call's page are kept ({% fresh %}) between reads: a
change loaded or saved by staff shows at once, and one reader's page is never another's."""

import tomllib

import pytest
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.core.tests.query_counts import read_twice
from pursuing_equity.programs import services
from pursuing_equity.programs.tests.factories import PROGRAM_FILE, load_cycle
from pursuing_equity.programs.tests.test_call import upcoming_cycle
from pursuing_equity.programs.tests.tomlwrite import dumps

pytestmark = pytest.mark.django_db


def test_the_program_page_shows_a_reloaded_program_file_at_once(client, tmp_path):
    load_cycle()
    assert "Kept pages are fresh" not in read_twice(client, None, reverse("program"))
    document = tomllib.loads(PROGRAM_FILE.read_text(encoding="utf-8"))
    document["program"]["tagline"] = "Kept pages are fresh"
    changed = tmp_path / "program.toml"
    changed.write_text(dumps(document), encoding="utf-8")
    assert services.program_load(path=changed).status == "updated"
    assert "Kept pages are fresh" in client.get(reverse("program")).content.decode()


def test_a_readers_kept_program_page_is_not_a_visitors(client):
    upcoming_cycle()  # its call for applications is open
    client.force_login(person())  # an applicant
    assert "Apply or continue your application" in read_twice(client, None, reverse("program"))
    client.logout()
    page = client.get(reverse("program")).content.decode()
    assert "Apply or continue your application" not in page
    assert "Applications are open" in page


def test_the_call_page_shows_the_join_link_saved_by_staff_at_once(client):
    cycle = upcoming_cycle()
    url = reverse("call", args=[cycle.slug])
    page = read_twice(client, None, url)
    assert "Register below: we email you the link to join the call." in page
    services.call_links_save(
        actor=person(Role.PROGRAM_STAFF),
        cycle=cycle,
        join_url="https://zoom.example.org/j/123",
        join_details="",
        recording_url="",
    )
    page = client.get(url).content.decode()
    assert "Registered people receive the link to join by email." in page
    # A registration's answer is always rendered: its errors, not the kept page.
    response = client.post(url, {"name": "Ana Reyes", "organization": "JV", "email": "nope"})
    assert response.status_code == 400
    assert "Please correct the problems shown below." in response.content.decode()
    # The self-check's answer is kept under its own address, not the page without answers.
    answered = client.get(url, {"check-submitted": "1"}).content.decode()
    assert "Answer every question to see our suggestion." in answered
    assert "Answer every question" not in client.get(url).content.decode()

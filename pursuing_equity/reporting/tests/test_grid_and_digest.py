"""The staff and faculty grid (submitted, late, missing, reflected) and the monthly PDF digest."""

import re

import pytest
from django.urls import reverse

from pursuing_equity.reporting import selectors, services
from pursuing_equity.reporting.models import Digest
from pursuing_equity.reporting.tests import factories


@pytest.fixture
def reports(network):
    on_time = factories.started_period(network.ac, 3)
    late = factories.started_period(network.ac, 2)
    factories.update(
        network.ac,
        network.member,
        on_time,
        submit=True,
        now=factories.on_due_day(network.ac, on_time),
        progress="On-time progress",
    )
    update = factories.update(network.ac, network.member, late, submit=True)
    services.reflection_write(actor=network.alternate, update=update, text="Keep going.")
    return on_time, late


@pytest.mark.django_db
def test_the_grid_says_submitted_late_missing_and_reflected(network, reports):
    on_time, late = reports
    grid = {g.cohort.key: g for g in selectors.submission_grid(factories.cycle())}
    row = next(r for r in grid["action_community"].rows if r.team == network.ac)
    cells = {c.start: c for c in row.cells}
    assert cells[on_time].state_label == "Submitted on time"
    assert cells[on_time].reflection_label == "Leader reflection overdue"
    assert cells[late].state_label == "Submitted late"
    assert cells[late].reflection_label == "Leader reflected"
    other = next(r for r in grid["action_community"].rows if r.team == network.ac_other)
    assert {c.state for c in other.cells} <= {"missing", "open"}
    assert "missing" in {c.state for c in other.cells}
    assert grid["learning_network"].rule.every_months == 3


@pytest.mark.django_db
def test_staff_and_faculty_see_the_grid_others_do_not(client, network, reports):
    url = reverse("submission_grid")
    for person in (network.staff, network.faculty):
        client.force_login(person)
        page = client.get(url)
        assert page.status_code == 200
        assert "Submitted late" in page.text and "Leader reflection overdue" in page.text
    for person in (network.member, network.leader, network.applicant):
        client.force_login(person)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_each_grid_cell_says_its_status_in_words_and_a_symbol_not_colour_alone(
    client, network, reports
):
    client.force_login(network.staff)
    html = client.get(reverse("submission_grid")).content.decode()
    cells = re.findall(r'<td class="status-(\w+)">(.*?)</td>', html, re.S)
    assert {state for state, _ in cells} >= {"submitted", "late", "missing"}
    symbols = {"submitted": "✓", "late": "!", "missing": "✗", "draft": "✎", "open": "○"}
    words = {"submitted": "Submitted on time", "late": "Submitted late", "missing": "Missing"}
    for state, cell in cells:
        assert f'<span class="status" aria-hidden="true">{symbols[state]}</span>' in cell
        assert words.get(state, "") in cell
    assert 'class="table-scroll" tabindex="0" role="region" aria-label="Table: ' in html


@pytest.mark.django_db
def test_the_digest_is_prepared_in_the_background_then_downloaded_as_one_pdf(
    client, network, reports, django_capture_on_commit_callbacks
):
    on_time, late = reports
    client.force_login(network.staff)
    grid = client.get(reverse("submission_grid"))
    # The form offers the latest month that has updates.
    assert f'<option value="{late:%Y-%m}" selected>' in grid.text
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("update_digest"), {"month": f"{on_time:%Y-%m}"})
    assert response.status_code == 302
    digest = Digest.objects.get()
    assert digest.status == "preparing"
    assert "Being prepared…" in client.get(reverse("submission_grid")).text
    for callback in queued:
        callback()
    digest.refresh_from_db()
    assert digest.status == "ready"
    download = reverse("digest_download", args=[digest.pk])
    assert download in client.get(reverse("submission_grid")).text
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert [u.progress for u in selectors.digest_updates(factories.cycle(), on_time)] == [
        "On-time progress"
    ]
    client.force_login(network.member)
    assert client.get(download).status_code == 403


@pytest.mark.django_db
def test_a_bad_digest_month_is_answered_on_the_page(client, network):
    client.force_login(network.faculty)
    response = client.post(reverse("update_digest"), {"month": "2099-13"})
    assert response.status_code == 400 and "Please choose a month" in response.text
    assert not Digest.objects.exists()
    client.force_login(network.member)
    assert client.post(reverse("update_digest"), {"month": "2023-01"}).status_code == 403

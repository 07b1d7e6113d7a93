"""Submitting an update, replying to one and asking for the PDF digest answer at once: the slow
work (the chart snapshot, the PDF) is queued for the worker, never done in the request."""

import pytest
from django.urls import reverse

from pursuing_equity.reporting import charts, preparation
from pursuing_equity.reporting.models import Digest, Update
from pursuing_equity.reporting.tests import factories


@pytest.fixture
def drawn(monkeypatch):
    """What was drawn, and when: the snapshot and the PDF record their calls instead of
    drawing (each takes seconds)."""
    calls: list[str] = []
    monkeypatch.setattr(charts, "snapshot", lambda team, as_of: calls.append("snapshot") or [])
    monkeypatch.setattr(preparation, "digest_pdf", lambda cycle, month: calls.append("pdf") or b"")
    return calls


@pytest.mark.django_db
def test_submitting_queues_the_snapshot_and_draws_nothing(
    client, network, drawn, django_capture_on_commit_callbacks
):
    period = factories.started_period(network.ac)
    client.force_login(network.member)
    url = reverse("update_edit", args=[network.ac.slug, f"{period:%Y-%m}"])
    fields = {"progress": "P", "challenges": "C", "learning": "L", "help_wanted": ""}
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url, {**fields, "version": "", "action": "submit"})
    assert response.status_code == 302
    assert drawn == []
    assert Update.objects.get(team=network.ac).charts_status == "preparing"
    for callback in queued:
        callback()
    assert drawn == ["snapshot"]
    assert Update.objects.get(team=network.ac).charts_status == "ready"


@pytest.mark.django_db
def test_a_reflection_draws_nothing(client, network, drawn, django_assert_max_num_queries):
    period = factories.started_period(network.ac, 2)
    factories.update(network.ac, network.member, period, submit=True)
    drawn.clear()
    client.force_login(network.leader)
    url = reverse("reflection_write", args=[network.ac.slug, f"{period:%Y-%m}"])
    with django_assert_max_num_queries(30):
        assert client.post(url, {"text": "Proud of this."}).status_code == 302
    assert drawn == []


@pytest.mark.django_db
def test_asking_for_the_digest_queues_it_and_draws_nothing(
    client, network, drawn, django_capture_on_commit_callbacks
):
    period = factories.started_period(network.ac, 2)
    factories.update(network.ac, network.member, period, submit=True)
    drawn.clear()
    client.force_login(network.staff)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("update_digest"), {"month": f"{period:%Y-%m}"})
    assert response.status_code == 302
    assert drawn == [] and Digest.objects.get().status == "preparing"
    for callback in queued:
        callback()
    assert drawn == ["pdf"] and Digest.objects.get().status == "ready"

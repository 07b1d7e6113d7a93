"""Submitting measure data and updates through the API: the same checks, versions and services
as the pages; every problem as JSON naming its row and field; results as the dashboard shows
them to the same person (suppressed outside the team)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from pursuing_equity.api.tests.world import build, headers_of
from pursuing_equity.measures.checks import Record
from pursuing_equity.measures.models import Submission, Upload
from pursuing_equity.measures.stored import measure_dashboard
from pursuing_equity.measures.uploads import check_records
from pursuing_equity.reporting.models import Update


def _post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def world(db):
    return build()


def test_bad_rows_get_every_problem_of_an_upload_located_and_nothing_is_stored(world):
    w = world
    url = f"/api/teams/{w.team.slug}/measures/{w.measure.slug}/data"
    month = f"{w.period:%Y-%m}"
    rows = [
        {
            "period": "2099-01",
            "stratifier": "race_ethnicity",
            "group": "white",
            "numerator": 1,
            "denominator": 2,
        },
        {
            "period": month,
            "stratifier": "race_ethnicity",
            "group": "martian",
            "numerator": 1,
            "denominator": 2,
        },
        {
            "period": month,
            "stratifier": "race_ethnicity",
            "group": "black",
            "numerator": 50,
            "denominator": 40,
        },
        {
            "period": month,
            "stratifier": "payer",
            "group": "x",
            "numerator": "-3",
            "denominator": "ten",
        },
    ]
    uploads = Upload.objects.count()
    response = _post(Client(), url, {"rows": rows}, headers_of(w.people["member"]))
    assert response.status_code == 422
    body = response.json()
    assert "nothing was stored" in body["detail"]
    same = check_records(
        w.measure, [Record(i + 1, r) for i, r in enumerate(rows)], today=datetime.date.today()
    )
    assert [(p["row"], p["column"], p["message"]) for p in body["problems"]] == [
        (p.row, p.column, p.message) for p in same.problems
    ]
    fields = {p["field"] for p in body["problems"]}
    assert {"rows[0].period", "rows[1].group", "rows[2].numerator", "rows[3].stratifier"} <= fields
    assert Upload.objects.count() == uploads


def test_each_submission_is_the_next_version_of_its_period_and_nothing_is_overwritten(world):
    w = world
    url = f"/api/teams/{w.team.slug}/measures/{w.measure.slug}/data"
    headers = headers_of(w.people["member"])
    month = f"{w.period:%Y-%m}"
    rows = [
        {
            "period": month,
            "stratifier": "race_ethnicity",
            "group": "white",
            "numerator": "21",
            "denominator": "40",
        },
        {
            "period": month,
            "stratifier": "race_ethnicity",
            "group": "black",
            "numerator": 5,
            "denominator": 12,
        },
    ]
    client = Client()
    first = _post(client, url, {"rows": rows}, headers).json()
    second = _post(client, url, {"rows": rows}, headers).json()
    assert [p["version"] for p in first["periods"]] == [2]
    assert [p["version"] for p in second["periods"]] == [3]
    assert {"stratifier": "overall", "group": "all", "numerator": 26, "denominator": 52} in first[
        "periods"
    ][0]["counts"]
    versions = Submission.objects.filter(measure=w.measure, period=w.period)
    assert sorted(versions.values_list("version", "is_current")) == [
        (1, False),
        (2, False),
        (3, True),
    ]
    pending = _post(client, url, {"rows": rows, "confirm": False}, headers)
    assert pending.status_code == 201 and pending.json()["status"] == "pending"
    assert pending.json()["periods"] == [] and versions.count() == 3
    data = client.get(url, headers=headers).json()
    assert [p["version"] for p in data] == [1, 3]


@pytest.mark.parametrize(
    "body",
    [
        {"rows": []},
        {"rows": "everything"},
        {"rows": [{"numerator": {"a": 1}}]},
        {
            "rows": [
                {
                    "period": "2024-13",
                    "stratifier": None,
                    "group": 7,
                    "numerator": 1e300,
                    "denominator": "1,000,000,000,000,000,000,000",
                }
            ]
        },
        [],
        "not json",
    ],
)
def test_hostile_bodies_are_answered_with_4xx_never_5xx(world, body):
    w = world
    url = f"/api/teams/{w.team.slug}/measures/{w.measure.slug}/data"
    response = _post(Client(), url, body, headers_of(w.people["member"]))
    assert 400 <= response.status_code < 500, response.content


def test_results_are_the_dashboard_each_person_sees(world):
    w = world
    client = Client()
    url = f"/api/teams/{w.team.slug}/measures/{w.measure.slug}/results"
    for role in ("member", "peer", "coach", "staff"):
        user = w.people[role]
        body = client.get(url, headers=headers_of(user, "read")).json()
        dashboard = measure_dashboard(w.measure, user)
        assert body["suppressed"] is dashboard.suppressed is (role != "member")
        assert [
            (c["group"], c["period"], c["numerator"], c["suppressed"]) for c in body["cells"]
        ] == [(r["group"], r["period"], r["numerator"], r["suppressed"]) for r in dashboard.table]
        black = [c for c in body["cells"] if c["group"] == "black"]
        if role == "member":
            assert {c["numerator"] for c in black} == {"3", "4"}
        else:
            assert all(c["rate"] is None and c["suppressed"] for c in black)
            # complementary suppression: the group that would give black away is hidden too
            assert all(c["suppressed"] for c in body["cells"] if c["group"] == "white")
    bad = client.get(f"{url}?stratifier=payer", headers=headers_of(w.people["member"], "read"))
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "stratifier"


def test_an_update_is_saved_and_submitted_through_the_reporting_service(world):
    w = world
    client = Client()
    headers = headers_of(w.people["member"])
    url = f"/api/teams/{w.team.slug}/updates/{w.draft.period_key}"
    text = {
        "progress": "Texts.",
        "challenges": "",
        "learning": "Evenings.",
        "version": w.draft.version,
    }
    missing = client.put(
        url, {**text, "submit": True}, content_type="application/json", headers=headers
    )
    assert missing.status_code == 422
    assert [p["field"] for p in missing.json()["problems"]] == ["challenges"]
    stale = client.put(
        url, {**text, "version": 99}, content_type="application/json", headers=headers
    )
    assert stale.status_code == 409
    done = client.put(
        url,
        {**text, "challenges": "Staff.", "submit": True},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert Update.objects.get(pk=w.draft.pk).status == Update.Status.SUBMITTED
    again = client.put(
        url, {**text, "version": 2}, content_type="application/json", headers=headers
    )
    assert again.status_code == 422 and "submitted" in again.json()["detail"]
    future = f"{w.team.cycle.ends_on + datetime.timedelta(days=400):%Y-%m}"
    late = client.put(
        f"/api/teams/{w.team.slug}/updates/{future}",
        text | {"version": None},
        content_type="application/json",
        headers=headers,
    )
    assert late.status_code == 422
    assert (
        client.get(f"/api/teams/{w.team.slug}/updates/2024-99", headers=headers).status_code == 404
    )

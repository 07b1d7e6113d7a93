"""Every endpoint, as each role, answers as the pages' rule functions say (the same functions,
asked about the same objects), and lists exactly what those rules admit; without a token, 401."""

from __future__ import annotations

import pytest
from django.test import Client

from pursuing_equity.api.api import api
from pursuing_equity.api.tests.world import ROLES, build, call, headers_of
from pursuing_equity.events.models import Event
from pursuing_equity.events.rules import can_download_material, can_view_event, can_view_library
from pursuing_equity.measures import rules as measure_rules
from pursuing_equity.measures.models import Submission
from pursuing_equity.reporting import rules as reporting_rules
from pursuing_equity.reporting.models import Update
from pursuing_equity.teams.models import Team
from pursuing_equity.teams.rules import can_view_team


def _always(user, obj=None) -> bool:
    return True


def endpoints(w) -> list[tuple[str, str, str, object, object, object]]:
    """(method, route as in the OpenAPI document, URL, rule, object, body)."""
    t, m = w.team.slug, w.measure.slug
    base = f"/api/teams/{t}"
    row = {"period": f"{w.period:%Y-%m}", "stratifier": "race_ethnicity", "group": "white"}
    data = {"rows": [{**row, "numerator": 21, "denominator": 40}]}
    return [
        ("GET", "/api/programs", "/api/programs", _always, None, None),
        (
            "GET",
            "/api/programs/{slug}/cohorts",
            f"/api/programs/{w.team.cycle.slug}/cohorts",
            _always,
            None,
            None,
        ),
        ("GET", "/api/teams", "/api/teams", _always, None, None),
        ("GET", "/api/teams/{slug}", base, can_view_team, w.team, None),
        ("GET", "/api/events", "/api/events", _always, None, None),
        (
            "GET",
            "/api/events/{event_id}",
            f"/api/events/{w.event.pk}",
            can_view_event,
            w.event,
            None,
        ),
        (
            "GET",
            "/api/events/{event_id}/materials",
            f"/api/events/{w.event.pk}/materials",
            can_view_event,
            w.event,
            None,
        ),
        (
            "GET",
            "/api/materials/{material_id}/file",
            f"/api/materials/{w.material.pk}/file",
            can_download_material,
            w.material,
            None,
        ),
        ("GET", "/api/library", "/api/library", can_view_library, None, None),
        (
            "GET",
            "/api/teams/{slug}/measures",
            f"{base}/measures",
            measure_rules.can_view_team_measures,
            w.team,
            None,
        ),
        (
            "GET",
            "/api/teams/{slug}/measures/{measure_slug}/data",
            f"{base}/measures/{m}/data",
            measure_rules.can_view_measure_data,
            w.measure,
            None,
        ),
        (
            "POST",
            "/api/teams/{slug}/measures/{measure_slug}/data",
            f"{base}/measures/{m}/data",
            measure_rules.can_edit_measure,
            w.measure,
            data,
        ),
        (
            "GET",
            "/api/teams/{slug}/measures/{measure_slug}/results",
            f"{base}/measures/{m}/results",
            measure_rules.can_view_measure,
            w.measure,
            None,
        ),
        (
            "GET",
            "/api/teams/{slug}/updates",
            f"{base}/updates",
            reporting_rules.can_view_team_reports,
            w.team,
            None,
        ),
        (
            "GET",
            "/api/teams/{slug}/updates/{period}",
            f"{base}/updates/{w.submitted.period_key}",
            reporting_rules.can_view_update,
            w.submitted,
            None,
        ),
        (
            "PUT",
            "/api/teams/{slug}/updates/{period}",
            f"{base}/updates/{w.draft.period_key}",
            reporting_rules.can_write_update,
            w.team,
            "draft",
        ),
    ]


def _body(w, body):
    if body == "draft":  # the version now saved, so that each writer's save is current
        version = Update.objects.get(pk=w.draft.pk).version
        return {
            "progress": "Tried texts.",
            "challenges": "Staff.",
            "learning": "Evenings work.",
            "version": version,
        }
    return body


@pytest.mark.django_db
def test_the_table_names_every_endpoint_of_the_openapi_document():
    w = build()
    documented = {
        (method.upper(), path)
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method in ops
    }
    assert {(e[0], e[1]) for e in endpoints(w)} == documented


@pytest.mark.django_db
def test_every_endpoint_answers_each_role_as_the_pages_rules():
    w = build()
    client = Client()
    problems = []
    seen: dict[str, set[int]] = {}
    for role in ROLES:
        user = w.people[role]
        headers = headers_of(user)
        for method, route, url, rule, obj, body in endpoints(w):
            allowed = rule(user, obj)
            expected = (201 if method == "POST" else 200) if allowed else 403
            response = call(client, method, url, headers, _body(w, body))
            seen.setdefault(f"{method} {route}", set()).add(response.status_code)
            if response.status_code != expected:
                problems.append(
                    f"{role} {method} {url}: {response.status_code}, rule says {expected}"
                )
    assert not problems, "\n".join(problems)
    # The matrix is not trivial: each object's endpoint admits someone and refuses someone.
    for key, statuses in seen.items():
        if "{" in key:
            assert len(statuses) == 2 or "cohorts" in key, (key, statuses)


@pytest.mark.django_db
def test_lists_hold_exactly_what_the_rules_admit():
    w = build()
    client = Client()
    for role in ROLES:
        user = w.people[role]
        headers = headers_of(user, "read")
        teams = {t["slug"] for t in client.get("/api/teams", headers=headers).json()}
        assert teams == {t.slug for t in Team.objects.all() if can_view_team(user, t)}, role
        events = {e["id"] for e in client.get("/api/events", headers=headers).json()}
        assert events == {e.pk for e in Event.objects.all() if can_view_event(user, e)}, role
        response = client.get(f"/api/teams/{w.team.slug}/updates", headers=headers)
        if response.status_code == 200:
            periods = {u["period"] for u in response.json()}
            visible = {
                u.period_key
                for u in Update.objects.filter(team=w.team)
                if reporting_rules.can_view_update(user, u)
            }
            assert periods == visible, role


@pytest.mark.django_db
def test_without_a_token_every_endpoint_answers_401_and_a_session_is_not_enough():
    w = build()
    client = Client()
    client.force_login(w.people["staff"])
    for method, _, url, _, _, body in endpoints(w):
        assert call(client, method, url, {}, _body(w, body)).status_code == 401, url
        wrong = {"Authorization": "Bearer pe_not-a-token"}
        assert call(client, method, url, wrong, _body(w, body)).status_code == 401, url
    assert Submission.objects.filter(measure=w.measure).count() == 2

"""One world for the API tests: team A (Action Community) with a measure, data and updates; a
peer team (the same cohort), a team of another cohort, and the personas of every role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.api.services import token_create
from pursuing_equity.applications.sample_files import pdf_bytes
from pursuing_equity.events import library
from pursuing_equity.events.tests.factories import past_event
from pursuing_equity.measures.checks import Record
from pursuing_equity.measures.models import Upload
from pursuing_equity.measures.services import submission_confirm, submission_validate
from pursuing_equity.reporting.tests import factories as rf
from pursuing_equity.teams.models import TeamMember

ROLES = ("staff", "coach", "member", "leader", "peer", "other_team", "funder")


@dataclass
class World:
    team: Any
    other_team: Any
    measure: Any
    period: Any
    submitted: Any
    draft: Any
    event: Any
    material: Any
    activity: Any
    people: dict[str, Any]


def counts(measure, actor, period, groups: dict[str, tuple[int, int]]) -> None:
    """Confirmed counts of one period (race and ethnicity), through the services as uploaded."""
    records = [
        Record(
            i + 1,
            {
                "period": period,
                "stratifier": "race_ethnicity",
                "group": g,
                "numerator": x,
                "denominator": n,
            },
        )
        for i, (g, (x, n)) in enumerate(groups.items())
    ]
    checked, upload = submission_validate(
        measure=measure, actor=actor, source=Upload.Source.GRID, records=records
    )
    assert upload is not None, checked.problems
    submission_confirm(upload=upload, actor=actor)


def build() -> World:
    team = rf.team("action_community")
    peer_team = rf.team("action_community")
    other_team = rf.team("learning_network")
    coach = person(Role.FACULTY)
    team.coach = coach
    team.save()
    people = {
        "staff": person(Role.PROGRAM_STAFF),
        "coach": coach,
        "member": rf.member(team),
        "leader": rf.member(team, TeamMember.Part.SENIOR_LEADER),
        "peer": rf.member(peer_team),
        "other_team": rf.member(other_team),
        "funder": person(Role.FUNDER),
    }
    measure = rf.measure(team)
    period = rf.started_period(team, 2)
    # 3 of 12: a small cell, suppressed for everyone outside the team.
    counts(measure, people["member"], period, {"white": (20, 40), "black": (3, 12)})
    counts(
        measure, people["member"], rf.started_period(team, 3), {"white": (18, 40), "black": (4, 12)}
    )
    submitted = rf.update(team, people["member"], period, submit=True)
    draft = rf.update(team, people["member"], rf.started_period(team, 1))
    event = past_event(team.cycle, audience="team", team=team, kind="one_to_one_coaching")
    # Slides (one file) and a suggested activity on the team's event (MEDIA_ROOT is a temporary
    # folder: conftest.py).
    material = library.material_add(
        actor=people["staff"],
        event=event,
        kind="slides",
        title="Coaching slides",
        topic="Data",
        upload=SimpleUploadedFile("slides.pdf", pdf_bytes("Slides"), "application/pdf"),
    )
    activity = library.suggested_activity_add(
        actor=coach, event=event, title="Call ten patients", description="After the call."
    )
    return World(
        team, other_team, measure, period, submitted, draft, event, material, activity, people
    )


_tokens = itertools.count(1)


def headers_of(user, *scopes: str) -> dict[str, str]:
    """Headers of a fresh token of ``user`` with ``scopes`` (both when none are named)."""
    _, secret = token_create(
        actor=user,
        name=f"token {next(_tokens)}",
        scopes=list(scopes or ("read", "submit-data")),
    )
    return {"Authorization": f"Bearer {secret}"}


def call(client: Client, method: str, url: str, headers: dict, body: Any = None):
    kwargs = {"headers": headers}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(client, method.lower())(url, **kwargs)

"""Applications for tests: an open call, and drafts filled step by step through the services."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pursuing_equity.accounts.models import Organization
from pursuing_equity.accounts.tests.factories import UserFactory
from pursuing_equity.applications import program, services, transitions
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.tests.files import mp4_bytes, pdf_bytes
from pursuing_equity.programs.dates import month_index
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.programs.tests.factories import load_cycle

ORGANIZATION = {
    "name": "Harbor Point Community Health Center",
    "org_type": Organization.Type.FQHC,
    "city": "Providence",
    "state": "RI",
    "size": Organization.Size.MEDIUM,
    "populations_served": ["urban", "latino"],
    "website": "",
}


def open_cycle(today: datetime.date | None = None) -> Cycle:
    """The program with its dates moved so that both deadlines are one to two months ahead."""
    today = today or timezone.localdate()
    return load_cycle(shift_months=month_index(datetime.date(2022, 10, 1), today) + 1)


def cohort(cycle: Cycle, key: str) -> Cohort:
    return cycle.cohorts.get(key=key)


def roster(size: int = 4, *, executive: bool = True, domain: str = "example.org") -> list[dict]:
    lenses = [["executive"], ["data"], ["quality_improvement", "equity"], ["patient_facing"]]
    members = []
    for i in range(size):
        chosen = lenses[i % len(lenses)]
        if not executive:
            chosen = [lens for lens in chosen if lens != "executive"] or ["equity"]
        members.append(
            {
                "full_name": f"Member {i + 1}",
                "email": f"member{i + 1}@{domain}",
                "title": "Nurse manager",
                "lenses": chosen,
                "community_partner": False,
            }
        )
    return members


def pdf_upload(name: str = "letter.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, "application/pdf")


def video_upload(seconds: float = 600, name: str = "team.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, mp4_bytes(seconds), "video/mp4")


def draft(*, cycle: Cycle, key: str = "action_community", user=None) -> Application:
    user = user or UserFactory()
    return services.application_start(actor=user, cycle=cycle, cohort=cohort(cycle, key))


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def complete(application: Application, *, organization: dict | None = None) -> Application:
    """Fill every step of a draft through the services (as the applicant)."""
    actor = application.created_by
    app = services.application_organization_save(
        actor=actor,
        application=application,
        version=application.version,
        **(organization or ORGANIZATION),
    )
    app = services.roster_save(actor=actor, application=app, version=app.version, members=roster())
    app = services.application_answers_save(
        actor=actor,
        application=app,
        version=app.version,
        equity_work_so_far="We stratified readmissions by race and language.",
        qi_results="Reduced no-show rates from 18% to 11% in 2021.",
        real_data="accessible_and_usable",
        sogi_data="accessible_not_usable",
        community_partnerships="A food bank and a tenants' union.",
        hopes="Close the hypertension control gap for Black patients.",
    )
    cohort_ = app.cohort_choice
    for material in program.required_letters(cohort_):
        services.document_upload(
            actor=actor,
            application=app,
            kind=material.key,
            upload=pdf_upload(),
            signatories=material.signatories,
        )
    rules = program.video_rules(cohort_)
    if rules:
        services.video_add(
            actor=actor,
            application=app,
            upload=video_upload(),
            required_items=[k for k, _ in rules.required_items],
            optional_questions=[k for k, _ in rules.questions][: rules.choose_min],
        )
    return fresh(app)


def submitted(*, cycle: Cycle, key: str = "action_community", user=None) -> Application:
    app = complete(draft(cycle=cycle, key=key, user=user))
    return transitions.application_submit(actor=app.created_by, application=app)


# Workflow tests decide without reviewers: the review app's guard asks for the reason (audited).
NO_REVIEWS = {"reviews_override_reason": "Workflow test: no reviewers assigned."}

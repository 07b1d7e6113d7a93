"""Received applications for review tests, written directly (fast: no uploads, no email)."""

from __future__ import annotations

import datetime
import secrets

from django.utils import timezone

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import OrganizationFactory, UserFactory, person
from pursuing_equity.applications import program
from pursuing_equity.applications.models import (
    Application,
    ApplicationDocument,
    RosterMember,
    TeamVideo,
)
from pursuing_equity.programs.models import Cycle
from pursuing_equity.review import services
from pursuing_equity.review.scoring import rubric_of

LENSES = [["executive"], ["data"], ["quality_improvement", "equity"], ["patient_facing"]]


def received(
    cycle: Cycle,
    key: str = "action_community",
    *,
    organization=None,
    roster_size: int = 4,
    submitted_at: datetime.datetime | None = None,
    with_video: bool = True,
    state: str = "submitted",
) -> Application:
    """A received application to ``key`` with a complete roster, letters and (AC) a video."""
    cohort = cycle.cohorts.get(key=key)
    organization = organization or OrganizationFactory()
    creator = UserFactory()
    application = Application.objects.create(
        cycle=cycle,
        organization=organization,
        created_by=creator,
        cohort_choice=cohort,
        current_cohort=cohort,
        state=state,
        submitted_at=submitted_at or timezone.now(),
        equity_work_so_far="Stratified readmissions.",
        qi_results="No-shows down from 18% to 11%.",
        real_data="accessible_and_usable",
        sogi_data="accessible_not_usable",
        community_partnerships="A food bank.",
        hopes="Close the hypertension control gap.",
    )
    for i in range(roster_size):
        RosterMember.objects.create(
            application=application,
            full_name=f"Member {i + 1} of {organization.name}",
            email=f"m{i + 1}.{organization.slug}@example.org",
            title="Nurse manager",
            lenses=LENSES[i % len(LENSES)],
            position=i,
            token=secrets.token_urlsafe(16),
            confirmed_at=timezone.now(),
        )
    for material in program.required_letters(cohort):
        ApplicationDocument.objects.create(
            application=application,
            kind=material.key,
            version=1,
            file=f"applications/{application.pk}/documents/letter.pdf",
            original_name="letter.pdf",
            size=1000,
            sha256="0" * 64,
            signatories=list(material.signatories),
            uploaded_by=creator,
        )
    rules = program.video_rules(cohort)
    if rules and with_video:
        TeamVideo.objects.create(
            application=application,
            version=1,
            source="link",
            url="https://video.example.org/team",
            duration_seconds=600,
            required_items=[k for k, _ in rules.required_items],
            optional_questions=[k for k, _ in rules.questions][:2],
            uploaded_by=creator,
        )
    return application


def reviewer(**kwargs):
    return person(Role.REVIEWER, **kwargs)


def staff(**kwargs):
    return person(Role.PROGRAM_STAFF, **kwargs)


def full_scores(cycle: Cycle, value: int = 4, cohort_key: str | None = None) -> dict[str, int]:
    """``value`` for every criterion of ``cohort_key``'s rubric; without a cohort, for every
    criterion of every cohort's rubric (the scoring service keeps the assignment cohort's)."""
    keys = [cohort_key] if cohort_key else list(cycle.document["review_rubric"]["criteria"])
    return {k: value for key in keys for k in rubric_of(cycle.document, key).keys}


def submitted_review(*, actor_staff, application, by, value: int = 4):
    """Assign ``by`` and submit a review with every criterion at ``value``."""
    assignment = services.reviewer_assign(actor=actor_staff, application=application, reviewer=by)
    return services.review_save(
        actor=by,
        assignment=assignment,
        scores=full_scores(application.cycle, value, application.current_cohort.key),
        comments={},
        video_watched=True,
        submit=True,
    )

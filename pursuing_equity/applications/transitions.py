"""Taking the workflow's transitions: the one service that applies any of them
(:func:`application_transition`), and the applicant's two that do more (submitting, with its
acknowledgement; answering the offer of the fallback cohort). Each runs in a transaction, calls
``full_clean()`` and is audited.

What a transition may do and what it writes is declared in
:mod:`pursuing_equity.applications.workflow`; this module only applies the declaration.
Applications' own guards (the deadline and completeness on ``submit``, a fallback cohort for "not
selected") are registered from ``ApplicationsConfig.ready()`` by :func:`register_workflow_hooks`,
as the review app registers its own.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import User
from pursuing_equity.applications import program, selectors, workflow
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.services import AUDITED, when_text
from pursuing_equity.applications.states import State
from pursuing_equity.core.email import send_templated
from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.core.urls import absolute_url


def _guard_submit(application: Application, **data: Any) -> None:
    full = selectors.with_everything(application.pk)
    if selectors.deadline_passed(full):
        raise ValidationError(
            f"The deadline ({selectors.deadline_of(full):%B %-d, %Y}, end of day Eastern Time) "
            "has passed, so the application can no longer be submitted. Write to the program "
            "staff if you need an extension."
        )
    missing = [step.label for step in selectors.application_steps(full) if not step.complete]
    if missing:
        raise ValidationError(f"The application is not complete yet: {', '.join(missing)}.")


def _guard_not_selected(application: Application, **data: Any) -> None:
    key = program.fallback_cohort_key(application.current_cohort)
    if key is None:
        raise ValidationError(
            f"Applications to the {application.current_cohort.name} have no other cohort to move to."
        )


def register_workflow_hooks() -> None:
    """Plug applications' own guards into the workflow (idempotent; ``ApplicationsConfig.ready()``)."""
    workflow.register_guard("submit", _guard_submit)
    workflow.register_guard("not_selected_for_action_community", _guard_not_selected)


@transaction.atomic
def application_transition(
    *, actor: User, application: Application, transition: str, **data: Any
) -> Application:
    """Take a workflow transition: check the declaration (source state, who may take it, required
    data, registered guards), write the state and the transition's declared ``write``, run
    registered effects and audit it.

    Data: ``feedback`` (not_selected_for_action_community), ``reason`` (decline), ``rank``
    (waitlist, optional: default last); guards registered by other apps read their own keys
    (the review app's ``over_capacity_reason`` and ``reviews_override_reason``). Raises ``PermissionDenied`` or ``ValidationError``.
    """
    declared = workflow.transition(transition)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cycle", "cohort_choice__cycle", "current_cohort__cycle")
        .get(pk=application.pk)
    )
    if not declared.rule(actor, application):
        raise PermissionDenied(f"You may not {declared.label.lower()}.")
    if application.state not in declared.sources:
        raise ValidationError(
            f"“{declared.label}” is not possible for an application that is "
            f"{workflow.label_for(application.state, 'staff').lower()}."
        )
    errors = {
        key: "This is required."
        for key in declared.required
        if not str(data.get(key) or "").strip()
    }
    if errors:
        raise ValidationError(errors)
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    for guard in declared.guards:
        guard(application, **data)
    before = model_snapshot(application, AUDITED)
    if declared.write is not None:
        declared.write(application, data, timezone.now())
    if declared.target is not None:
        application.state = declared.target
    if application.state != State.WAITLISTED:
        # A rank belongs to the waitlist only (a check constraint says so too).
        application.waitlist_rank = None
    application.updated_by = actor
    application.full_clean()
    application.save()
    for effect in declared.effects:
        effect(actor=actor, application=application, **data)
    audit_record(
        actor=actor,
        action=f"application.{transition}",
        obj=application,
        before=before,
        after={
            **model_snapshot(application, AUDITED),
            **{k: v for k, v in data.items() if isinstance(v, str | int)},
        },
    )
    return application


def application_submit(*, actor: User, application: Application) -> Application:
    """Submit the application and email the acknowledgement with a copy of it.

    A second submit (a double click, another tab) returns the submitted application unchanged.
    """
    with transaction.atomic():
        current = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        if current.state != State.DRAFT and current.submitted_at is not None:
            return current
        submitted = application_transition(actor=actor, application=current, transition="submit")
        _send_acknowledgement(submitted, actor)
    return submitted


def _send_acknowledgement(application: Application, actor: User) -> None:
    full = selectors.with_everything(application.pk)
    recipients = sorted({full.created_by.email, actor.email})
    context = {
        "application": full,
        "documents": selectors.current_documents(full),
        "video": selectors.current_video(full),
        "status_url": absolute_url(reverse("application_status", args=[full.pk])),
        "received": when_text(full.submitted_at),
    }
    send_templated(
        template_prefix="applications/email/acknowledgement", context=context, to=recipients
    )


def application_offer_answer(*, actor: User, application: Application, accept: bool) -> Application:
    """The team accepts or declines the offer of the fallback cohort (from its status page).

    Accepting makes the team, as a staff acceptance does (the review app's effect); the cohort's
    planned size is no reason to refuse a team the program offered a place.
    """
    current = Application.objects.prefetch_related("decision_letters").get(pk=application.pk)
    if current.state == State.OFFERED and not selectors.decision_published(current):
        raise ValidationError("The offer can be answered once its letter has been sent to you.")
    return application_transition(
        actor=actor,
        application=application,
        transition="offer_accept" if accept else "offer_decline",
    )

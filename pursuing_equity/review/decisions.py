"""Decisions on applications: the review app's guards and effects on the applications workflow,
single and batch decisions, the ranked waitlist, and the decision letters. Each write runs in a
transaction, calls ``full_clean()`` and is audited.

Every change of an application's state goes through the applications workflow
(``applications.transitions.application_transition``). Hooks registered on it from
``ReviewConfig.ready()`` (:func:`register_workflow_hooks`): a capacity guard on ``accept``, the
minimum of reviews before any decision, the fallback cohort's offer before a plain decline, and
effects that record a move between cohorts and create the team of an accepted application.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import User
from pursuing_equity.accounts.rules import is_program_staff
from pursuing_equity.applications import program, workflow
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.states import OPEN_STATES, State
from pursuing_equity.applications.transitions import application_transition
from pursuing_equity.core.email import send
from pursuing_equity.core.services import audit_record
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.programs.models import Cohort
from pursuing_equity.review import capacity, letters
from pursuing_equity.review.models import CohortMove, DecisionLetter, Review
from pursuing_equity.review.services import reviewers_needed
from pursuing_equity.teams.services import team_create_from_application

# The decisions staff take, each one workflow transition.
ACCEPT = "accept"
NOT_SELECTED = "not_selected_for_action_community"
WAITLIST = "waitlist"
DECLINE = "decline"
DECISIONS = (ACCEPT, NOT_SELECTED, WAITLIST, DECLINE)
# The team's acceptance of the offer of the fallback cohort makes a team like ACCEPT.
OFFER_ACCEPT = "offer_accept"


def _capacity_guard(application: Application, **data: Any) -> None:
    """Capacity is a planning figure (the seed: "estimated 40 teams", "10 teams"): accepting
    beyond it needs a recorded reason (``over_capacity_reason``, kept in the audit entry).

    The cohort's row is locked until the accepting transaction ends, so two staff accepting at
    the same moment take turns: the second counts the first's seat (PostgreSQL; SQLite runs one
    writer at a time anyway)."""
    cohort = Cohort.objects.select_for_update().get(pk=application.current_cohort_id)
    taken = Application.objects.filter(current_cohort=cohort, state=State.ACCEPTED).count()
    if capacity.seats_left(cohort.capacity, taken) == 0 and not data.get("over_capacity_reason"):
        raise ValidationError(
            {
                "over_capacity_reason": f"The {cohort.name} has reached its planned size "
                f"({taken} of {cohort.capacity} places taken). Put the application on the "
                "waitlist, or give the reason for accepting beyond the planned size."
            }
        )


def reviews_missing(application: Application) -> int:
    """How many more submitted reviews the application's current cohort asks for."""
    submitted = Review.objects.filter(
        assignment__application=application,
        assignment__cohort_id=application.current_cohort_id,
        submitted_at__isnull=False,
    ).count()
    return max(reviewers_needed(application.current_cohort) - submitted, 0)


def _reviews_guard(application: Application, **data: Any) -> None:
    """Staff decide once the cohort's minimum of reviews is in (program file), unless they record
    why they decide without them (``reviews_override_reason``, kept in the audit entry)."""
    missing = reviews_missing(application)
    if missing and not data.get("reviews_override_reason"):
        needed = reviewers_needed(application.current_cohort)
        raise ValidationError(
            {
                "reviews_override_reason": f"The {application.current_cohort.name} asks for "
                f"{needed} submitted review{'s' if needed != 1 else ''} before a decision; "
                f"{needed - missing} {'is' if needed - missing == 1 else 'are'} in. Wait for "
                "the reviews, or give the reason for deciding without them."
            }
        )


def _fallback_first_guard(application: Application, **data: Any) -> None:
    """The seed promises an Action Community applicant feedback and the Learning Network offer:
    a plain decline needs the fallback cohort's decision (the offer) on record first."""
    fallback = program.fallback_cohort_key(application.current_cohort)
    if fallback is not None:
        name = application.cycle.document["cohorts"][fallback]["name"]
        raise ValidationError(
            {
                "reason": f"An application to the {application.current_cohort.name} is first "
                f"answered with feedback and the offer of the {name}: record “not selected” "
                "instead. The team declines the offer itself if it does not want it."
            }
        )


def _record_move(*, actor: User, application: Application, **data: Any) -> None:
    """Remember when the application entered the fallback cohort's review (its response clock)."""
    move = CohortMove(
        application=application,
        from_cohort=application.cohort_choice,
        to_cohort=application.current_cohort,
        moved_by=actor if getattr(actor, "is_authenticated", False) else None,
        moved_at=timezone.now(),
    )
    move.full_clean()
    move.save()


def _create_team(*, actor: User, application: Application, **data: Any) -> None:
    team_create_from_application(actor=actor, application=application)


def register_workflow_hooks() -> None:
    """Plug review's guard and effects into the applications workflow (idempotent)."""
    workflow.register_guard(ACCEPT, _capacity_guard)
    for decision in DECISIONS:
        workflow.register_guard(decision, _reviews_guard)
    workflow.register_guard(DECLINE, _fallback_first_guard)
    workflow.register_effect(NOT_SELECTED, _record_move)
    workflow.register_effect(ACCEPT, _create_team)
    workflow.register_effect(OFFER_ACCEPT, _create_team)


def decision_record(
    *,
    actor: User,
    application: Application,
    decision: str,
    feedback: str = "",
    reason: str = "",
    over_capacity_reason: str = "",
    reviews_override_reason: str = "",
) -> Application:
    """Take one decision through the workflow: accept, not selected (with feedback and the offer
    of the fallback cohort), waitlist or decline (with a reason).

    Refused before the cohort's minimum of reviews is in unless ``reviews_override_reason`` says
    why; accepting beyond the cohort's planned size needs ``over_capacity_reason``. Both reasons
    are kept in the audit entry. See :func:`decisions_batch` to waitlist the overflow.
    """
    if decision not in DECISIONS:
        raise ValueError(f"Unknown decision {decision!r}")
    data: dict[str, Any] = {}
    if decision == NOT_SELECTED:
        data["feedback"] = feedback
    if decision == DECLINE:
        data["reason"] = reason
    if over_capacity_reason.strip():
        data["over_capacity_reason"] = over_capacity_reason
    if reviews_override_reason.strip():
        data["reviews_override_reason"] = reviews_override_reason
    with transaction.atomic():
        was_waiting = Application.objects.filter(pk=application.pk, state=State.WAITLISTED).first()
        result = application_transition(
            actor=actor, application=application, transition=decision, **data
        )
        if was_waiting is not None and result.state != State.WAITLISTED:
            _compact_waitlist(actor=actor, cohort_id=was_waiting.current_cohort_id)
    return result


@dataclass
class BatchResult:
    done: list[Application] = field(default_factory=list)
    waitlisted: list[tuple[Application, int]] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def decisions_batch(
    *,
    actor: User,
    applications: Sequence[Application],
    decision: str,
    feedback: str = "",
    reason: str = "",
) -> BatchResult:
    """The same decision for several applications, each in its own transaction.

    For ``accept``, the applications (in the order given) take the open places of their cohort;
    those that do not fit join the cohort's waitlist, ranked after those already waiting. An
    application the decision does not apply to is refused with the reason, the others go ahead.
    """
    if not is_program_staff(actor):
        raise PermissionDenied("Only program staff decide.")
    result = BatchResult()
    if decision != ACCEPT:
        for application in applications:
            try:
                result.done.append(
                    decision_record(
                        actor=actor,
                        application=application,
                        decision=decision,
                        feedback=feedback,
                        reason=reason,
                    )
                )
            except (ValidationError, PermissionDenied) as error:
                result.refused.append((application, _message(error)))
        return result

    by_cohort: dict[int, list[Application]] = {}
    for application in applications:
        if application.state not in OPEN_STATES:
            result.refused.append(
                (
                    application,
                    "Only received, under-review or waitlisted applications can be accepted.",
                )
            )
            continue
        by_cohort.setdefault(application.current_cohort_id, []).append(application)
    for cohort_id, chosen in by_cohort.items():
        cohort = chosen[0].current_cohort
        accepted = Application.objects.filter(
            current_cohort_id=cohort_id, state=State.ACCEPTED
        ).count()
        waiting = Application.objects.filter(
            current_cohort_id=cohort_id, state=State.WAITLISTED
        ).exclude(pk__in=[a.pk for a in chosen])
        plan = capacity.plan_acceptances(
            capacity=cohort.capacity,
            accepted=accepted,
            chosen=[a.pk for a in chosen],
            waitlisted=waiting.count(),
        )
        by_pk = {a.pk: a for a in chosen}
        for pk in plan.accept:
            try:
                result.done.append(
                    decision_record(actor=actor, application=by_pk[pk], decision=ACCEPT)
                )
            except (ValidationError, PermissionDenied) as error:
                result.refused.append((by_pk[pk], _message(error)))
        for pk, rank in plan.waitlist:
            try:
                with transaction.atomic():
                    done = application_transition(
                        actor=actor, application=by_pk[pk], transition=WAITLIST, rank=rank
                    )
                result.waitlisted.append((done, rank))
            except (ValidationError, PermissionDenied) as error:
                result.refused.append((by_pk[pk], _message(error)))
    return result


def _compact_waitlist(*, actor: User, cohort_id: int) -> None:
    """Close the gaps in a cohort's waitlist ranks (someone left it)."""
    waiting = list(
        Application.objects.filter(current_cohort_id=cohort_id, state=State.WAITLISTED).order_by(
            "waitlist_rank", "pk"
        )
    )
    ranks = capacity.compact_ranks([(a.pk, a.waitlist_rank or 10**6) for a in waiting])
    for application in waiting:
        if application.waitlist_rank != ranks[application.pk]:
            application_transition(
                actor=actor,
                application=application,
                transition=WAITLIST,
                rank=ranks[application.pk],
            )


@transaction.atomic
def waitlist_move(*, actor: User, application: Application, rank: int) -> None:
    """Move a waitlisted application to ``rank``; the others shift to make room."""
    if application.state != State.WAITLISTED:
        raise ValidationError({"rank": "Only a waitlisted application has a rank."})
    waiting = list(
        Application.objects.select_for_update()
        .filter(current_cohort_id=application.current_cohort_id, state=State.WAITLISTED)
        .order_by("waitlist_rank", "pk")
    )
    ranks = capacity.move_rank(
        [(a.pk, a.waitlist_rank or 10**6) for a in waiting], application.pk, rank
    )
    for other in waiting:
        if other.waitlist_rank != ranks[other.pk]:
            application_transition(
                actor=actor, application=other, transition=WAITLIST, rank=ranks[other.pk]
            )


# --- decision letters -------------------------------------------------------------------------


def letters_due(application: Application) -> list[str]:
    """The letters the application's decisions call for, in order (sent or not).

    Uses ``cohort_moves`` (prefetch it for lists).
    """
    keys = [letters.not_selected_key(m.from_cohort.key) for m in application.cohort_moves.all()]
    if application.state == State.ACCEPTED:
        keys.append(letters.accept_key(application.current_cohort.key))
    elif application.state == State.DECLINED and not keys:
        # A team that declined the offer has its answer already: no letter of ours follows.
        keys.append(letters.DECLINE)
    return keys


def letter_recipients(application: Application) -> list[str]:
    """Who receives decision letters: the person who applied, then the team on the roster."""
    emails = [application.created_by.email.lower()]
    for member in application.roster.all():
        if member.email.lower() not in emails:
            emails.append(member.email.lower())
    return emails


def letter_compose(application: Application, kind: str) -> letters.Letter:
    """The letter ``kind`` for ``application``, from the program file's template."""
    feedback = application.not_selected_feedback if kind.endswith("_not_selected") else ""
    return letters.render_letter(
        application.cycle.document,
        kind,
        {
            # By name, never by email address; a neutral greeting for accounts without a name.
            "recipient": application.created_by.addressed_as
            or f"{application.organization.name} team",
            "organization": application.organization.name,
            "cohort": application.current_cohort.name,
            "feedback": feedback,
            "status_url": absolute_url(reverse("application_status", args=[application.pk])),
        },
    )


@transaction.atomic
def letter_send(*, actor: User, application: Application, kind: str) -> DecisionLetter:
    """Email one decision letter (through the task queue) and record it; never the same one twice."""
    if not is_program_staff(actor):
        raise PermissionDenied("Only program staff send decision letters.")
    application = (
        Application.objects.select_related("cycle", "organization", "created_by", "current_cohort")
        .prefetch_related("roster", "cohort_moves__from_cohort")
        .get(pk=application.pk)
    )
    if kind not in letters_due(application):
        raise ValidationError("No decision calls for this letter.")
    if DecisionLetter.objects.filter(application=application, kind=kind).exists():
        raise ValidationError("This letter was already sent.")
    composed = letter_compose(application, kind)
    recipients = letter_recipients(application)
    letter = DecisionLetter(
        application=application,
        kind=kind,
        subject=composed.subject,
        body=composed.body,
        recipients=recipients,
        sent_by=actor,
    )
    letter.full_clean()
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        raise ValidationError("This letter was already sent.") from None
    send(
        subject=composed.subject,
        body=composed.body,
        to=recipients[:1],
        cc=recipients[1:],
        reply_to=[application.cycle.document["contact"]["email"]],
    )
    audit_record(
        actor=actor,
        action="review.letter_send",
        obj=application,
        after={"kind": kind, "subject": composed.subject, "recipients": recipients},
    )
    return letter

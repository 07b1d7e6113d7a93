"""Writes of review and decision. Each runs in a transaction, calls ``full_clean()`` and is audited.

Every change of an application's state goes through the applications workflow
(``applications.services.application_transition``); this module adds what surrounds it:
reviewer assignments and conflicts of interest, rubric scores, the capacity check and the ranked
waitlist, batch decisions, decision letters and the daily digest. Two hooks are registered on the
workflow (see :func:`register_workflow_hooks`): a capacity guard on ``accept``, and effects that
record a move between cohorts and create the team of an accepted application.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import Organization, Role, User
from pursuing_equity.accounts.rules import REVIEWER, has_role, is_program_staff
from pursuing_equity.applications import program, workflow
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.services import application_transition
from pursuing_equity.applications.workflow import State
from pursuing_equity.core.email import send, send_templated
from pursuing_equity.core.services import audit_record
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.programs.models import Cohort
from pursuing_equity.review import capacity, letters
from pursuing_equity.review.models import (
    CohortMove,
    ConflictOfInterest,
    DecisionLetter,
    DigestSent,
    DraftReminder,
    Review,
    ReviewerAssignment,
)
from pursuing_equity.review.scoring import rubric_of
from pursuing_equity.teams.services import team_create_from_application

OPEN = (State.SUBMITTED, State.UNDER_REVIEW, State.WAITLISTED)

# The decisions staff take, each one workflow transition.
ACCEPT = "accept"
NOT_SELECTED = "not_selected_for_action_community"
WAITLIST = "waitlist"
DECLINE = "decline"
DECISIONS = (ACCEPT, NOT_SELECTED, WAITLIST, DECLINE)
# The team's acceptance of the offer of the fallback cohort makes a team like ACCEPT.
OFFER_ACCEPT = "offer_accept"


def reviewers_needed(cohort) -> int:
    """Reviewers per application of ``cohort`` (``review_rubric.reviewers_per_application``)."""
    table = cohort.cycle.document.get("review_rubric", {}).get("reviewers_per_application", {})
    return int(table.get(cohort.key, 1))


# --- conflicts of interest and assignments ----------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, actor: User, organization: Organization, note: str = ""
) -> ConflictOfInterest:
    """A reviewer declares a conflict of interest with an organization.

    They can no longer be assigned its applications; assignments not yet submitted are withdrawn
    (a submitted review stays, for the record, and staff see the conflict next to it).
    """
    if not has_role(actor, REVIEWER):
        raise PermissionDenied("Only reviewers declare conflicts of interest.")
    conflict = ConflictOfInterest.objects.filter(reviewer=actor, organization=organization).first()
    if conflict is not None:
        return conflict
    conflict = ConflictOfInterest(reviewer=actor, organization=organization, note=note.strip())
    conflict.full_clean()
    conflict.save()
    withdrawn = list(
        ReviewerAssignment.objects.filter(
            reviewer=actor, application__organization=organization
        ).exclude(review__submitted_at__isnull=False)
    )
    for assignment in withdrawn:
        assignment.delete()
    audit_record(
        actor=actor,
        action="review.conflict_declare",
        obj=conflict,
        after={
            "organization": organization.slug,
            "note": conflict.note,
            "assignments_withdrawn": [a.application_id for a in withdrawn],
        },
    )
    return conflict


@transaction.atomic
def reviewer_assign(*, actor: User, application: Application, reviewer: User) -> ReviewerAssignment:
    """Ask ``reviewer`` to score ``application`` in its current cohort.

    Refused for someone who is not a reviewer, who declared a conflict of interest with the
    organization, or who is already assigned. A received application moves to "under review".
    """
    if not is_program_staff(actor):
        raise PermissionDenied("Only program staff assign reviewers.")
    application = Application.objects.select_related("organization", "current_cohort").get(
        pk=application.pk
    )
    if application.state not in (State.SUBMITTED, State.UNDER_REVIEW):
        raise ValidationError(
            {
                "reviewer": "Reviewers are assigned to applications that are received or under review."
            }
        )
    if not has_role(reviewer, REVIEWER):
        raise ValidationError({"reviewer": f"{reviewer.display_name} is not a reviewer."})
    if ConflictOfInterest.objects.filter(
        reviewer=reviewer, organization_id=application.organization_id
    ).exists():
        raise ValidationError(
            {
                "reviewer": f"{reviewer.display_name} declared a conflict of interest with "
                f"{application.organization.name} and cannot review this application."
            }
        )
    assignment = ReviewerAssignment(
        application=application,
        reviewer=reviewer,
        cohort=application.current_cohort,
        assigned_by=actor,
    )
    try:
        assignment.full_clean()
    except ValidationError:
        raise ValidationError(
            {"reviewer": f"{reviewer.display_name} already reviews this application."}
        ) from None
    assignment.save()
    if application.state == State.SUBMITTED:
        application_transition(actor=actor, application=application, transition="start_review")
    audit_record(
        actor=actor,
        action="review.assign",
        obj=application,
        after={"reviewer": reviewer.email, "cohort": application.current_cohort.key},
    )
    return assignment


@transaction.atomic
def reviewer_unassign(*, actor: User, assignment: ReviewerAssignment) -> None:
    """Take back an assignment whose review has not been submitted."""
    if not is_program_staff(actor):
        raise PermissionDenied("Only program staff assign reviewers.")
    review = getattr(assignment, "review", None)
    if review is not None and review.submitted:
        raise ValidationError("This review was submitted; it stays on the record.")
    audit_record(
        actor=actor,
        action="review.unassign",
        obj=assignment.application,
        before={"reviewer": assignment.reviewer.email},
    )
    assignment.delete()


# --- scoring ----------------------------------------------------------------------------------


@transaction.atomic
def review_save(
    *,
    actor: User,
    assignment: ReviewerAssignment,
    scores: Mapping[str, int | None],
    comments: Mapping[str, str],
    overall_comment: str = "",
    video_watched: bool = False,
    submit: bool = False,
) -> Review:
    """Save the reviewer's scores as a draft, or submit them (final).

    Scores use the rubric and scale of the program file. Submitting needs a score for every
    criterion and, where the cohort asks for a team video, the video marked as watched.
    """
    assignment = (
        ReviewerAssignment.objects.select_for_update()
        .select_related("application__cycle", "cohort__cycle")
        .get(pk=assignment.pk)
    )
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied("Only the assigned reviewer scores this application.")
    if assignment.application.state not in (State.SUBMITTED, State.UNDER_REVIEW):
        raise ValidationError("This application is no longer in review.")
    review = Review.objects.filter(assignment=assignment).first() or Review(assignment=assignment)
    if review.submitted:
        raise ValidationError("You submitted this review; it can no longer be changed.")
    rubric = rubric_of(assignment.application.cycle.document, assignment.cohort.key)
    errors: dict[str, str] = {}
    clean_scores: dict[str, int] = {}
    for criterion in rubric.criteria:
        value = scores.get(criterion.key)
        if value in (None, ""):
            if submit:
                errors[criterion.key] = "Give a score before submitting."
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not rubric.scale_min <= number <= rubric.scale_max:
            errors[criterion.key] = f"Choose a score from {rubric.scale_min} to {rubric.scale_max}."
            continue
        clean_scores[criterion.key] = number
    if submit and program.video_rules(assignment.cohort) is not None and not video_watched:
        errors["video_watched"] = "Watch the team video before submitting your review."
    if errors:
        raise ValidationError(errors)
    review.scores = clean_scores
    review.comments = {
        k: str(comments.get(k, "")).strip() for k in rubric.keys if str(comments.get(k, "")).strip()
    }
    review.overall_comment = overall_comment.strip()
    review.video_watched = bool(video_watched)
    if submit:
        review.submitted_at = timezone.now()
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action="review.submit" if submit else "review.save",
        obj=assignment.application,
        after={"scores": review.scores, "video_watched": review.video_watched},
    )
    return review


# --- decisions --------------------------------------------------------------------------------


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
        if application.state not in OPEN:
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


# --- drafts: reminders -----------------------------------------------------------------------

#: Within this many hours of a reminder, another one of the same draft is sent only when staff
#: confirm it (a double click, or two staff chasing the same draft, never emails twice).
REMINDER_QUIET_HOURS = 24


def draft_reminder_recipients(application: Application) -> list[str]:
    """The applicant accounts of a draft: who started it, then the roster members who confirmed
    their membership while signed in (``applications.rules.is_applicant``). Uses the prefetched
    roster."""
    emails = [application.created_by.email.lower()]
    for member in application.roster.all():
        if member.confirmed_at is not None and member.email.lower() not in emails:
            emails.append(member.email.lower())
    return emails


def last_draft_reminder(application: Application) -> DraftReminder | None:
    return application.draft_reminders.select_related("sent_by").order_by("-sent_at", "-pk").first()


def draft_remind(
    *,
    actor: User,
    application: Application,
    confirm_after: int | None = None,
    now: datetime.datetime | None = None,
) -> DraftReminder:
    """Email the people drafting ``application`` what is still missing, their deadline and the
    link to continue; recorded and audited. Program staff only; refused once the application is
    submitted or its deadline has passed (extend it first). Within ``REMINDER_QUIET_HOURS`` of
    the last reminder it is refused unless ``confirm_after`` is that reminder's id: the person
    saw it and chose to send another."""
    from pursuing_equity.applications import selectors as application_selectors

    if not is_program_staff(actor):
        raise PermissionDenied("Only program staff send reminders about drafts.")
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the application so that two clicks at once are answered one after the other.
        Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()
        application = application_selectors.with_everything(application.pk)
        if application.state != State.DRAFT:
            raise ValidationError("This application was submitted; there is no draft to chase.")
        view = application_selectors.applicant_view(application, now)
        if view.deadline_passed:
            raise ValidationError(
                f"The deadline ({view.deadline:%B %-d, %Y}) has passed, so the team could no "
                "longer submit: grant an extension first, then remind them."
            )
        last = last_draft_reminder(application)
        if (
            last is not None
            and now - last.sent_at < datetime.timedelta(hours=REMINDER_QUIET_HOURS)
            and confirm_after != last.pk
        ):
            sent = timezone.localtime(last.sent_at)
            raise ValidationError(
                f"A reminder was already sent on {sent:%B %-d at %-I:%M %p} to "
                f"{', '.join(last.recipients)}. Send another only if you mean to: use "
                "“Send another reminder”."
            )
        recipients = draft_reminder_recipients(application)
        reminder = DraftReminder(application=application, recipients=recipients, sent_by=actor)
        reminder.full_clean()
        reminder.save()
        contact = application.cycle.document.get("contact", {}).get("email", "")
        send_templated(
            template_prefix="review/email/draft_reminder",
            context={
                "application": application,
                "recipient": application.created_by.display_name,
                "organization": application.organization.name if application.organization else "",
                "deadline": view.deadline,
                "extended": application.deadline_override is not None,
                "missing": view.missing,
                "continue_url": absolute_url(view.continue_url),
                "status_url": absolute_url(reverse("application_status", args=[application.pk])),
                "contact": contact,
                "sender": actor.display_name,
            },
            to=recipients[:1],
            cc=recipients[1:],
            reply_to=[contact] if contact else [],
        )
        audit_record(
            actor=actor,
            action="review.draft_remind",
            obj=application,
            after={
                "recipients": recipients,
                "deadline": view.deadline,
                "missing": list(view.missing),
            },
        )
    return reminder


# --- the daily digest -------------------------------------------------------------------------


def staff_emails() -> list[str]:
    return sorted(
        User.objects.filter(role_assignments__role=Role.PROGRAM_STAFF, is_active=True)
        .values_list("email", flat=True)
        .distinct()
    )


@transaction.atomic
def digest_send(*, today: datetime.date, items: Iterable[Any], body: str) -> DigestSent | None:
    """Email staff the day's digest once: a second call the same day sends nothing (None).

    ``items`` are what is due (for the count), ``body`` the digest's text.
    """
    items = list(items)
    recipients = staff_emails()
    if not recipients:
        return None
    sent, created = DigestSent.objects.get_or_create(
        day=today, defaults={"recipients": recipients, "items": len(items)}
    )
    if not created:
        return None
    send(
        subject=f"Review digest for {today:%B} {today.day}: "
        f"{len(items)} application{'s' if len(items) != 1 else ''} due",
        body=body,
        to=recipients,
    )
    audit_record(
        actor=None,
        actor_label="send_review_digest",
        action="review.digest",
        obj=sent,
        after={"day": today, "items": len(items), "recipients": recipients},
    )
    return sent

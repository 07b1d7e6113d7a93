"""Writes of review: reviewer assignments and conflicts of interest, rubric scores, staff's
reminders about drafts and the daily digest. Each runs in a transaction, calls ``full_clean()`` and
is audited. Decisions, the waitlist and decision letters are in
:mod:`pursuing_equity.review.decisions`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import Organization, Role, User
from pursuing_equity.accounts.rules import REVIEWER, has_role, is_program_staff
from pursuing_equity.applications import program
from pursuing_equity.applications import selectors as application_selectors
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.states import IN_REVIEW_STATES, State
from pursuing_equity.applications.transitions import application_transition
from pursuing_equity.core.email import send, send_templated
from pursuing_equity.core.services import audit_record
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.review.models import (
    ConflictOfInterest,
    DigestSent,
    DraftReminder,
    Review,
    ReviewerAssignment,
)
from pursuing_equity.review.scoring import rubric_of


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
    if application.state not in IN_REVIEW_STATES:
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
    if assignment.application.state not in IN_REVIEW_STATES:
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

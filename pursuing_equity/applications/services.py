"""Writes about draft applications: starting one, its steps (cohort, organization, answers), the
team roster, the signed letters and the team video, and staff's deadline extension. Each runs in a
transaction, calls ``full_clean()`` and is audited. Moves between states (submitting, deciding,
withdrawing) are in :mod:`pursuing_equity.applications.transitions`.

Draft steps state the ``version`` of the application they read; a save based on an older version is
refused with a ``ValidationError`` (code ``"stale"``) and changes nothing, so two team members
editing the same draft never overwrite each other.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import Organization, User
from pursuing_equity.accounts.services import organization_create, organization_update
from pursuing_equity.applications import media, program, selectors
from pursuing_equity.applications.models import (
    DOCUMENT_MAX_BYTES,
    VIDEO_MAX_BYTES,
    Application,
    ApplicationDocument,
    DeadlineExtension,
    Lens,
    RosterMember,
    TeamVideo,
)
from pursuing_equity.applications.rules import can_extend_deadline
from pursuing_equity.applications.states import State
from pursuing_equity.core.email import send_templated
from pursuing_equity.core.pdf import pdf_problem
from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.programs.models import Cohort, Cycle

AUDITED = ["state", "cohort_choice_id", "current_cohort_id", "organization_id", "version"]
ANSWER_FIELDS = frozenset(
    {
        "equity_work_so_far",
        "qi_results",
        "real_data",
        "sogi_data",
        "community_partnerships",
        "hopes",
    }
)
VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".webm"})


def when_text(moment: datetime.datetime) -> str:
    """A moment as the applicants read it: the date and time in the program's zone (Eastern)."""
    return timezone.localtime(moment).strftime("%B %-d, %Y at %-I:%M %p ET")


def _lock_draft(application: Application, version: int | None) -> Application:
    """The application, locked for this transaction; refuses stale versions and non-drafts."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cycle", "cohort_choice__cycle", "updated_by")
        .get(pk=application.pk)
    )
    if locked.state != State.DRAFT:
        raise ValidationError(
            "This application has been submitted and can no longer be changed.", code="not_draft"
        )
    if version is not None and locked.version != version:
        who = locked.updated_by.display_name if locked.updated_by else "Someone"
        raise ValidationError(
            f"{who} saved this application on {when_text(locked.updated_at)}, after you opened this "
            "page. Your changes were not saved so as not to overwrite theirs; what you typed is "
            "still in the form below. Copy it, reload the page to see the latest version, then "
            "save again.",
            code="stale",
        )
    return locked


def _save_step(application: Application, actor: User, action: str, before: dict) -> Application:
    application.version += 1
    application.updated_by = actor
    application.full_clean()
    application.save()
    audit_record(
        actor=actor,
        action=action,
        obj=application,
        before=before,
        after=model_snapshot(application, list(before)),
    )
    return application


# --- starting and the draft's steps -----------------------------------------------------------


@transaction.atomic
def application_start(*, actor: User, cycle: Cycle, cohort: Cohort) -> Application:
    """Start (or return the already started) application of ``actor`` to ``cycle``.

    The organization of the person's last application is carried over (its profile is kept and
    pre-filled next cycle) unless that organization already applies to this cycle.
    """
    if cohort.cycle_id != cycle.pk:
        raise ValidationError({"cohort": "Choose one of this call's cohorts."})
    if cohort not in selectors.open_cohorts(cycle):
        raise ValidationError(
            {"cohort": f"The {cohort.name} no longer takes applications: its deadline has passed."}
        )
    existing = (
        Application.objects.filter(cycle=cycle, created_by=actor)
        .exclude(state=State.WITHDRAWN)
        .first()
    )
    if existing is not None:
        return existing
    previous = (
        Application.objects.filter(created_by=actor, organization__isnull=False)
        .order_by("-created_at")
        .values_list("organization_id", flat=True)
        .first()
    )
    if (
        previous
        and Application.objects.filter(cycle=cycle, organization_id=previous)
        .exclude(state=State.WITHDRAWN)
        .exists()
    ):
        previous = None
    application = Application(
        cycle=cycle,
        created_by=actor,
        cohort_choice=cohort,
        current_cohort=cohort,
        organization_id=previous,
        updated_by=actor,
    )
    application.full_clean()
    application.save()
    audit_record(
        actor=actor,
        action="application.start",
        obj=application,
        after=model_snapshot(application, AUDITED),
    )
    return application


@transaction.atomic
def application_cohort_choose(
    *, actor: User, application: Application, version: int, cohort: Cohort
) -> Application:
    """Change the cohort the draft applies to."""
    application = _lock_draft(application, version)
    if cohort.cycle_id != application.cycle_id:
        raise ValidationError({"cohort": "Choose one of this call's cohorts."})
    if cohort not in selectors.open_cohorts(application.cycle):
        raise ValidationError({"cohort": f"The {cohort.name}'s deadline has passed."})
    before = model_snapshot(application, ["cohort_choice_id", "current_cohort_id", "version"])
    application.cohort_choice = cohort
    application.current_cohort = cohort
    return _save_step(application, actor, "application.cohort", before)


@transaction.atomic
def application_organization_save(
    *, actor: User, application: Application, version: int, **fields: Any
) -> Application:
    """Create the organization's profile, or update the one the application already has."""
    application = _lock_draft(application, version)
    before = model_snapshot(application, ["organization_id", "version"])
    if application.organization_id:
        organization_update(
            actor=actor, organization=Organization(pk=application.organization_id), **fields
        )
    else:
        organization = organization_create(actor=actor, **fields)
        application.organization = organization
    try:
        return _save_step(application, actor, "application.organization", before)
    except ValidationError as error:
        if "__all__" in getattr(error, "message_dict", {}):
            raise ValidationError(
                {"name": "This organization already has an application to this cycle."}
            ) from None
        raise


@transaction.atomic
def application_answers_save(
    *, actor: User, application: Application, version: int, **answers: str
) -> Application:
    """Save the answers of a text step (readiness, hopes)."""
    unknown = set(answers) - ANSWER_FIELDS
    if unknown:
        raise ValueError(f"Not an answer: {', '.join(sorted(unknown))}")
    application = _lock_draft(application, version)
    before = model_snapshot(application, [*sorted(answers), "version"])
    for name, value in answers.items():
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    return _save_step(application, actor, "application.answers", before)


# --- the team roster --------------------------------------------------------------------------


def _clean_member(raw: dict) -> dict:
    lenses = [lens for lens in raw.get("lenses", []) if lens]
    unknown = [lens for lens in lenses if lens not in Lens.values]
    if unknown:
        raise ValidationError({"roster": f"Unknown lens: {', '.join(unknown)}."})
    return {
        "full_name": raw["full_name"].strip(),
        "email": User.objects.normalize_email(raw["email"]).strip().lower(),
        "title": raw.get("title", "").strip(),
        "lenses": lenses,
        "community_partner": bool(raw.get("community_partner")),
    }


@transaction.atomic
def roster_save(
    *,
    actor: User,
    application: Application,
    version: int,
    members: Iterable[dict],
) -> Application:
    """Replace the draft's team roster. People already on it keep their invitation and
    confirmation; each new person is emailed an invitation with a link to confirm.
    """
    application = _lock_draft(application, version)
    cohort = application.cohort_choice
    cleaned = [_clean_member(m) for m in members]
    problems = selectors.roster_problems(cleaned, program.team_rules(cohort), cohort.name)
    if problems:
        raise ValidationError({"roster": problems})
    existing = {m.email.lower(): m for m in application.roster.all()}
    before = {"roster": sorted(existing), "version": application.version}
    keep = {m["email"] for m in cleaned}
    application.roster.exclude(pk__in=[m.pk for e, m in existing.items() if e in keep]).delete()
    now = timezone.now()
    invite = []
    for position, data in enumerate(cleaned):
        member = existing.get(data["email"])
        if member is None:
            member = RosterMember(application=application, token=secrets.token_urlsafe(32))
            member.invited_at = now
            invite.append(member)
        for name, value in data.items():
            setattr(member, name, value)
        member.position = position
        member.full_clean(exclude=["application"])
        member.save()
    application.version += 1
    application.updated_by = actor
    application.full_clean()
    application.save()
    audit_record(
        actor=actor,
        action="application.roster",
        obj=application,
        before=before,
        after={
            "roster": sorted(keep),
            "invited": [m.email for m in invite],
            "version": application.version,
        },
    )
    for member in invite:
        _send_invitation(member, application, actor)
    return application


def _send_invitation(member: RosterMember, application: Application, actor: User) -> None:
    context = {
        "member": member,
        "application": application,
        "inviter": actor.display_name,
        "confirm_url": absolute_url(reverse("application_roster_confirm", args=[member.token])),
    }
    send_templated(
        template_prefix="applications/email/invitation", context=context, to=[member.email]
    )


@transaction.atomic
def roster_member_confirm(*, token: str, actor: User | None = None) -> RosterMember:
    """Confirm a person's membership from the emailed link (the link proves the mailbox). Idempotent."""
    member = RosterMember.objects.select_for_update().filter(token=token).first()
    if member is None:
        raise ValidationError("This confirmation link is not valid. Ask your team for a new one.")
    if member.confirmed_at is None:
        member.confirmed_at = timezone.now()
        member.save(update_fields=["confirmed_at"])
        audit_record(
            actor=actor,
            action="application.roster_confirm",
            obj=member.application,
            after={"email": member.email, "confirmed_at": member.confirmed_at},
            actor_label=None if actor else member.email,
        )
    return member


# --- documents and video ----------------------------------------------------------------------


def _digest(upload: UploadedFile) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


@transaction.atomic
def document_upload(
    *,
    actor: User,
    application: Application,
    kind: str,
    upload: UploadedFile,
    signatories: Iterable[str],
) -> ApplicationDocument:
    """Add a new version of a signed letter. PDF only (checked from the content), at most 10 MB."""
    application = _lock_draft(application, None)
    materials = {m.key: m for m in program.required_letters(application.cohort_choice)}
    material = materials.get(kind)
    if material is None:
        raise ValidationError({"kind": "This cohort does not ask for this document."})
    signed = [s for s in signatories if s]
    unknown = set(signed) - set(material.signatories)
    if unknown:
        raise ValidationError({"signatories": f"Unknown signatory: {', '.join(sorted(unknown))}."})
    missing = [s for s in material.signatories if s not in signed]
    if missing:
        raise ValidationError(
            {
                "signatories": f"The letter must be signed by: {', '.join(missing)}. Confirm each signature."
            }
        )
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": f"The file is {upload.size / 1048576:.1f} MB; the limit is {DOCUMENT_MAX_BYTES // 1048576} MB."
            }
        )
    if PurePath(upload.name or "").suffix.lower() != ".pdf":
        raise ValidationError({"file": "Upload a PDF file (its name ends in .pdf)."})
    problem = pdf_problem(upload)
    upload.seek(0)
    if problem:
        raise ValidationError({"file": problem})
    last = application.documents.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
    document = ApplicationDocument(
        application=application,
        kind=kind,
        version=last + 1,
        original_name=PurePath(upload.name).name[:255],
        size=upload.size,
        sha256=_digest(upload),
        signatories=[s for s in material.signatories if s in signed],
        uploaded_by=actor,
    )
    document.file.save(document.original_name, upload, save=False)
    document.full_clean()
    document.save()
    audit_record(
        actor=actor,
        action="application.document",
        obj=application,
        after=model_snapshot(
            document, ["kind", "version", "original_name", "size", "sha256", "signatories"]
        ),
    )
    return document


def _duration_text(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


@transaction.atomic
def video_add(
    *,
    actor: User,
    application: Application,
    required_items: Iterable[str],
    optional_questions: Iterable[str],
    upload: UploadedFile | None = None,
    url: str = "",
    stated_seconds: int | None = None,
) -> TeamVideo:
    """Add a new version of the team video: an uploaded file (its duration read from the file) or
    a hosted link with its stated duration. The duration, checklist and questions follow the
    program file."""
    application = _lock_draft(application, None)
    rules = program.video_rules(application.cohort_choice)
    if rules is None:
        raise ValidationError("This cohort does not ask for a video.")
    errors: dict[str, list[str]] = {}
    required = [k for k in required_items if k]
    valid_required = {k for k, _ in rules.required_items}
    if set(required) != valid_required:
        errors["required_items"] = ["Confirm that the video includes every required item."]
    questions = [q for q in optional_questions if q]
    valid_questions = {k for k, _ in rules.questions}
    if set(questions) - valid_questions:
        errors["optional_questions"] = ["Choose among the listed questions."]
    elif not rules.choose_min <= len(set(questions)) <= rules.choose_max:
        errors["optional_questions"] = [
            f"Choose {rules.choose_min} to {rules.choose_max} of the additional questions "
            f"(you chose {len(set(questions))})."
        ]
    if (upload is None) == (not url):
        errors["__all__"] = [
            "Upload a video file or give a link to a hosted video (one of the two)."
        ]
    video = TeamVideo(
        application=application,
        required_items=sorted(set(required)),
        optional_questions=[k for k, _ in rules.questions if k in set(questions)],
        uploaded_by=actor,
    )
    seconds: float | None = None
    if upload is not None and "__all__" not in errors:
        if PurePath(upload.name or "").suffix.lower() not in VIDEO_EXTENSIONS:
            errors["file"] = ["Upload an MP4, MOV or WebM video."]
        elif upload.size > VIDEO_MAX_BYTES:
            errors["file"] = [f"The file is {upload.size / 1073741824:.2f} GB; the limit is 1 GB."]
        else:
            try:
                seconds = media.video_duration_seconds(upload)
            except media.VideoError as error:
                errors["file"] = [str(error)]
            upload.seek(0)
        field = "file"
    elif url and "__all__" not in errors:
        if stated_seconds is None or stated_seconds <= 0:
            errors["duration"] = ["Give the video's duration."]
        else:
            seconds = stated_seconds
        field = "duration"
    if seconds is not None and not rules.min_seconds <= seconds <= rules.max_seconds:
        errors.setdefault(field, []).append(
            f"The video lasts {_duration_text(seconds)}; it must last "
            f"{rules.min_minutes} to {rules.max_minutes} minutes."
        )
    if errors:
        raise ValidationError(errors)
    last = application.videos.aggregate(v=Max("version"))["v"] or 0
    video.version = last + 1
    video.duration_seconds = max(1, round(seconds))
    if upload is not None:
        video.source = TeamVideo.Source.FILE
        video.original_name = PurePath(upload.name).name[:255]
        video.size = upload.size
        video.sha256 = _digest(upload)
        video.file.save(video.original_name, upload, save=False)
    else:
        video.source = TeamVideo.Source.LINK
        video.url = url
    video.full_clean()
    video.save()
    audit_record(
        actor=actor,
        action="application.video",
        obj=application,
        after=model_snapshot(
            video,
            [
                "version",
                "source",
                "url",
                "original_name",
                "size",
                "duration_seconds",
                "required_items",
                "optional_questions",
            ],
        ),
    )
    return video


@transaction.atomic
def deadline_extend(
    *, actor: User, application: Application, new_deadline: datetime.date, reason: str
) -> DeadlineExtension:
    """Give one application a later deadline, with the reason (staff only, audited)."""
    if not can_extend_deadline(actor, application):
        raise PermissionDenied("Only program staff can extend a deadline.")
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort_choice")
        .get(pk=application.pk)
    )
    if application.state != State.DRAFT:
        raise ValidationError("This application has already been submitted.")
    if new_deadline <= application.cohort_choice.application_deadline:
        raise ValidationError(
            {
                "new_deadline": "Choose a date after the cohort's deadline "
                f"({application.cohort_choice.application_deadline:%B %-d, %Y})."
            }
        )
    if new_deadline < timezone.localdate():
        raise ValidationError({"new_deadline": "Choose today or a later date."})
    extension = DeadlineExtension(
        application=application, new_deadline=new_deadline, reason=reason.strip(), granted_by=actor
    )
    extension.full_clean()
    extension.save()
    before = {"deadline_override": application.deadline_override}
    application.deadline_override = new_deadline
    application.full_clean()
    # ``updated_at`` stays the applicants' last change, which staff read when chasing drafts.
    application.save(update_fields=["deadline_override"])
    audit_record(
        actor=actor,
        action="application.deadline_extend",
        obj=application,
        before=before,
        after={"deadline_override": new_deadline},
        note=extension.reason,
    )
    return extension

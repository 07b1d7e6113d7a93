"""Writes of the reporting app: updates, attachments, reflections, comments, PDSA cycles, scores
and requests for the PDF digest (what the worker draws is :mod:`.preparation`, the daily reminders
:mod:`.reminders`). Each is keyword-only, runs in a transaction, calls ``full_clean()``
before saving and writes an audit entry."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import User
from pursuing_equity.core.email import send_templated
from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.measures.models import Measure
from pursuing_equity.programs.models import Cycle
from pursuing_equity.reporting import dates, tasks
from pursuing_equity.reporting.files import (
    MAX_ATTACHMENTS_PER_UPDATE,
    AttachmentError,
    check_attachment,
)
from pursuing_equity.reporting.models import (
    Attachment,
    Comment,
    Digest,
    LeaderReflection,
    PdsaCycle,
    ProgressScore,
    Update,
)
from pursuing_equity.reporting.rules import LEADER_PARTS, WRITING_PARTS
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.models import Team, TeamMember

TEXT_FIELDS = ["progress", "challenges", "learning", "help_wanted"]
REQUIRED_TO_SUBMIT = {
    "progress": "Describe the team’s progress before submitting.",
    "challenges": "Describe the challenges before submitting.",
    "learning": "Describe what the team learned before submitting.",
}


class StaleUpdateError(Exception):
    """The update changed since the person opened it; ``current`` is the version now saved."""

    def __init__(self, current: Update):
        self.current = current
        who = current.updated_by.display_name if current.updated_by else "Someone"
        when = timezone.localtime(current.updated_at).strftime("%-I:%M %p")
        super().__init__(
            f"{who} saved this update at {when} ET, after you opened it. Your text was not saved; "
            "it is kept below. Compare it with the saved version, then save again."
        )


def _people(team: Team, parts) -> list[User]:
    return [
        m.user
        for m in TeamMember.objects.filter(team=team, part__in=parts).select_related("user")
        if m.user.is_active
    ]


def rule_of(team: Team) -> dates.ReportingRule:
    rule = dates.rule_from_document(team.cycle.document, team.cohort.key)
    if rule is None:
        raise ValidationError(f"The program file asks no reports of the {team.cohort.name}.")
    return rule


def _check_period(team: Team, period_start: datetime.date, today: datetime.date) -> None:
    rule = rule_of(team)
    cycle = team.cycle
    if period_start not in dates.period_starts(cycle.starts_on, cycle.ends_on, rule.every_months):
        raise ValidationError("There is no reporting period starting then in this cycle.")
    if period_start > today:
        raise ValidationError("This period has not started yet.")


# --- updates ----------------------------------------------------------------------------------


@transaction.atomic
def update_save(
    *,
    actor: User,
    team: Team,
    period_start: datetime.date,
    version: int | None,
    progress: str = "",
    challenges: str = "",
    learning: str = "",
    help_wanted: str = "",
    pdsa_cycles: list[PdsaCycle] | None = None,
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> Update:
    """Save the team's draft for a period (creating it on the first save), and submit it if asked.

    ``version`` is the version the person started from (None for a new draft); a save from an
    older version raises :class:`StaleUpdateError` and changes nothing. Submitting needs the
    progress, challenges and learning, freezes the update, emails the senior leader and the
    alternate, and once committed queues the snapshot of the team's charts as of today
    (:func:`.preparation.update_charts_prepare`, run by the worker: drawing them takes seconds).
    """
    now = now or timezone.now()
    rule = rule_of(team)
    today = dates.local_day(now, team.cycle.time_zone)
    _check_period(team, period_start, today)
    cycles = list(pdsa_cycles or [])
    if any(c.team_id != team.pk for c in cycles):
        raise ValidationError({"pdsa_cycles": "Link only your own team’s PDSA cycles."})

    update, before = _draft_to_save(team, period_start, version, rule)
    update.progress, update.challenges = progress.strip(), challenges.strip()
    update.learning, update.help_wanted = learning.strip(), help_wanted.strip()
    update.updated_by = actor
    if submit:
        _mark_submitted(update, actor=actor, now=now, today=today, zone=team.cycle.time_zone)
    update.full_clean(exclude=["version"])
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError:
        # Two people created the first draft of the same period at the same moment.
        raise StaleUpdateError(Update.objects.get(team=team, period_start=period_start)) from None
    update.refresh_from_db()
    update.pdsa_cycles.set(cycles)
    update.contributors.add(actor)
    audit_record(
        actor=actor,
        action="update.submit" if submit else "update.save",
        obj=update,
        before=before,
        after={
            **model_snapshot(update, TEXT_FIELDS + ["version", "status"]),
            "pdsa_cycles": [c.pk for c in cycles],
        },
    )
    if submit:
        send_templated(
            template_prefix="reporting/email/update_submitted",
            context={"update": update, "url": absolute_url(update_url(update)), "actor": actor},
            to=[u.email for u in _people(team, LEADER_PARTS)],
        )
        update_pk = update.pk
        transaction.on_commit(lambda: tasks.update_charts_prepare.enqueue(update_pk))
    return update


def _draft_to_save(
    team: Team, period_start: datetime.date, version: int | None, rule: dates.ReportingRule
) -> tuple[Update, dict]:
    """The period's update locked for this save (a new one on the first save) and its text
    before it; refuses a submitted update and a save from a version older than the saved one."""
    update = (
        Update.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(team=team, period_start=period_start)
        .first()
    )
    if update is None:
        if version is not None:
            raise ValidationError("This update no longer exists.")
        new = Update(
            team=team,
            period_start=period_start,
            period_months=rule.every_months,
            kind=rule.kind,
            due_on=dates.due_date(period_start, rule.every_months, rule.due_day),
        )
        return new, {}
    if update.is_submitted:
        raise ValidationError("This update was submitted; it can no longer be changed.")
    if version != update.version:
        raise StaleUpdateError(update)
    before = model_snapshot(update, TEXT_FIELDS + ["version"])
    update.version = F("version") + 1
    return update, before


def _mark_submitted(
    update: Update, *, actor: User, now: datetime.datetime, today: datetime.date, zone: str
) -> None:
    """Freeze the update as submitted now (late or not); its charts are to be drawn as of today."""
    missing = {f: m for f, m in REQUIRED_TO_SUBMIT.items() if not getattr(update, f)}
    if missing:
        raise ValidationError(missing)
    update.status = Update.Status.SUBMITTED
    update.submitted_at = now
    update.submitted_by = actor
    update.late = dates.is_late(now, update.due_on, zone)
    update.charts, update.charts_html, update.charts_as_of = [], "", today
    update.charts_status = Update.ChartsStatus.PREPARING


def update_url(update: Update) -> str:
    return reverse("update_detail", args=[update.team.slug, update.period_key])


@transaction.atomic
def attachment_add(*, actor: User, update: Update, upload: UploadedFile) -> Attachment:
    """Attach a file to a draft, after checking its size and its type from its content."""
    if update.is_submitted:
        raise ValidationError("This update was submitted; attachments can no longer change.")
    if update.attachments.count() >= MAX_ATTACHMENTS_PER_UPDATE:
        raise ValidationError(f"An update can have at most {MAX_ATTACHMENTS_PER_UPDATE} files.")
    try:
        kind = check_attachment(upload.name, upload.size, upload)
    except AttachmentError as error:
        raise ValidationError({"file": str(error)}) from None
    attachment = Attachment(
        update=update,
        original_name=upload.name[:255],
        kind=kind.key,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.full_clean()
    attachment.save()
    update.contributors.add(actor)
    audit_record(
        actor=actor,
        action="update.attachment.add",
        obj=update,
        after={"attachment": attachment.pk, "name": attachment.original_name, "kind": kind.key},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    update = attachment.update
    if update.is_submitted:
        raise ValidationError("This update was submitted; attachments can no longer change.")
    name, pk = attachment.original_name, attachment.pk
    stored = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
    audit_record(
        actor=actor,
        action="update.attachment.remove",
        obj=update,
        before={"attachment": pk, "name": name},
    )


# --- the monthly PDF digest -------------------------------------------------------------------


@transaction.atomic
def digest_request(*, actor: User, cycle: Cycle, month: datetime.date) -> Digest:
    """Ask the worker for the PDF of every submitted update covering ``month`` (a month of the
    cycle that has begun); it is stored for download once drawn (:func:`.preparation.digest_prepare`)."""
    month = month.replace(day=1)
    if not (cycle.starts_on.replace(day=1) <= month <= timezone.localdate().replace(day=1)):
        raise ValidationError({"month": "Choose a month of the program that has begun."})
    digest = Digest(cycle=cycle, month=month, requested_by=actor)
    digest.full_clean()
    digest.save()
    audit_record(actor=actor, action="update.digest_request", obj=digest, after={"month": month})
    digest_pk = digest.pk
    transaction.on_commit(lambda: tasks.digest_prepare.enqueue(digest_pk))
    return digest


# --- reflections and comments -----------------------------------------------------------------


@transaction.atomic
def reflection_write(*, actor: User, update: Update, text: str) -> LeaderReflection:
    """The senior leader's (or alternate's) reply to a submitted update; the team is emailed."""
    if not update.is_submitted:
        raise ValidationError("The team has not submitted this update yet.")
    part = membership_of(actor).part_in(update.team)
    if part not in LEADER_PARTS:
        raise ValidationError("Only the team’s senior leader or the alternate can reply.")
    if LeaderReflection.objects.filter(update=update).exists():
        raise ValidationError("A leader has already replied to this update.")
    reflection = LeaderReflection(update=update, author=actor, author_part=part, text=text.strip())
    reflection.full_clean()
    try:
        with transaction.atomic():
            reflection.save()
    except IntegrityError:
        raise ValidationError("A leader has already replied to this update.") from None
    audit_record(
        actor=actor,
        action="update.reflection",
        obj=update,
        after={"reflection": reflection.pk, "author_part": part},
    )
    send_templated(
        template_prefix="reporting/email/reflection_written",
        context={"update": update, "url": absolute_url(update_url(update)), "actor": actor},
        to=[u.email for u in _people(update.team, WRITING_PARTS)],
    )
    return reflection


@transaction.atomic
def comment_add(*, actor: User, update: Update, text: str) -> Comment:
    if not update.is_submitted:
        raise ValidationError("Comments open once the update is submitted.")
    comment = Comment(update=update, author=actor, text=text.strip())
    comment.full_clean()
    comment.save()
    audit_record(actor=actor, action="update.comment", obj=update, after={"comment": comment.pk})
    return comment


# --- PDSA cycles ------------------------------------------------------------------------------

PDSA_FIELDS = ["change_idea", "started_on", "prediction", "plan", "done", "study", "decision"]


@transaction.atomic
def pdsa_cycle_save(
    *,
    actor: User,
    team: Team,
    cycle: PdsaCycle | None = None,
    change_idea: str,
    started_on: datetime.date,
    measure: Measure | None = None,
    parent: PdsaCycle | None = None,
    prediction: str = "",
    plan: str = "",
    done: str = "",
    study: str = "",
    decision: str = "",
) -> PdsaCycle:
    """Log a PDSA cycle, or change one; the measure and the ramp's earlier cycle are the team's."""
    if measure is not None and measure.team_id != team.pk:
        raise ValidationError({"measure": "Choose one of your team’s measures."})
    if parent is not None:
        if parent.team_id != team.pk:
            raise ValidationError({"parent": "Choose one of your team’s cycles."})
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if cycle is not None and ancestor.pk == cycle.pk:
                raise ValidationError({"parent": "A cycle cannot build on itself or a later one."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
    before = model_snapshot(cycle, PDSA_FIELDS + ["measure_id", "parent_id"]) if cycle else {}
    cycle = cycle or PdsaCycle(team=team, created_by=actor)
    cycle.change_idea, cycle.started_on = change_idea.strip(), started_on
    cycle.measure, cycle.parent = measure, parent
    cycle.prediction, cycle.plan, cycle.done = prediction.strip(), plan.strip(), done.strip()
    cycle.study, cycle.decision = study.strip(), decision
    cycle.full_clean()
    cycle.save()
    audit_record(
        actor=actor,
        action="pdsa.update" if before else "pdsa.create",
        obj=cycle,
        before=before,
        after=model_snapshot(cycle, PDSA_FIELDS + ["measure_id", "parent_id"]),
    )
    return cycle


# --- progress scores --------------------------------------------------------------------------


def score_levels(document: dict) -> list[dict]:
    """The collaborative assessment scale's levels from the program file, lowest first."""
    return sorted(document["collaborative_assessment"]["levels"], key=lambda lv: lv["score"])


@transaction.atomic
def progress_score_record(
    *,
    actor: User,
    team: Team,
    month: datetime.date,
    rater: str,
    score: Decimal | str | float,
    justification: str,
) -> ProgressScore:
    """A month's rating of the team's progress (the team's own, or the faculty's); a second
    rating of the same month by the same side replaces the first."""
    try:
        value = Decimal(str(score))
    except InvalidOperation:
        raise ValidationError({"score": "Choose a score on the scale."}) from None
    if value not in {Decimal(str(lv["score"])) for lv in score_levels(team.cycle.document)}:
        raise ValidationError({"score": "Choose a score on the scale."})
    month = month.replace(day=1)
    cycle = team.cycle
    if not (cycle.starts_on.replace(day=1) <= month <= cycle.ends_on):
        raise ValidationError({"month": "Choose a month of the program."})
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": "A month can be rated once it has started."})
    existing = ProgressScore.objects.filter(team=team, month=month, rater=rater).first()
    before = model_snapshot(existing, ["score", "justification"]) if existing else {}
    entry = existing or ProgressScore(team=team, month=month, rater=rater)
    entry.score, entry.justification, entry.rated_by = value, justification.strip(), actor
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="progress_score.record",
        obj=entry,
        before=before,
        after=model_snapshot(entry, ["month", "rater", "score", "justification"]),
    )
    return entry

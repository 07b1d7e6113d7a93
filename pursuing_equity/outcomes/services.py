"""Writes of the outcomes app: keyword-only, transactional, validated, audited.

Rules a person may not bypass are checked here with a message naming the field, and again by the
database (a milestone once per team and key, a status from the list, evidence linking exactly one
object of its kind, one answer per item and person and round).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.outcomes import program
from pursuing_equity.outcomes.models import (
    Answer,
    CaseStudy,
    Engagement,
    Evidence,
    Milestone,
    Partner,
    Payment,
    Response,
    RoundDates,
    Status,
)
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.models import Team

MILESTONE_FIELDS = ["status", "status_on", "note", "changed_by_id"]


def _definition(team: Team, key: str) -> program.MilestoneDef:
    for d in program.milestones_for(team.cycle.document, team.cohort.key):
        if d.key == key:
            return d
    raise ValidationError({"key": f"{team.cohort.name} has no milestone {key!r}."})


def _milestone(team: Team, key: str) -> Milestone:
    _definition(team, key)
    milestone, _ = Milestone.objects.get_or_create(team=team, key=key)
    return milestone


@transaction.atomic
def milestone_status_set(
    *,
    actor,
    team: Team,
    key: str,
    status: str,
    status_on: datetime.date | None = None,
    note: str = "",
) -> Milestone:
    """Record (or confirm) a milestone's status, its date and who set it."""
    if status not in Status.values:
        raise ValidationError({"status": "Choose not started, in progress or achieved."})
    today = timezone.localdate()
    if status != Status.NOT_STARTED:
        status_on = status_on or today
        if status_on > today:
            raise ValidationError({"status_on": "The date cannot be in the future."})
    else:
        status_on = None
    milestone = _milestone(team, key)
    before = model_snapshot(milestone, MILESTONE_FIELDS)
    milestone.status, milestone.status_on = status, status_on
    milestone.note = note.strip()
    milestone.changed_by, milestone.changed_at = actor, timezone.now()
    milestone.full_clean()
    milestone.save()
    audit_record(
        actor=actor,
        action="milestone.status",
        obj=milestone,
        before=before,
        after=model_snapshot(milestone, MILESTONE_FIELDS),
    )
    return milestone


def _target(team: Team, kind: str, object_id: int):
    """The team's object of ``kind`` with ``object_id``, or a ValidationError naming the field."""
    from pursuing_equity.measures.models import Aim, Measure
    from pursuing_equity.reporting.models import Attachment, Update

    queries = {
        Evidence.Kind.UPDATE: Update.objects.filter(team=team),
        Evidence.Kind.AIM: Aim.objects.filter(measure__team=team),
        Evidence.Kind.MEASURE: Measure.objects.filter(team=team),
        Evidence.Kind.DOCUMENT: Attachment.objects.filter(update__team=team),
    }
    if kind not in queries:
        raise ValidationError({"evidence": "Choose an update, an aim, a dashboard or a document."})
    target = queries[kind].filter(pk=object_id).first()
    if target is None:
        raise ValidationError(
            {"evidence": f"This {Evidence.Kind(kind).label.lower()} is not one of {team.name}’s."}
        )
    return target


@transaction.atomic
def milestone_evidence_add(*, actor, team: Team, key: str, kind: str, object_id: int) -> Evidence:
    """Link one of the team's own updates, aims, dashboards or documents to a milestone."""
    target = _target(team, kind, object_id)
    milestone = _milestone(team, key)
    if Evidence.objects.filter(milestone=milestone, **{kind: target}).exists():
        raise ValidationError({"evidence": "This is already evidence for the milestone."})
    evidence = Evidence(milestone=milestone, kind=kind, added_by=actor, **{kind: target})
    evidence.full_clean()
    evidence.save()
    audit_record(
        actor=actor,
        action="milestone.evidence_add",
        obj=milestone,
        after={"kind": kind, "object_id": target.pk},
    )
    return evidence


@transaction.atomic
def milestone_evidence_remove(*, actor, evidence: Evidence) -> None:
    milestone = evidence.milestone
    before = {"kind": evidence.kind, "object_id": evidence.target.pk}
    evidence.delete()
    audit_record(actor=actor, action="milestone.evidence_remove", obj=milestone, before=before)


@transaction.atomic
def self_assessment_answer(
    *,
    actor,
    team: Team,
    assessment: program.Assessment,
    round_key: str,
    answers: Mapping[str, int],
    today: datetime.date,
) -> Response:
    """Record (or change) the person's answers for their team in an open round: every item,
    each a value of the scale."""
    current = assessment.round(round_key)
    if current is None:
        raise ValidationError({"round": f"There is no round {round_key!r}."})
    if not current.is_open(today):
        when = "has closed" if current.has_closed(today) else "is not open yet"
        raise ValidationError({"round": f"The {current.name.lower()} round {when}."})
    if not membership_of(actor).is_member(team):
        raise ValidationError({"team": f"Only people on {team.name} answer for it."})
    errors = {}
    for item in assessment.items:
        value = answers.get(item.key)
        if value is None:
            errors[item.key] = "Choose an answer."
        elif value not in assessment.values:
            errors[item.key] = (
                f"Choose one of {', '.join(str(v) for v in sorted(assessment.values))}."
            )
    unknown = set(answers) - {i.key for i in assessment.items}
    if unknown:
        errors["round"] = f"Unknown item(s): {', '.join(sorted(unknown))}."
    if errors:
        raise ValidationError(errors)
    response, created = Response.objects.get_or_create(team=team, round_key=round_key, person=actor)
    before = dict(response.answers.values_list("item_key", "value")) if not created else {}
    for item in assessment.items:
        Answer.objects.update_or_create(
            response=response, item_key=item.key, defaults={"value": answers[item.key]}
        )
    response.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="self_assessment.change" if before else "self_assessment.answer",
        obj=response,
        before=before,
        after={i.key: answers[i.key] for i in assessment.items},
    )
    return response


@transaction.atomic
def round_dates_set(
    *, actor, cycle, key: str, opens_on: datetime.date, closes_on: datetime.date
) -> RoundDates:
    """Staff set a round's window (instead of the one derived from the cycle)."""
    keys = [r["key"] for r in (cycle.document.get("self_assessment") or {}).get("rounds", [])]
    if key not in keys:
        raise ValidationError({"key": f"The program has no self-assessment round {key!r}."})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The round must close on or after the day it opens."})
    if not (cycle.starts_on <= opens_on and closes_on <= cycle.ends_on):
        raise ValidationError(
            {
                "opens_on": f"The round must fall within the cycle ({cycle.starts_on} to {cycle.ends_on})."
            }
        )
    row = RoundDates.objects.filter(cycle=cycle, key=key).first()
    before = model_snapshot(row, ["opens_on", "closes_on"]) if row else {}
    row = row or RoundDates(cycle=cycle, key=key)
    row.opens_on, row.closes_on, row.changed_by = opens_on, closes_on, actor
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="self_assessment.round_dates",
        obj=row,
        before=before,
        after=model_snapshot(row, ["opens_on", "closes_on"]),
    )
    return row


# --- community partnership and lived experience -------------------------------------------------

PARTNER_FIELDS = ["kind", "name", "role", "consent_on", "user_id"]


def _not_future(field: str, day: datetime.date | None, what: str) -> None:
    if day is None:
        raise ValidationError({field: f"Give the date of the {what}."})
    if day > timezone.localdate():
        raise ValidationError({field: f"The date of the {what} cannot be in the future."})


@transaction.atomic
def partner_save(
    *,
    actor,
    team: Team,
    kind: str,
    name: str,
    role: str = "",
    consent_on: datetime.date | None = None,
    user=None,
    partner: Partner | None = None,
) -> Partner:
    """Record a community partner of the team (or change one): an organization, or a person with
    lived experience, named only once ``consent_on`` is given. ``user`` links the record to the
    person's account, which must be one of the team's people."""
    if kind not in Partner.Kind.values:
        raise ValidationError({"kind": "Choose a person with lived experience or an organization."})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the partner's name (shown only with consent)."})
    if consent_on is not None and consent_on > timezone.localdate():
        raise ValidationError({"consent_on": "The date of consent cannot be in the future."})
    if user is not None and not membership_of(user).is_member(team):
        raise ValidationError({"user": f"The account must be one of {team.name}’s people."})
    if (
        user is not None
        and Partner.objects.filter(team=team, user=user)
        .exclude(pk=getattr(partner, "pk", None))
        .exists()
    ):
        raise ValidationError({"user": "This account is already linked to another partner record."})
    if partner is not None and partner.team_id != team.pk:
        raise ValidationError({"name": f"This partner is not one of {team.name}’s."})
    before = model_snapshot(partner, PARTNER_FIELDS) if partner else {}
    partner = partner or Partner(team=team, created_by=actor)
    partner.kind, partner.name, partner.role = kind, name, (role or "").strip()
    partner.consent_on, partner.user = consent_on, user
    partner.full_clean()
    partner.save()
    # The audit log keeps the name only with consent, like every page.
    after = model_snapshot(partner, PARTNER_FIELDS)
    for snapshot in (before, after):
        if snapshot and not (snapshot["kind"] == "organization" or snapshot["consent_on"]):
            snapshot["name"] = "(not named: no consent)"
    audit_record(
        actor=actor,
        action="partner.change" if before else "partner.add",
        obj=partner,
        before=before,
        after=after,
    )
    return partner


@transaction.atomic
def engagement_add(
    *, actor, partner: Partner, on: datetime.date, activity: str, hours: Decimal
) -> Engagement:
    """Record one engagement of a partner with the team: the date, the activity, the hours."""
    _not_future("on", on, "engagement")
    activity = (activity or "").strip()
    if not activity:
        raise ValidationError(
            {"activity": "Say what the partner did (for example, a focus group)."}
        )
    if hours is None or not (Decimal("0") < hours <= Decimal("24")):
        raise ValidationError({"hours": "Give the hours as a number above 0 and at most 24."})
    engagement = Engagement(
        partner=partner, on=on, activity=activity, hours=hours, recorded_by=actor
    )
    engagement.full_clean()
    engagement.save()
    audit_record(
        actor=actor,
        action="partner.engagement_add",
        obj=partner,
        after={"on": on, "activity": activity, "hours": hours},
    )
    return engagement


@transaction.atomic
def payment_add(
    *, actor, partner: Partner, paid_on: datetime.date, amount: Decimal, method: str
) -> Payment:
    """Record one compensation payment to a partner, in US dollars."""
    _not_future("paid_on", paid_on, "payment")
    if amount is None or amount <= 0 or amount >= Decimal("100000000"):
        raise ValidationError({"amount": "Give the amount in US dollars, above 0 (e.g. 150.00)."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": "Give the amount in dollars and cents (two decimals)."})
    if method not in Payment.Method.values:
        raise ValidationError({"method": "Choose how the partner was paid."})
    payment = Payment(
        partner=partner, paid_on=paid_on, amount=amount, method=method, recorded_by=actor
    )
    payment.full_clean()
    payment.save()
    audit_record(
        actor=actor,
        action="partner.payment_add",
        obj=partner,
        after={"paid_on": paid_on, "amount": amount, "currency": "USD", "method": method},
    )
    return payment


# --- case studies ---------------------------------------------------------------------------------

CASE_STUDY_TEXT = ["title", "aim", "summary", "changes", "learning", "quotes"]


@transaction.atomic
def case_study_create(*, actor, team: Team, title: str) -> CaseStudy:
    """Start a team's case study from what the platform holds (its aim, PDSA cycles, the learning
    of its latest updates and the charts of its latest update's shared snapshot)."""
    from pursuing_equity.outcomes.case_studies import prefill

    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the case study a title."})
    case_study = CaseStudy(team=team, title=title, created_by=actor, **prefill(team))
    case_study.full_clean()
    case_study.save()
    audit_record(actor=actor, action="case_study.create", obj=case_study, after={"title": title})
    return case_study


@transaction.atomic
def case_study_edit(*, actor, case_study: CaseStudy, **text: str) -> CaseStudy:
    """Change a draft's text (Markdown; sanitised when shown)."""
    if case_study.state != CaseStudy.State.DRAFT:
        raise ValidationError("Only a draft can be changed: ask for it to be returned first.")
    unknown = set(text) - set(CASE_STUDY_TEXT)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    if "title" in text and not (text["title"] or "").strip():
        raise ValidationError({"title": "Give the case study a title."})
    before = model_snapshot(case_study, CASE_STUDY_TEXT)
    for field, value in text.items():
        setattr(case_study, field, (value or "").strip())
    case_study.full_clean()
    case_study.save()
    audit_record(
        actor=actor,
        action="case_study.edit",
        obj=case_study,
        before=before,
        after=model_snapshot(case_study, CASE_STUDY_TEXT),
    )
    return case_study


@transaction.atomic
def case_study_transition(
    *, actor, case_study: CaseStudy, action: str, note: str = ""
) -> CaseStudy:
    """Move a case study along its workflow (:data:`.case_studies.TRANSITIONS`), if ``actor``
    may take ``action`` now."""
    from pursuing_equity.outcomes.case_studies import TRANSITIONS

    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": f"There is no action {action!r}."})
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    if case_study.state not in transition.sources or not transition.rule(actor, case_study):
        raise ValidationError(
            {"action": f"“{transition.label}” is not open to you while the case study is "
             f"{case_study.get_state_display().lower()}."}
        )  # fmt: skip
    if action == "submit" and not (case_study.summary.strip() and case_study.aim.strip()):
        raise ValidationError({"summary": "Write the aim and a summary before sending it on."})
    before = case_study.state
    case_study.state = transition.target
    if action == "approve":
        case_study.leader_approved_by = actor
    if action == "publish":
        case_study.published_by, case_study.published_at = actor, timezone.now()
    case_study.full_clean()
    case_study.save()
    audit_record(
        actor=actor,
        action=transition.audit,
        obj=case_study,
        before={"state": before},
        after={"state": case_study.state},
        note=note.strip(),
    )
    return case_study


@transaction.atomic
def partner_record_remove(*, actor, record: Engagement | Payment) -> None:
    """Remove an engagement or a payment recorded by mistake (the audit log keeps what it was)."""
    partner = record.partner
    if isinstance(record, Payment):
        action = "partner.payment_remove"
        before = {"paid_on": record.paid_on, "amount": record.amount, "method": record.method}
    else:
        action = "partner.engagement_remove"
        before = {"on": record.on, "activity": record.activity, "hours": record.hours}
    record.delete()
    audit_record(actor=actor, action=action, obj=partner, before=before)

"""The learning library: each event's materials (agenda, slides, documents with every version kept,
the recording link) and its suggested activities to try after the call, which teams mark as tried
and may link to one of their PDSA cycles.

Writes are keyword-only services (transactional, validated, audited); reads are selectors. The
library's search is one selector, :func:`library_materials`, that uses PostgreSQL's full-text
search when the database is PostgreSQL and a case-insensitive ``LIKE`` on SQLite.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from pursuing_equity.accounts.rules import FACULTY, has_role, is_program_staff
from pursuing_equity.core.services import audit_record
from pursuing_equity.events.audience import events_for_person, facilitated_q
from pursuing_equity.events.models import (
    ActivityTry,
    Event,
    Material,
    MaterialVersion,
    SuggestedActivity,
)
from pursuing_equity.reporting.files import AttachmentError, check_attachment
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.models import Team

#: Events listed for staff and faculty to add materials to: this many days back and ahead.
RECENT_DAYS = 60


# --- services ----------------------------------------------------------------------------------


def _store_version(*, actor, material: Material, upload: UploadedFile) -> MaterialVersion:
    try:
        kind = check_attachment(upload.name, upload.size, upload)
    except AttachmentError as error:
        raise ValidationError({"file": str(error)}) from None
    number = (material.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = MaterialVersion(
        material=material,
        number=number,
        original_name=upload.name[:255],
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    version.file.save(upload.name, upload, save=False)
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def material_add(
    *,
    actor,
    event: Event,
    kind: str,
    title: str,
    topic: str = "",
    recording_url: str = "",
    upload: UploadedFile | None = None,
) -> Material:
    """Add a material to ``event``: a recording is a link, anything else is an uploaded file
    (checked by its content, stored privately as version 1)."""
    is_recording = kind == Material.Kind.RECORDING
    if is_recording and not recording_url:
        raise ValidationError({"recording_url": "Give the recording’s link."})
    if not is_recording and upload is None:
        raise ValidationError({"file": "Choose the file to upload."})
    if is_recording and upload is not None:
        raise ValidationError({"file": "A recording is a link: leave the file empty."})
    material = Material(
        event=event,
        kind=kind,
        title=title.strip(),
        topic=topic.strip(),
        recording_url=recording_url if is_recording else "",
        added_by=actor,
    )
    material.full_clean()
    material.save()
    if upload is not None:
        _store_version(actor=actor, material=material, upload=upload)
    audit_record(
        actor=actor,
        action="event.material.add",
        obj=material,
        after={"event": event.pk, "kind": kind, "title": material.title},
    )
    return material


@transaction.atomic
def material_version_add(*, actor, material: Material, upload: UploadedFile) -> MaterialVersion:
    """Upload a new version of a material's file; earlier versions stay downloadable."""
    if material.kind == Material.Kind.RECORDING:
        raise ValidationError({"file": "A recording is a link and has no file versions."})
    version = _store_version(actor=actor, material=material, upload=upload)
    audit_record(
        actor=actor,
        action="event.material.version",
        obj=material,
        after={"version": version.number, "name": version.original_name},
    )
    return version


@transaction.atomic
def suggested_activity_add(
    *, actor, event: Event, title: str, description: str = ""
) -> SuggestedActivity:
    """Suggest an activity to try at your organization after the call."""
    activity = SuggestedActivity(
        event=event, title=title.strip(), description=description.strip(), added_by=actor
    )
    activity.full_clean()
    activity.save()
    audit_record(
        actor=actor,
        action="event.activity.add",
        obj=activity,
        after={"event": event.pk, "title": activity.title},
    )
    return activity


@transaction.atomic
def activity_mark_tried(
    *, actor, activity: SuggestedActivity, team: Team, pdsa_cycle=None
) -> ActivityTry:
    """Record that ``team`` tried ``activity``, linked to one of the team's PDSA cycles or none.
    The actor must be on the team, and the cycle must be the team's."""
    if not membership_of(actor).is_member(team.pk):
        raise ValidationError({"team": "You can mark activities only for your own team."})
    if pdsa_cycle is not None and pdsa_cycle.team_id != team.pk:
        raise ValidationError({"pdsa_cycle": "Choose one of your team's own PDSA cycles."})
    tried, created = ActivityTry.objects.update_or_create(
        activity=activity,
        team=team,
        defaults={"pdsa_cycle": pdsa_cycle, "marked_by": actor},
    )
    audit_record(
        actor=actor,
        action="event.activity.tried" if created else "event.activity.tried.change",
        obj=tried,
        after={"activity": activity.pk, "team": team.pk, "pdsa": getattr(pdsa_cycle, "pk", None)},
    )
    return tried


# --- selectors ---------------------------------------------------------------------------------


def visible_events_q(user) -> Q:
    """The events ``user`` may see, as :func:`rules.can_view_event` says, for a queryset."""
    if is_program_staff(user):
        return Q()
    seen = Q(pk__in=events_for_person(user).values("pk"))
    if has_role(user, FACULTY):
        seen |= ~Q(audience=Event.Audience.AFFINITY_GROUP)
    return seen


@dataclass(frozen=True)
class EventMaterials:
    materials: list[Material]
    activities: list[SuggestedActivity]
    tried: dict[int, ActivityTry]  # the reader's team's tries, by activity


def event_materials(event: Event, team: Team | None) -> EventMaterials:
    """The event's materials (newest version first), its activities, and ``team``'s tries."""
    materials = list(
        event.materials.prefetch_related(
            Prefetch("versions", queryset=MaterialVersion.objects.order_by("-number"))
        )
    )
    activities = list(event.suggested_activities.all())
    tried = {}
    if team is not None:
        tried = {
            t.activity_id: t
            for t in ActivityTry.objects.filter(team=team, activity__event=event).select_related(
                "pdsa_cycle"
            )
        }
    return EventMaterials(materials, activities, tried)


def team_for_event(user, event: Event) -> Team | None:
    """The reader's team that ``event`` is for (the first of them), or None."""
    ids = membership_of(user).team_ids
    if not ids:
        return None
    teams = Team.objects.filter(pk__in=ids, cycle_id=event.cycle_id).order_by("pk")
    for team in teams:
        if _event_is_for_team(event, team):
            return team
    return None


def _event_is_for_team(event: Event, team: Team) -> bool:
    A = Event.Audience
    return {
        A.COHORT: event.cohort_id == team.cohort_id,
        A.SMALL_COHORT: event.small_cohort_id == team.small_cohort_id,
        A.TEAM: event.team_id == team.pk,
        A.LEADERS: event.cohort_id == team.cohort_id,
        A.CYCLE: True,
        A.AFFINITY_GROUP: False,
    }[event.audience]


def library_materials(
    user, *, query: str = "", topic: str = "", cohort_id: int | None = None
) -> QuerySet[Material]:
    """The materials of the events ``user`` may see, newest event first, filtered by topic and
    cohort and searched for ``query``: PostgreSQL full-text search (English stemming, web-search
    syntax, ranked) on PostgreSQL, a case-insensitive substring match elsewhere (SQLite)."""
    materials = (
        Material.objects.filter(event__in=Event.objects.filter(visible_events_q(user)))
        .select_related("event", "event__cohort")
        .prefetch_related(
            Prefetch("versions", queryset=MaterialVersion.objects.order_by("-number"))
        )
    )
    if topic:
        materials = materials.filter(topic__iexact=topic)
    if cohort_id:
        materials = materials.filter(event__cohort_id=cohort_id)
    query = query.strip()[:200]
    if not query:
        return materials.order_by("-event__starts_at", "title")
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("topic", weight="A", config="english")
            + SearchVector("event__title", weight="B", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        return (
            materials.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-event__starts_at", "title")
        )
    words = query.split()
    for word in words:
        materials = materials.filter(
            Q(title__icontains=word) | Q(topic__icontains=word) | Q(event__title__icontains=word)
        )
    return materials.order_by("-event__starts_at", "title")


def library_topics(user) -> list[str]:
    return sorted(
        set(
            Material.objects.filter(event__in=Event.objects.filter(visible_events_q(user)))
            .exclude(topic="")
            .values_list("topic", flat=True)
        ),
        key=str.lower,
    )


def recent_events_to_equip(user, now: datetime.datetime | None = None) -> list[Event]:
    """Events staff and faculty may add materials to, around now (past calls first)."""
    now = now or timezone.now()
    window = datetime.timedelta(days=RECENT_DAYS)
    events = Event.objects.filter(
        starts_at__gte=now - window, starts_at__lte=now + window, cancelled=False
    ).exclude(audience=Event.Audience.TEAM)
    if not is_program_staff(user):
        events = events.filter(~Q(audience=Event.Audience.AFFINITY_GROUP) | facilitated_q(user))
    return list(events.select_related("cohort").order_by("-starts_at")[:8])


def activities_to_try(teams: list[Team], now: datetime.datetime | None = None) -> list:
    """Suggested activities of the teams' past events that the team has not marked as tried."""
    now = now or timezone.now()
    rows = []
    for team in teams:
        A = Event.Audience
        events_q = (
            Q(event__audience=A.COHORT, event__cohort_id=team.cohort_id)
            | Q(event__audience=A.SMALL_COHORT, event__small_cohort_id=team.small_cohort_id)
            | Q(event__audience=A.TEAM, event__team_id=team.pk)
            | Q(event__audience=A.CYCLE, event__cycle_id=team.cycle_id)
        )
        rows += [
            (team, a)
            for a in SuggestedActivity.objects.filter(events_q, event__starts_at__lte=now)
            .exclude(tries__team=team)
            .select_related("event")
            .order_by("-event__starts_at", "pk")[:5]
        ]
    return rows

"""The API's events, their materials (with file downloads) and the learning library."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from pursuing_equity.accounts.rules import FACULTY, has_role, is_program_staff
from pursuing_equity.api.common import MAX_ID, Error, refuse_unless
from pursuing_equity.core.files import private_download
from pursuing_equity.events import library
from pursuing_equity.events import rules as event_rules
from pursuing_equity.events.models import Event, Material
from pursuing_equity.events.selectors import events_for_person

router = Router()


# --- events --------------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    title: str
    kind: str
    cycle: str
    audience: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    modality: str
    location: str
    video_url: str
    optional: bool
    cancelled: bool
    notes: str

    @staticmethod
    def resolve_cycle(obj):
        return obj.cycle.slug


def _event_candidates(user):
    events = Event.objects.select_related("cycle").defer("cycle__document")
    if is_program_staff(user):
        return events
    mine = events_for_person(user).values("pk")
    if has_role(user, FACULTY):
        return events.filter(pk__in=mine) | events.exclude(audience=Event.Audience.AFFINITY_GROUP)
    return events.filter(pk__in=mine)


@router.get("/events", response=list[EventOut], tags=["events"])
def event_list(
    request,
    cycle: str | None = Query(None, description="A cycle's slug"),  # noqa: B008 - ninja reads its parameters from defaults
    starts_after: datetime.date | None = Query(None, description="Only events from this day"),  # noqa: B008 - ninja reads its parameters from defaults
):
    """The events you may see (``events.rules.can_view_event``), by start."""
    events = _event_candidates(request.user)
    if cycle:
        events = events.filter(cycle__slug=cycle)
    if starts_after:
        events = events.filter(starts_at__date__gte=starts_after)
    return [
        e for e in events.order_by("starts_at", "pk") if event_rules.can_view_event(request.user, e)
    ]


@router.get("/events/{event_id}", response={200: EventOut, 403: Error, 404: Error}, tags=["events"])
def event_detail(request, event_id: int = Path(..., ge=1, le=MAX_ID)):
    event = (
        Event.objects.select_related("cycle").defer("cycle__document").filter(pk=event_id).first()
    )
    if event is None:
        raise HttpError(404, f"No event {event_id}.")
    refuse_unless(event_rules.can_view_event(request.user, event))
    return event


# --- event materials and the library -------------------------------------------------------------


class VersionOut(Schema):
    number: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime
    download: str = Field(..., description="This API's download of this version (the same rule)")


class MaterialOut(Schema):
    id: int
    event_id: int
    kind: str
    title: str
    topic: str
    recording_url: str = Field(..., description="A recording's link; empty for files")
    added_at: datetime.datetime
    versions: list[VersionOut] = Field(..., description="Newest first; empty for a recording")

    @staticmethod
    def resolve_versions(obj):
        return [
            {
                "number": v.number,
                "name": v.original_name,
                "content_type": v.content_type,
                "size": v.size,
                "uploaded_at": v.uploaded_at,
                "download": f"/api/materials/{obj.pk}/file?version={v.number}",
            }
            for v in obj.versions.all()
        ]


class ActivityOut(Schema):
    id: int
    title: str
    description: str
    added_at: datetime.datetime
    tried_by: str | None = Field(
        ..., description="Your team's name if it marked the activity as tried, else null"
    )
    pdsa_cycle: int | None = Field(..., description="The PDSA cycle your team linked, if any")


class EventMaterialsOut(Schema):
    event_id: int
    materials: list[MaterialOut]
    activities: list[ActivityOut]


@router.get(
    "/events/{event_id}/materials",
    response={200: EventMaterialsOut, 403: Error, 404: Error},
    tags=["events"],
)
def event_material_list(request, event_id: int = Path(..., ge=1, le=MAX_ID)):
    """An event's materials and suggested activities, as its page shows them
    (``events.rules.can_view_event``); ``tried_by`` is your team's mark, as on the page."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        raise HttpError(404, f"No event {event_id}.")
    user = request.user
    refuse_unless(event_rules.can_view_event(user, event))
    can_mark = event_rules.can_mark_activity_tried(user, event)
    team = library.team_for_event(user, event) if can_mark else None
    shown = library.event_materials(event, team)
    return {
        "event_id": event.pk,
        "materials": shown.materials,
        "activities": [
            {
                "id": a.pk,
                "title": a.title,
                "description": a.description,
                "added_at": a.added_at,
                "tried_by": team.name if a.pk in shown.tried else None,
                "pdsa_cycle": shown.tried[a.pk].pdsa_cycle_id if a.pk in shown.tried else None,
            }
            for a in shown.activities
        ],
    }


@router.get(
    "/materials/{material_id}/file",
    response={403: Error, 404: Error},
    tags=["events"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def material_file(
    request,
    material_id: int = Path(..., ge=1, le=MAX_ID),
    version: int | None = Query(None, ge=1, le=MAX_ID, description="A version; the newest if none"),  # noqa: B008 - ninja reads its parameters from defaults
):
    """Download a material's file (``events.rules.can_download_material``: as private as its
    event), through the site's private download; a recording has no file (404)."""
    material = Material.objects.select_related("event").filter(pk=material_id).first()
    if material is None:
        raise HttpError(404, f"No material {material_id}.")
    refuse_unless(event_rules.can_download_material(request.user, material))
    versions = material.versions.all()
    found = versions.filter(number=version).first() if version else versions.first()
    if found is None:
        raise HttpError(404, "There is no such version.")
    try:
        return private_download(
            found.file, filename=found.original_name, content_type=found.content_type
        )
    except Http404 as missing:
        raise HttpError(404, str(missing)) from None


@router.get(
    "/library",
    response={200: list[MaterialOut], 403: Error},
    tags=["events"],
)
def library_list(
    request,
    q: str = Query("", max_length=200, description="Search words"),  # noqa: B008 - ninja reads its parameters from defaults
    topic: str = Query("", max_length=100),  # noqa: B008 - ninja reads its parameters from defaults
    cohort: int | None = Query(None, ge=1, le=MAX_ID, description="A cohort's id"),  # noqa: B008 - ninja reads its parameters from defaults
):
    """The library page's list: materials of the events you may see, newest event first, or
    ranked by the search (``events.rules.can_view_library``; at most 200)."""
    refuse_unless(event_rules.can_view_library(request.user))
    return list(
        library.library_materials(request.user, query=q, topic=topic, cohort_id=cohort)[:200]
    )

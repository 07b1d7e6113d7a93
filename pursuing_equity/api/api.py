"""The REST API (django-ninja): what a person may read and submit on the site, with a token.

Every endpoint asks the owning app's rule (``measures.rules``, ``teams.rules``,
``events.rules``, ``reporting.rules``) about the token's person, exactly as the page does, and
writes only through the apps' services: measure data go through ``submission_validate`` (the
same checks as an upload or the grid) and ``submission_confirm`` (the next version of each
period), monthly updates through ``update_save``. Results are the dashboard as that person sees
it (``measures.stored.measure_dashboard``): suppressed for anyone outside the team, as one
release. The OpenAPI document is ``/api/openapi.json``; its docs page is ``/api/docs``, served
from ninja's own static files (no CDN, so it runs under the site's CSP).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from ninja import Field, NinjaAPI, Path, Query, Schema, Status
from ninja.errors import HttpError

from pursuing_equity.accounts.rules import FACULTY, has_role, is_program_staff
from pursuing_equity.api.auth import RateLimited, read_token, submit_token
from pursuing_equity.core.files import private_download
from pursuing_equity.events import library
from pursuing_equity.events import rules as event_rules
from pursuing_equity.events.models import Event, Material
from pursuing_equity.events.selectors import events_for_person
from pursuing_equity.measures import categories
from pursuing_equity.measures import periods as measure_periods
from pursuing_equity.measures import rules as measure_rules
from pursuing_equity.measures import services as measure_services
from pursuing_equity.measures.checks import Record
from pursuing_equity.measures.models import OVERALL, Measure, StratumCount, Submission, Upload
from pursuing_equity.measures.stored import measure_dashboard
from pursuing_equity.measures.uploads import MAX_COUNTS_ROWS
from pursuing_equity.programs.models import Cycle
from pursuing_equity.reporting import rules as reporting_rules
from pursuing_equity.reporting import services as reporting_services
from pursuing_equity.reporting.models import Update
from pursuing_equity.teams import rules as team_rules
from pursuing_equity.teams.membership import coach_q, member_q, peer_q
from pursuing_equity.teams.models import Team

api = NinjaAPI(
    title="Pursuing Equity API",
    version="1",
    description=(
        "Read programs, cohorts, teams, events, measures, stratified results and monthly "
        "updates, and submit measure data and updates, as the person whose personal access "
        "token you send (`Authorization: Bearer pe_…`; create one on your account page). "
        "Tokens hold scopes: `read` for GET, `submit-data` for POST and PUT."
    ),
    auth=read_token,
    urls_namespace="api",
)

# Bounds of ids in paths: a larger integer is not an id of ours, and PostgreSQL's integer
# columns would refuse it.
MAX_ID = 2**31 - 1


class Error(Schema):
    detail: str


class Problem(Schema):
    message: str
    row: int | None = Field(None, description="1 = the first item of `rows`.")
    field: str | None = Field(None, description="Where, e.g. `rows[0].numerator`.")
    column: str | None = None


class Invalid(Schema):
    detail: str
    problems: list[Problem]


# --- errors as JSON ------------------------------------------------------------------------------


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    problems = []
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                problems.append({"message": message, "field": None if name == "__all__" else name})
    else:
        problems = [{"message": m, "field": None} for m in exc.messages]
    detail = "; ".join(p["message"] for p in problems)
    return api.create_response(request, {"detail": detail, "problems": problems}, status=422)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise HttpError(403, "You may not see or do this (the same rule as the site's page).")


def _team(slug: str) -> Team:
    team = (
        Team.objects.select_related("cohort", "small_cohort", "organization")
        .prefetch_related("cycle")
        .filter(slug=slug)
        .first()
    )
    if team is None:
        raise HttpError(404, f"No team “{slug}”.")
    return team


def _measure(team_slug: str, measure_slug: str) -> Measure:
    measure = (
        Measure.objects.select_related(
            "team", "team__cohort", "team__small_cohort", "team__cycle", "team__organization"
        )
        .filter(team__slug=team_slug, slug=measure_slug)
        .first()
    )
    if measure is None:
        raise HttpError(404, f"No measure “{measure_slug}” of team “{team_slug}”.")
    return measure


# --- programs and cohorts ------------------------------------------------------------------------


class CohortOut(Schema):
    key: str
    name: str
    capacity: int
    application_deadline: datetime.date


class ProgramOut(Schema):
    slug: str
    program_name: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    time_zone: str


@api.get("/programs", response=list[ProgramOut], tags=["programs"])
def program_list(request):
    """Every program cycle (the program pages are public)."""
    return list(Cycle.objects.defer("document").order_by("-starts_on"))


@api.get(
    "/programs/{slug}/cohorts",
    response={200: list[CohortOut], 404: Error},
    tags=["programs"],
)
def cohort_list(request, slug: str):
    """The cohorts of a cycle, as its public program page lists them."""
    cycle = Cycle.objects.defer("document").filter(slug=slug).first()
    if cycle is None:
        raise HttpError(404, f"No program cycle “{slug}”.")
    return list(cycle.cohorts.order_by("position", "key"))


# --- teams ---------------------------------------------------------------------------------------


class TeamOut(Schema):
    slug: str
    name: str
    cycle: str
    cohort: str
    small_cohort: str | None
    organization: str

    @staticmethod
    def resolve_cycle(obj):
        return obj.cycle.slug

    @staticmethod
    def resolve_cohort(obj):
        return obj.cohort.key

    @staticmethod
    def resolve_small_cohort(obj):
        return obj.small_cohort.name if obj.small_cohort else None

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.name


@api.get("/teams", response=list[TeamOut], tags=["teams"])
def team_list(request):
    """The teams whose page you may open (``teams.rules.can_view_team``)."""
    user = request.user
    teams = (
        Team.objects.select_related("cohort", "small_cohort", "organization")
        .prefetch_related("cycle")
        .order_by("name")
    )
    if not is_program_staff(user):
        teams = teams.filter(member_q(user) | coach_q(user) | peer_q(user))
    return [t for t in teams if team_rules.can_view_team(user, t)]


@api.get("/teams/{slug}", response={200: TeamOut, 403: Error, 404: Error}, tags=["teams"])
def team_detail(request, slug: str):
    team = _team(slug)
    _refuse_unless(team_rules.can_view_team(request.user, team))
    return team


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


@api.get("/events", response=list[EventOut], tags=["events"])
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


@api.get("/events/{event_id}", response={200: EventOut, 403: Error, 404: Error}, tags=["events"])
def event_detail(request, event_id: int = Path(..., ge=1, le=MAX_ID)):
    event = (
        Event.objects.select_related("cycle").defer("cycle__document").filter(pk=event_id).first()
    )
    if event is None:
        raise HttpError(404, f"No event {event_id}.")
    _refuse_unless(event_rules.can_view_event(request.user, event))
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


@api.get(
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
    _refuse_unless(event_rules.can_view_event(user, event))
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


@api.get(
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
    _refuse_unless(event_rules.can_download_material(request.user, material))
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


@api.get(
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
    _refuse_unless(event_rules.can_view_library(request.user))
    return list(
        library.library_materials(request.user, query=q, topic=topic, cohort_id=cohort)[:200]
    )


# --- measures ------------------------------------------------------------------------------------


class StratifierOut(Schema):
    key: str
    label: str
    groups: list[str]


class MeasureOut(Schema):
    slug: str
    name: str
    focus_area: str
    kind: str
    frequency: str
    improvement: str
    numerator_definition: str
    denominator_definition: str
    target: float | None
    stratifiers: list[StratifierOut]

    @staticmethod
    def resolve_focus_area(obj):
        return obj.focus_area_label

    @staticmethod
    def resolve_stratifiers(obj):
        return [
            {"key": k, "label": obj.stratifier_label(k), "groups": categories.categories(obj, k)}
            for k in [OVERALL, *obj.stratifiers]
        ]


@api.get(
    "/teams/{slug}/measures",
    response={200: list[MeasureOut], 403: Error, 404: Error},
    tags=["measures"],
)
def measure_list(request, slug: str):
    """A team's measures, for whoever may see its dashboards (``can_view_team_measures``)."""
    team = _team(slug)
    _refuse_unless(measure_rules.can_view_team_measures(request.user, team))
    return list(Measure.objects.filter(team=team).order_by("name"))


class CountOut(Schema):
    stratifier: str
    group: str
    numerator: int
    denominator: int


class PeriodOut(Schema):
    period: str = Field(..., description="2024-01 (monthly) or 2024-Q1 (quarterly)")
    version: int
    source: str
    created_at: datetime.datetime
    counts: list[CountOut]


@api.get(
    "/teams/{slug}/measures/{measure_slug}/data",
    response={200: list[PeriodOut], 403: Error, 404: Error},
    tags=["measures"],
)
def measure_data(request, slug: str, measure_slug: str):
    """The current version of each period's counts, unsuppressed: the team only
    (``can_view_measure_data``, the data page's rule)."""
    measure = _measure(slug, measure_slug)
    _refuse_unless(measure_rules.can_view_measure_data(request.user, measure))
    subs = (
        Submission.objects.filter(measure=measure, is_current=True)
        .order_by("period")
        .prefetch_related(Prefetch("counts", StratumCount.objects.order_by("stratifier", "group")))
    )
    return [
        {
            "period": measure_periods.text(s.period, measure.frequency),
            "version": s.version,
            "source": s.source,
            "created_at": s.created_at,
            "counts": list(s.counts.all()),
        }
        for s in subs
    ]


class CountIn(Schema):
    period: str | int | None = Field(None, description="2024-01, 2024-01-01 or 2024-Q1")
    stratifier: str | None = Field(None, description="overall, or one of the measure's stratifiers")
    group: str | None = Field(
        None, description="all for overall, else a group code of the stratifier"
    )
    numerator: int | str | None = None
    denominator: int | str | None = None
    age_band: str | None = Field(None, description="Optional: an age band of the program file")


class DataIn(Schema):
    rows: list[CountIn] = Field(..., min_length=1, max_length=MAX_COUNTS_ROWS)
    confirm: bool = Field(
        True,
        description="Store at once (the next version of each period). With false, the data wait "
        "as a pending upload that the team confirms on the measure's page.",
    )


class StoredOut(Schema):
    upload_id: int
    status: str
    periods: list[PeriodOut]


@api.post(
    "/teams/{slug}/measures/{measure_slug}/data",
    response={201: StoredOut, 403: Error, 404: Error, 422: Invalid},
    auth=submit_token,
    tags=["measures"],
)
def measure_data_submit(request, slug: str, measure_slug: str, payload: DataIn):
    """Submit counts: every check of an upload (periods, stratifiers, groups, counts, totals,
    age bands), all problems at once, each naming its row (1 = the first item) and field; then
    one new version per period, nothing overwritten (``can_edit_measure``)."""
    measure = _measure(slug, measure_slug)
    _refuse_unless(measure_rules.can_edit_measure(request.user, measure))
    records = [Record(i + 1, row.model_dump()) for i, row in enumerate(payload.rows)]
    checked, upload = measure_services.submission_validate(
        measure=measure, actor=request.user, source=Upload.Source.GRID, records=records
    )
    if upload is None:
        problems = [
            {
                "message": p.message,
                "row": p.row,
                "column": p.column,
                "field": (
                    f"rows[{p.row - 1}].{p.column}"
                    if p.row and p.column
                    else f"rows[{p.row - 1}]"
                    if p.row
                    else None
                ),
            }
            for p in checked.problems
        ]
        more = f" (and {checked.more_problems} more)" if checked.more_problems else ""
        return Status(
            422,
            {
                "detail": f"{len(problems)} problem{'s' if len(problems) != 1 else ''}{more}; nothing was stored.",
                "problems": problems,
            },
        )
    created = []
    if payload.confirm:
        created = measure_services.submission_confirm(upload=upload, actor=request.user)
        upload.refresh_from_db()
    counts: dict[int, list] = {}
    for c in StratumCount.objects.filter(submission__in=created).order_by("stratifier", "group"):
        counts.setdefault(c.submission_id, []).append(c)
    return Status(
        201,
        {
            "upload_id": upload.pk,
            "status": upload.status,
            "periods": [
                {
                    "period": measure_periods.text(s.period, measure.frequency),
                    "version": s.version,
                    "source": s.source,
                    "created_at": s.created_at,
                    "counts": counts.get(s.pk, []),
                }
                for s in created
            ],
        },
    )


# --- stratified results and gaps -----------------------------------------------------------------


class CellOut(Schema):
    period: str
    stratifier: str
    group: str
    group_label: str
    numerator: str = Field(..., description="A count, or the suppression label outside the team")
    denominator: str
    rate: float | None = Field(..., description="Percent; null where suppressed")
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    small: bool


class GapOut(Schema):
    group: str
    label: str
    verdict: str
    summary: str
    first_gap: float | None
    last_gap: float | None
    signal: bool
    closing: bool
    points: list[dict[str, Any]]


class ResultsOut(Schema):
    measure: str
    suppressed: bool = Field(..., description="True for everyone outside the team")
    stratifier: str
    gap_convention: str
    reference: str
    cells: list[CellOut]
    gaps: list[GapOut]


def _number(text: str) -> float | None:
    return float(text) if text else None


@api.get(
    "/teams/{slug}/measures/{measure_slug}/results",
    response={200: ResultsOut, 403: Error, 404: Error, 422: Invalid},
    tags=["measures"],
)
def measure_results(
    request,
    slug: str,
    measure_slug: str,
    stratifier: str | None = Query(None, description="One of the measure's stratifiers"),  # noqa: B008 - ninja reads its parameters from defaults
):
    """Stratified rates and gaps, exactly as the dashboard shows them to you: suppressed as one
    release for everyone outside the team (``can_view_measure``)."""
    from pursuing_equity.measures.panels import GAP_CONVENTION

    measure = _measure(slug, measure_slug)
    _refuse_unless(measure_rules.can_view_measure(request.user, measure))
    if stratifier and stratifier not in measure.stratifiers:
        raise ValidationError(
            {"stratifier": f"Choose one of {', '.join(measure.stratifiers) or 'none'}."}
        )
    dashboard = measure_dashboard(measure, request.user, stratifier=stratifier or None)
    return {
        "measure": measure.slug,
        "suppressed": dashboard.suppressed,
        "stratifier": dashboard.stratifier,
        "gap_convention": GAP_CONVENTION,
        "reference": dashboard.gap.reference if dashboard.has_data else "",
        "cells": [
            {
                **{k: row[k] for k in ("period", "stratifier", "group", "group_label")},
                "numerator": row["numerator"],
                "denominator": row["denominator"],
                "rate": _number(row["rate"]),
                "ci_low": _number(row["ci_low"]),
                "ci_high": _number(row["ci_high"]),
                "suppressed": row["suppressed"],
                "small": row["small"],
            }
            for row in dashboard.table
        ],
        "gaps": [
            {
                "group": g.group,
                "label": g.label,
                "verdict": g.verdict,
                "summary": g.summary,
                "first_gap": g.first_gap,
                "last_gap": g.last_gap,
                "signal": g.signal,
                "closing": g.closing,
                "points": [dict(p) for p in g.points],
            }
            for g in (dashboard.gap.groups if dashboard.has_data else ())
        ],
    }


# --- monthly updates -----------------------------------------------------------------------------


class UpdateOut(Schema):
    period: str = Field(..., description="2024-01: the period's first month")
    kind: str
    status: str
    due_on: datetime.date
    submitted_at: datetime.datetime | None
    late: bool
    version: int
    progress: str
    challenges: str
    learning: str
    help_wanted: str

    @staticmethod
    def resolve_period(obj):
        return obj.period_key


class UpdateIn(Schema):
    progress: str = Field("", max_length=20000)
    challenges: str = Field("", max_length=20000)
    learning: str = Field("", max_length=20000)
    help_wanted: str = Field("", max_length=20000)
    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="The version you started from; null for a new draft"
    )
    submit: bool = False


def _updates(team: Team):
    return Update.objects.filter(team=team).select_related("team").defer("charts")


@api.get(
    "/teams/{slug}/updates",
    response={200: list[UpdateOut], 403: Error, 404: Error},
    tags=["updates"],
)
def update_list(request, slug: str):
    """A team's updates you may read (drafts only for the team, its coach and staff)."""
    team = _team(slug)
    _refuse_unless(reporting_rules.can_view_team_reports(request.user, team))
    updates = _updates(team).order_by("-period_start")
    for u in updates:
        u.team = team
    return [u for u in updates if reporting_rules.can_view_update(request.user, u)]


def _period(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise HttpError(404, f"“{text}” is not a period; write it 2024-01.") from None


@api.get(
    "/teams/{slug}/updates/{period}",
    response={200: UpdateOut, 403: Error, 404: Error},
    tags=["updates"],
)
def update_detail(request, slug: str, period: str):
    team = _team(slug)
    update = _updates(team).filter(period_start=_period(period)).first()
    if update is None:
        _refuse_unless(reporting_rules.can_view_team_reports(request.user, team))
        raise HttpError(404, f"No update of {period}.")
    update.team = team
    _refuse_unless(reporting_rules.can_view_update(request.user, update))
    return update


@api.put(
    "/teams/{slug}/updates/{period}",
    response={200: UpdateOut, 403: Error, 404: Error, 409: Error, 422: Invalid},
    auth=submit_token,
    tags=["updates"],
)
def update_save(request, slug: str, period: str, payload: UpdateIn):
    """Save the team's update of a period, and submit it with ``submit: true`` (the same
    service as the page: the period must have started, a submitted update is frozen, and a save
    from an older ``version`` is refused with 409)."""
    team = _team(slug)
    _refuse_unless(reporting_rules.can_write_update(request.user, team))
    try:
        update = reporting_services.update_save(
            actor=request.user,
            team=team,
            period_start=_period(period),
            version=payload.version,
            progress=payload.progress,
            challenges=payload.challenges,
            learning=payload.learning,
            help_wanted=payload.help_wanted,
            submit=payload.submit,
        )
    except reporting_services.StaleUpdateError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, update)

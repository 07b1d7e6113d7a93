"""The API's monthly updates: read and write a team's update through reporting's service."""

from __future__ import annotations

import datetime

from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from pursuing_equity.api.auth import submit_token
from pursuing_equity.api.common import MAX_ID, Error, Invalid, refuse_unless, team_or_404
from pursuing_equity.reporting import rules as reporting_rules
from pursuing_equity.reporting import services as reporting_services
from pursuing_equity.reporting.models import Update
from pursuing_equity.teams.models import Team

router = Router()


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


@router.get(
    "/teams/{slug}/updates",
    response={200: list[UpdateOut], 403: Error, 404: Error},
    tags=["updates"],
)
def update_list(request, slug: str):
    """A team's updates you may read (drafts only for the team, its coach and staff)."""
    team = team_or_404(slug)
    refuse_unless(reporting_rules.can_view_team_reports(request.user, team))
    updates = _updates(team).order_by("-period_start")
    for u in updates:
        u.team = team
    return [u for u in updates if reporting_rules.can_view_update(request.user, u)]


def _period(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise HttpError(404, f"“{text}” is not a period; write it 2024-01.") from None


@router.get(
    "/teams/{slug}/updates/{period}",
    response={200: UpdateOut, 403: Error, 404: Error},
    tags=["updates"],
)
def update_detail(request, slug: str, period: str):
    team = team_or_404(slug)
    update = _updates(team).filter(period_start=_period(period)).first()
    if update is None:
        refuse_unless(reporting_rules.can_view_team_reports(request.user, team))
        raise HttpError(404, f"No update of {period}.")
    update.team = team
    refuse_unless(reporting_rules.can_view_update(request.user, update))
    return update


@router.put(
    "/teams/{slug}/updates/{period}",
    response={200: UpdateOut, 403: Error, 404: Error, 409: Error, 422: Invalid},
    auth=submit_token,
    tags=["updates"],
)
def update_save(request, slug: str, period: str, payload: UpdateIn):
    """Save the team's update of a period, and submit it with ``submit: true`` (the same
    service as the page: the period must have started, a submitted update is frozen, and a save
    from an older ``version`` is refused with 409)."""
    team = team_or_404(slug)
    refuse_unless(reporting_rules.can_write_update(request.user, team))
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

"""The API's measures: definitions, stored data, data submission and stratified results."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema, Status

from pursuing_equity.api.auth import submit_token
from pursuing_equity.api.common import Error, Invalid, measure_or_404, refuse_unless, team_or_404
from pursuing_equity.measures import categories
from pursuing_equity.measures import periods as measure_periods
from pursuing_equity.measures import rules as measure_rules
from pursuing_equity.measures import services as measure_services
from pursuing_equity.measures.checks import Record
from pursuing_equity.measures.models import OVERALL, Measure, StratumCount, Submission, Upload
from pursuing_equity.measures.stored import measure_dashboard
from pursuing_equity.measures.uploads import MAX_COUNTS_ROWS

router = Router()


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


@router.get(
    "/teams/{slug}/measures",
    response={200: list[MeasureOut], 403: Error, 404: Error},
    tags=["measures"],
)
def measure_list(request, slug: str):
    """A team's measures, for whoever may see its dashboards (``can_view_team_measures``)."""
    team = team_or_404(slug)
    refuse_unless(measure_rules.can_view_team_measures(request.user, team))
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


@router.get(
    "/teams/{slug}/measures/{measure_slug}/data",
    response={200: list[PeriodOut], 403: Error, 404: Error},
    tags=["measures"],
)
def measure_data(request, slug: str, measure_slug: str):
    """The current version of each period's counts, unsuppressed: the team only
    (``can_view_measure_data``, the data page's rule)."""
    measure = measure_or_404(slug, measure_slug)
    refuse_unless(measure_rules.can_view_measure_data(request.user, measure))
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


@router.post(
    "/teams/{slug}/measures/{measure_slug}/data",
    response={201: StoredOut, 403: Error, 404: Error, 422: Invalid},
    auth=submit_token,
    tags=["measures"],
)
def measure_data_submit(request, slug: str, measure_slug: str, payload: DataIn):
    """Submit counts: every check of an upload (periods, stratifiers, groups, counts, totals,
    age bands), all problems at once, each naming its row (1 = the first item) and field; then
    one new version per period, nothing overwritten (``can_edit_measure``)."""
    measure = measure_or_404(slug, measure_slug)
    refuse_unless(measure_rules.can_edit_measure(request.user, measure))
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


@router.get(
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

    measure = measure_or_404(slug, measure_slug)
    refuse_unless(measure_rules.can_view_measure(request.user, measure))
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

"""What every API module shares: the error schemas, the id bound and the lookups that refuse
with the site's words (403 by the owning app's rule, 404 for what does not exist)."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.errors import HttpError

from pursuing_equity.measures.models import Measure
from pursuing_equity.teams.models import Team

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


def refuse_unless(allowed: bool) -> None:
    """403 unless the owning app's rule allowed it."""
    if not allowed:
        raise HttpError(403, "You may not see or do this (the same rule as the site's page).")


def team_or_404(slug: str) -> Team:
    """The team named ``slug`` with what its answers show, else 404."""
    team = (
        Team.objects.select_related("cohort", "small_cohort", "organization")
        .prefetch_related("cycle")
        .filter(slug=slug)
        .first()
    )
    if team is None:
        raise HttpError(404, f"No team “{slug}”.")
    return team


def measure_or_404(team_slug: str, measure_slug: str) -> Measure:
    """The team's measure, with its team, else 404."""
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

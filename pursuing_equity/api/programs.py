"""The API's program cycles and their cohorts (public facts of the program file)."""

from __future__ import annotations

import datetime

from ninja import Router, Schema
from ninja.errors import HttpError

from pursuing_equity.api.common import Error
from pursuing_equity.programs.models import Cycle

router = Router()


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


@router.get("/programs", response=list[ProgramOut], tags=["programs"])
def program_list(request):
    """Every program cycle (the program pages are public)."""
    return list(Cycle.objects.defer("document").order_by("-starts_on"))


@router.get(
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

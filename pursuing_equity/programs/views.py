"""The program page: the current cycle as the program file describes it. Public."""

import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pursuing_equity.programs.models import Cycle
from pursuing_equity.programs.selectors import current_cycle, program_page


def program(request: HttpRequest) -> HttpResponse:
    cycle = current_cycle()
    if cycle is None:
        return render(
            request,
            "programs/no_program.html",
            {"program_file": os.path.relpath(settings.PE_PROGRAM_FILE, settings.BASE_DIR)},
        )
    # The home page leads with the open call, if any, beside the running program.
    return _render(request, cycle, lead_with_call=True)


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = Cycle.objects.filter(slug=slug).first()
    if cycle is None:
        raise Http404("No such program cycle.")
    return _render(request, cycle)


def _render(request: HttpRequest, cycle: Cycle, *, lead_with_call: bool = False) -> HttpResponse:
    return render(
        request,
        "programs/program_detail.html",
        {"page": program_page(cycle), "lead_with_call": lead_with_call},
    )

"""What every outcomes page shares: the team and the program cycle it reads (404 without).

The pages themselves are in ``views_milestones``, ``views_self_assessment``, ``views_partners``,
``views_report`` and ``views_case_studies``.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from pursuing_equity.outcomes.selectors_milestones import TEAMS
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.teams.models import Team


def get_team(request, slug: str, **kwargs) -> Team:
    return get_object_or_404(TEAMS, slug=slug)


def get_cycle(request, **kwargs):
    cycle = current_cycle()
    if cycle is None:
        raise Http404("No program cycle is loaded.")
    return cycle

"""The API's teams: those the token's person may see, as the team pages show them."""

from __future__ import annotations

from ninja import Router, Schema

from pursuing_equity.accounts.rules import is_program_staff
from pursuing_equity.api.common import Error, refuse_unless, team_or_404
from pursuing_equity.teams import rules as team_rules
from pursuing_equity.teams.membership import coach_q, member_q, peer_q
from pursuing_equity.teams.models import Team

router = Router()


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


@router.get("/teams", response=list[TeamOut], tags=["teams"])
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


@router.get("/teams/{slug}", response={200: TeamOut, 403: Error, 404: Error}, tags=["teams"])
def team_detail(request, slug: str):
    team = team_or_404(slug)
    refuse_unless(team_rules.can_view_team(request.user, team))
    return team

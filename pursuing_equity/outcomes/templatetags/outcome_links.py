"""The team page's milestones section, for those the outcomes rules let see it."""

from django import template
from django.db.models import Count

from pursuing_equity.outcomes import program, rules
from pursuing_equity.outcomes.models import Milestone, Status

register = template.Library()


@register.inclusion_tag("outcomes/_team_section.html", takes_context=True)
def team_milestones(context, team) -> dict:
    """How many of the team's milestones are achieved and in progress, with links to them and to
    the self-assessment (1 query); nothing for people who may not see them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not rules.can_view_team_milestones(user, team):
        return {"show": False}
    total = len(program.milestones_for(team.cycle.document, team.cohort.key))
    counts = dict(Milestone.objects.filter(team=team).values_list("status").annotate(n=Count("pk")))
    return {
        "show": True,
        "team": team,
        "total": total,
        "achieved": counts.get(Status.ACHIEVED, 0),
        "in_progress": counts.get(Status.IN_PROGRESS, 0),
        "self_assessment": bool(team.cycle.document.get("self_assessment"))
        and rules.can_view_team_self_assessment(user, team),
        "partners": rules.can_view_team_partners(user, team),
    }

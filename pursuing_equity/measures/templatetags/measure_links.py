"""Links into the measures app for other apps' pages, decided by the measures sharing rules."""

from django import template

from pursuing_equity.measures.models import Measure
from pursuing_equity.measures.rules import (
    can_manage_data_connections,
    can_view_team_data,
    can_view_team_measures,
)

register = template.Library()


@register.inclusion_tag("measures/_team_dashboard_links.html", takes_context=True)
def team_measure_dashboards(context, team) -> dict:
    """The team's measure list (for the team itself) and one list item per measure of ``team``
    linking to its dashboard, for those the sharing rules let see it (1 query), nothing for
    anyone else; for program staff, the team's data connections."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_view_team_measures(user, team):
        return {"team": team, "measures": [], "list_link": False, "connections_link": False}
    measures = Measure.objects.filter(team=team).only("name", "slug").order_by("name")
    return {
        "team": team,
        "measures": list(measures),
        "list_link": can_view_team_data(user, team),
        "connections_link": can_manage_data_connections(user, team),
    }

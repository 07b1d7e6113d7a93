"""The team page's events sections (upcoming events, attendance): the events app depends on teams,
so it offers them to the team page as a tag, as measures and outcomes offer theirs."""

from django import template

from pursuing_equity.events.selectors import attendance_summary_for_team, upcoming_for_team

register = template.Library()


@register.inclusion_tag("events/_team_events.html")
def team_events(team, sees_people: bool) -> dict:
    """The team's next five events and its attendance (4 queries); the per-person table only
    when ``sees_people`` (the team's people, its coach and program staff, as the page decides)."""
    return {
        "upcoming": upcoming_for_team(team, 5),
        "attendance": attendance_summary_for_team(team),
        "sees_people": sees_people,
    }

"""Template helpers other apps' pages use to point at the open call."""

from django import template
from django.utils import timezone

from pursuing_equity.applications import program

register = template.Library()


@register.filter
def accepts_applications(page) -> bool:
    """Whether some cohort on the program page still takes applications (its deadline is ahead).

    Reads the cohorts the page already loaded (``page.cohorts[*].cohort``): no extra query.
    """
    now = timezone.now()
    zone = page.cycle.time_zone
    return any(
        program.is_open(section.cohort.application_deadline, zone, now) for section in page.cohorts
    )


@register.inclusion_tag("applications/_open_calls.html", takes_context=True)
def open_calls_panel(context):
    """The open calls (both cohorts, their deadlines, Apply) for the top of the home page ``/``."""
    from pursuing_equity.applications.selectors import open_calls

    return {"calls": open_calls(), "user": context.get("user")}

"""A person's home: the panels every app's ``selectors.home_panels(user, day)`` offers, in order.

Home knows no app's internals: it lists the providers by dotted path and assembles what they
return (see :mod:`pursuing_equity.core.homes`). An app that gives people something to do adds
one line to :data:`PROVIDERS`.
"""

from __future__ import annotations

import datetime

from django.utils.module_loading import import_string

from pursuing_equity.accounts import rules
from pursuing_equity.core.homes import Panel

PROVIDERS: tuple[str, ...] = (
    "pursuing_equity.programs.selectors.home_panels",
    "pursuing_equity.teams.selectors.home_panels",
    "pursuing_equity.measures.homes.home_panels",
    "pursuing_equity.reporting.selectors.home_panels",
    "pursuing_equity.outcomes.selectors.home_panels",
    "pursuing_equity.events.selectors.home_panels",
    "pursuing_equity.events.logistics.home_panels",
    "pursuing_equity.applications.selectors.home_panels",
    "pursuing_equity.review.selectors.home_panels",
    "pursuing_equity.community.selectors.home_panels",
)

#: Roles whose home is their team's work: without a team they are told how to get on one.
TEAM_ROLES = (rules.TEAM_MEMBER, rules.SENIOR_LEADER, rules.COMMUNITY_PARTNER)

NOT_ON_A_TEAM = Panel(
    key="my-team",
    heading="My team",
    empty=(
        "You are not on a team's roster yet. Ask your team's senior leader or program staff to "
        "add you; your team's measures, updates and meetings are then listed here."
    ),
    order=10,
)


def panels_for(user, day: datetime.date) -> list[Panel]:
    """Every provider's panels for ``user`` on ``day``, ordered (by ``order``, then as listed)."""
    panels: list[Panel] = []
    for path in PROVIDERS:
        panels += import_string(path)(user, day)
    if rules.has_role(user, *TEAM_ROLES) and not any(p.key == "my-team" for p in panels):
        panels.append(NOT_ON_A_TEAM)
    return sorted(panels, key=lambda p: p.order)

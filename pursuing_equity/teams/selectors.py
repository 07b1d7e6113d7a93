"""Reads of the teams app for other screens: what a person's home shows of their teams."""

from __future__ import annotations

import datetime

from django.urls import reverse

from pursuing_equity.accounts.rules import FACULTY, has_role
from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.teams.groups import affinity_facts
from pursuing_equity.teams.membership import coached_teams, membership_of, own_teams
from pursuing_equity.teams.models import AffinityMembership, Team


def home_panels(user, day: datetime.date) -> list[Panel]:
    """My team (with the affinity-group choice and the leadership workgroup where they apply),
    and the teams a coach coaches (a funder's home is the program report). At most 4 queries."""
    panels: list[Panel] = []
    membership = membership_of(user)
    teams = own_teams(user)
    if teams:
        panels.append(_my_teams(user, teams, membership))
    if has_role(user, FACULTY):
        panels.append(_coached(user))
    return panels


def _my_teams(user, teams: list[Team], membership) -> Panel:
    tasks = [
        Task(
            text=f"{team.name}: team page",
            url=reverse("team_detail", args=[team.slug]),
            detail=team.cohort.name + (f", {team.small_cohort.name}" if team.small_cohort else ""),
        )
        for team in teams
    ]
    affinity_cycles = {
        team.cycle_id
        for team in teams
        if affinity_facts(team.cycle).get("cohort") == team.cohort.key
    }
    if affinity_cycles:
        chosen = set(
            AffinityMembership.objects.filter(user=user, cycle_id__in=affinity_cycles).values_list(
                "cycle_id", flat=True
            )
        )
        if affinity_cycles - chosen:
            tasks.append(
                Task(
                    text="Choose your affinity group",
                    url=reverse("affinity_groups"),
                    detail="Or say that you prefer not to join one.",
                )
            )
    links = []
    if any(
        membership.tie(team).is_leader
        and (team.cycle.document.get("leadership_workgroup") or {}).get("cohort") == team.cohort.key
        for team in teams
    ):
        links.append(("Leadership workgroup", reverse("leadership_workgroup")))
    return Panel(
        key="my-team",
        heading="My team" if len(teams) == 1 else "My teams",
        tasks=tuple(tasks),
        links=tuple(links),
        order=10,
    )


def _coached(user) -> Panel:
    teams = list(coached_teams(user))
    return Panel(
        key="coached-teams",
        heading="Teams I coach",
        tasks=tuple(
            Task(
                text=team.name,
                url=reverse("team_detail", args=[team.slug]),
                detail=team.small_cohort.name if team.small_cohort else "1:1 coaching",
            )
            for team in teams
        ),
        links=(("All teams", reverse("team_list")),),
        empty="You coach no team yet: program staff assign coaches on the Coaches page.",
        order=10,
    )

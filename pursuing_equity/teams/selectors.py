"""Reads of the teams app for other screens: what a person's home shows of their teams."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse

from pursuing_equity.accounts.rules import FACULTY, FUNDER, has_role
from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.teams.groups import affinity_facts
from pursuing_equity.teams.membership import coached_teams, membership_of, teams_of
from pursuing_equity.teams.models import AffinityMembership, Team


def home_panels(user, day: datetime.date) -> list[Panel]:
    """My team (with the affinity-group choice and the leadership workgroup where they apply),
    the teams a coach coaches, and a funder's count of teams per cohort. At most 4 queries."""
    panels: list[Panel] = []
    membership = membership_of(user)
    teams = list(teams_of(user)) if membership.team_ids else []
    if teams:
        panels.append(_my_teams(user, teams, membership))
    if has_role(user, FACULTY):
        panels.append(_coached(user))
    if has_role(user, FUNDER):
        panels.append(_teams_per_cohort(day))
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


def _teams_per_cohort(day: datetime.date) -> Panel:
    cycle = current_cycle(day)
    rows = (
        Team.objects.filter(cycle=cycle)
        .values("cohort__name", "cohort__position")
        .annotate(n=Count("id"))
        .order_by("cohort__position")
        if cycle
        else []
    )
    return Panel(
        key="program-teams",
        heading="Teams in the program",
        tasks=tuple(
            Task(
                text=f"{row['cohort__name']}: {row['n']} team{'s' if row['n'] != 1 else ''}",
                url=reverse("program"),
            )
            for row in rows
        ),
        empty="No team has joined the current program cycle yet.",
        order=10,
    )

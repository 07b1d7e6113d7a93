"""Reads of the milestone screens (a team's milestones, the network board, the homes' "to
confirm"); each makes a fixed number of queries whatever the number of teams.

* :func:`milestone_views` — every milestone of some teams, with status, evidence and the
  platform's proposal, from :func:`team_facts` (what the proposal rules read).
* :func:`evidence_choices`, :func:`evidence_label`, :func:`evidence_url` — evidence to link.
* :func:`board_teams` — the teams a person sees on the board.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Prefetch, prefetch_related_objects
from django.urls import reverse

from pursuing_equity.outcomes import program, proposals
from pursuing_equity.outcomes.models import Evidence, Milestone, Status
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.teams.models import Team

TEAMS = Team.objects.select_related("cycle", "cohort", "small_cohort", "organization")


@dataclass(frozen=True)
class MilestoneView:
    team: Team
    definition: program.MilestoneDef
    status: str
    status_on: datetime.date | None
    note: str
    changed_by: str
    evidence: tuple[Evidence, ...]
    proposal: proposals.Proposal | None

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def to_confirm(self) -> bool:
        """The platform proposes a status other than the recorded one."""
        return self.proposal is not None and self.proposal.status != self.status


def team_facts(teams: Sequence[Team]) -> dict[int, proposals.TeamFacts]:
    """What the proposal rules read, per team, from stored data (7 queries whatever the size)."""
    from pursuing_equity.measures.models import Aim, Measure, Submission
    from pursuing_equity.measures.stored import stored_panels
    from pursuing_equity.reporting.models import PdsaCycle

    ids = [t.pk for t in teams]
    if not ids:
        return {}
    # The measures hang on the teams already read (their cycle row, the program document, comes
    # once per cycle instead of once per measure); nothing is read for teams that have them.
    prefetch_related_objects(list(teams), "cycle", "cohort", "small_cohort")
    by_pk = {t.pk: t for t in teams}
    measures = list(Measure.objects.filter(team_id__in=ids).order_by("name"))
    for m in measures:
        m.team = by_pk[m.team_id]
    aims = dict(
        Aim.objects.filter(measure__team_id__in=ids)
        .values_list("measure__team_id")
        .annotate(n=Count("pk"))
    )
    periods = dict(
        Submission.objects.filter(measure__team_id__in=ids, is_current=True)
        .values_list("measure_id")
        .annotate(n=Count("period", distinct=True))
    )
    pdsa = dict(
        PdsaCycle.objects.filter(team_id__in=ids).values_list("team_id").annotate(n=Count("pk"))
    )
    panels = stored_panels(measures)
    by_team: dict[int, list] = defaultdict(list)
    for m in measures:
        by_team[m.team_id].append(m)
    facts = {}
    for team_id in ids:
        mine = by_team[team_id]
        facts[team_id] = proposals.TeamFacts(
            measures=tuple(m.name for m in mine),
            aims=aims.get(team_id, 0),
            stratified_periods=max(
                (periods.get(m.pk, 0) for m in mine if m.stratifiers), default=0
            ),
            pdsa_cycles=pdsa.get(team_id, 0),
            gaps=tuple(
                proposals.GapFacts(p.measure, p.direction, p.signal, p.closing, p.summary)
                for m in mine
                if (p := panels.get(m.pk)) is not None
            ),
        )
    return facts


def milestone_views(
    teams: Sequence[Team], *, evidence: bool = True
) -> dict[int, list[MilestoneView]]:
    """Each team's milestones in the program file's order (9 queries whatever the size; 8
    without ``evidence``, for lists that show only statuses and proposals)."""
    teams = list(teams)
    milestones = Milestone.objects.filter(team_id__in=[t.pk for t in teams]).select_related(
        "changed_by"
    )
    if evidence:
        milestones = milestones.prefetch_related(_evidence_prefetch())
    rows = {(m.team_id, m.key): m for m in milestones}
    facts = team_facts(teams)
    views: dict[int, list[MilestoneView]] = {}
    for team in teams:
        views[team.pk] = []
        for d in program.milestones_for(team.cycle.document, team.cohort.key):
            row = rows.get((team.pk, d.key))
            views[team.pk].append(
                MilestoneView(
                    team=team,
                    definition=d,
                    status=row.status if row else Status.NOT_STARTED,
                    status_on=row.status_on if row else None,
                    note=row.note if row else "",
                    changed_by=row.changed_by.display_name if row and row.changed_by else "",
                    evidence=tuple(row.evidence.all()) if row and evidence else (),
                    proposal=proposals.propose(d.proposal, facts[team.pk]),
                )
            )
    return views


def _evidence_prefetch():
    return Prefetch(
        "evidence",
        # An update's chart snapshots are large and evidence shows only its period.
        queryset=Evidence.objects.select_related(
            "update", "aim__measure", "measure", "document__update"
        ).defer("update__charts", "document__update__charts"),
    )


def evidence_url(evidence: Evidence, team: Team) -> str:
    """Where a piece of evidence is read (the owning app's page)."""
    if evidence.kind == Evidence.Kind.UPDATE:
        return reverse("update_detail", args=[team.slug, evidence.update.period_key])
    if evidence.kind == Evidence.Kind.AIM:
        return reverse("measure_dashboard", args=[team.slug, evidence.aim.measure.slug])
    if evidence.kind == Evidence.Kind.MEASURE:
        return reverse("measure_dashboard", args=[team.slug, evidence.measure.slug])
    d = evidence.document
    return reverse("attachment_download", args=[team.slug, d.update.period_key, d.pk])


def evidence_label(evidence: Evidence) -> str:
    target = evidence.target
    if evidence.kind == Evidence.Kind.UPDATE:
        return f"Update: {target.period_label}"
    if evidence.kind == Evidence.Kind.AIM:
        return f"Aim: {target.text}"
    if evidence.kind == Evidence.Kind.MEASURE:
        return f"Dashboard: {target.name}"
    return f"Document: {target.original_name} ({target.update.period_label} update)"


def evidence_choices(team: Team) -> list[tuple[str, list[tuple[str, str]]]]:
    """The team's objects that can be evidence, grouped by kind, as ``kind:id`` choices (4 queries)."""
    from pursuing_equity.measures.models import Aim, Measure
    from pursuing_equity.reporting.models import Attachment, Update

    updates = Update.objects.filter(team=team).order_by("-period_start")
    aims = Aim.objects.filter(measure__team=team).select_related("measure")
    measures = Measure.objects.filter(team=team).order_by("name")
    documents = Attachment.objects.filter(update__team=team).select_related("update")
    return [
        (
            "Updates",
            [
                (f"update:{u.pk}", f"{u.period_label} ({u.get_status_display().lower()})")
                for u in updates
            ],
        ),
        ("Aims", [(f"aim:{a.pk}", a.text) for a in aims]),
        ("Measure dashboards", [(f"measure:{m.pk}", m.name) for m in measures]),
        (
            "Documents",
            [
                (f"document:{d.pk}", f"{d.original_name} ({d.update.period_label} update)")
                for d in documents
            ],
        ),
    ]


def board_teams(user, cohort_key: str = "") -> list[Team]:
    """The teams of the current cycle the person may see on the board: staff all, faculty their
    coached teams; optionally one cohort."""
    from pursuing_equity.accounts.rules import is_program_staff
    from pursuing_equity.teams.membership import coach_q

    cycle = current_cycle()
    if cycle is None:
        return []
    # Every team shares the cycle already read, not a copy of its row (the program document) each.
    teams = Team.objects.select_related("cohort", "small_cohort", "organization").filter(
        cycle=cycle
    )
    if not is_program_staff(user):
        teams = teams.filter(coach_q(user))
    if cohort_key:
        teams = teams.filter(cohort__key=cohort_key)
    teams = list(teams.order_by("cohort__position", "name"))
    for team in teams:
        team.cycle = cycle
    return teams

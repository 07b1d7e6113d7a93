"""Reads of the reporting app, shaped for its pages; each makes a fixed, small number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.programs.dates import add_months
from pursuing_equity.programs.models import Cycle
from pursuing_equity.reporting import dates, rules
from pursuing_equity.reporting.models import (
    Comment,
    Digest,
    PdsaCycle,
    ProgressScore,
    Update,
)
from pursuing_equity.teams.membership import membership_of, peer_q
from pursuing_equity.teams.models import Team

STATE_LABELS = {
    "open": "Not started",
    "draft": "Draft",
    "submitted": "Submitted on time",
    "late": "Submitted late",
    "missing": "Missing",
}
REFLECTION_LABELS = {
    "": "",
    "reflected": "Leader reflected",
    "awaiting": "Awaiting leader reflection",
    "overdue": "Leader reflection overdue",
}


#: An update's texts, which lists of updates do not show.
TEXT_FIELDS = ("progress", "challenges", "learning", "help_wanted")
#: The columns of an update that :func:`period_status` reads (besides its reflection).
STATE_FIELDS = (
    "team_id",
    "period_start",
    "period_months",
    "status",
    "late",
    "due_on",
    "submitted_at",
)


def _update_queryset(*, full: bool = False) -> QuerySet[Update]:
    """Updates with what their lists read. Three things are costly to read per row: the chart
    snapshots (``charts``, tens of kB of JSON per update) and the texts are read only when asked
    for (``full``: the digest; ``charts_html`` never, see ``UpdateManager``); the cycle is
    prefetched, not joined, because a joined cycle decodes its program document (a large JSON)
    once per update, and these cost most of the submission grid's and staff home's time
    (bench/bench_pages.py); prefetched, each cycle is decoded once."""
    queryset = Update.objects.select_related(
        "team__cohort", "team__small_cohort", "reflection"
    ).prefetch_related("team__cycle")
    return queryset if full else queryset.defer("charts", *TEXT_FIELDS)


@dataclass(frozen=True)
class PeriodStatus:
    """Where a team stands for one reporting period at a moment."""

    team: Team
    start: datetime.date
    label: str
    due_on: datetime.date
    update: Update | None
    state: str  # see STATE_LABELS
    reflection: str  # see REFLECTION_LABELS
    reflection_due_on: datetime.date | None = None

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def state_label(self) -> str:
        if self.state == "missing" and self.update is not None:
            return "Missing (draft started)"
        return STATE_LABELS[self.state]

    @property
    def reflection_label(self) -> str:
        return REFLECTION_LABELS[self.reflection]

    @property
    def submitted(self) -> bool:
        return self.state in {"submitted", "late"}


class Column(NamedTuple):
    """What one period is for every team of a cohort at a moment."""

    label: str
    due_on: datetime.date
    past_due: bool


def period_column(
    rule: dates.ReportingRule, start: datetime.date, now: datetime.datetime, zone: str
) -> Column:
    due_on = dates.due_date(start, rule.every_months, rule.due_day)
    return Column(
        dates.period_label(start, rule.every_months), due_on, dates.is_overdue(now, due_on, zone)
    )


def period_status(
    team: Team,
    rule: dates.ReportingRule,
    start: datetime.date,
    update: Update | None,
    now: datetime.datetime,
    column: Column | None = None,
) -> PeriodStatus:
    """Pure given its arguments (the update's reflection must be loaded with it); ``column`` is
    what every team's same period shares (:func:`period_column`), worked out once by the grid."""
    zone = team.cycle.time_zone
    label, due_on, past_due = column or period_column(rule, start, now, zone)
    reflection, reflection_due = "", None
    if update is not None and update.is_submitted:
        state = "late" if update.late else "submitted"
        if rule.leader_reply:
            reflection_due = dates.reflection_due_date(
                update.due_on,
                dates.local_day(update.submitted_at, zone),
                rule.every_months,
                rule.reflection_grace_days,
            )
            if rules.has_reflection(update):
                reflection = "reflected"
            elif dates.is_overdue(now, reflection_due, zone):
                reflection = "overdue"
            else:
                reflection = "awaiting"
    elif past_due:
        state = "missing"
    else:
        state = "draft" if update is not None else "open"
    return PeriodStatus(
        team=team,
        start=start,
        label=label,
        due_on=due_on,
        update=update,
        state=state,
        reflection=reflection,
        reflection_due_on=reflection_due,
    )


def started_periods(cycle: Cycle, rule: dates.ReportingRule, today: datetime.date) -> list:
    return [
        p
        for p in dates.period_starts(cycle.starts_on, cycle.ends_on, rule.every_months)
        if p <= today
    ]


def team_periods(team: Team, now: datetime.datetime | None = None) -> list[PeriodStatus]:
    """The team's started periods, newest first, with their updates (1 query, besides the team's cycle
    and cohort when not loaded)."""
    return teams_periods([team], now)[team.pk]


def teams_periods(
    teams: list[Team], now: datetime.datetime | None = None, latest: int | None = None
) -> dict[int, list[PeriodStatus]]:
    """Per team (by id), its started periods newest first (the ``latest`` ones), with their
    updates: 1 query however many teams (the updates of those periods, hung on ``teams``, whose
    cohort and cycle must be loaded with them)."""
    now = now or timezone.now()
    # The periods depend on the cycle and the cohort only: worked out once per pair, and only the
    # updates of the periods shown are read (the staff home shows the latest two of every team).
    periods: dict[tuple[int, int], tuple[dates.ReportingRule | None, list[datetime.date]]] = {}
    for team in teams:
        pair = (team.cycle_id, team.cohort_id)
        if pair not in periods:
            rule = dates.rule_from_document(team.cycle.document, team.cohort.key)
            today = dates.local_day(now, team.cycle.time_zone)
            starts = (
                list(reversed(started_periods(team.cycle, rule, today)))[:latest] if rule else []
            )
            periods[pair] = (rule, starts)
    shown = [start for _, starts in periods.values() for start in starts]
    by_pk = {team.pk: team for team in teams}
    updates = {}
    if shown:
        # Each update hangs on the team already read (its cycle decoded once), not a copy.
        rows = (
            Update.objects.select_related("reflection")
            .defer("charts")
            .filter(team__in=list(by_pk), period_start__gte=min(shown))
        )
        for update in rows:
            update.team = by_pk[update.team_id]
            updates[(update.team_id, update.period_start)] = update
    result: dict[int, list[PeriodStatus]] = {}
    for team in teams:
        rule, starts = periods[(team.cycle_id, team.cohort_id)]
        result[team.pk] = [
            period_status(team, rule, start, updates.get((team.pk, start)), now) for start in starts
        ]
    return result


def update_for(team: Team, period_start: datetime.date) -> Update | None:
    """The team's update of a period, for its pages: the snapshot as stored HTML, not as data,
    and ``team`` (with its cohort and cycle) attached rather than read again (1 query)."""
    update = (
        Update.objects.select_related("updated_by", "submitted_by", "reflection__author")
        .defer(None)  # the drawn snapshot, deferred by default (UpdateManager) ...
        .defer("charts")  # ... and not the data it was drawn from
        .filter(team=team, period_start=period_start)
        .first()
    )
    if update is not None:
        update.team = team
    return update


def update_page(update: Update) -> dict[str, Any]:
    """What the update page shows besides the update itself (4 queries)."""
    return {
        "pdsa_cycles": list(update.pdsa_cycles.select_related("measure", "parent")),
        "attachments": list(update.attachments.all()),
        "comments": list(Comment.objects.filter(update=update).select_related("author")),
        "contributors": list(update.contributors.order_by("full_name")),
    }


# --- the staff and faculty grid -----------------------------------------------------------------


@dataclass(frozen=True)
class GridRow:
    team: Team
    cells: list[PeriodStatus]
    #: The team's updates page; a period's update is ``{url}{cell.key}/`` (reversed once per row,
    #: not once per cell: the grid has hundreds).
    url: str = ""


@dataclass(frozen=True)
class CohortGrid:
    cohort: Any
    rule: dates.ReportingRule
    periods: list[tuple[datetime.date, str]]
    rows: list[GridRow] = field(default_factory=list)

    @property
    def overdue_reflections(self) -> list[PeriodStatus]:
        return [c for row in self.rows for c in row.cells if c.reflection == "overdue"]


def submission_grid(cycle: Cycle, now: datetime.datetime | None = None) -> list[CohortGrid]:
    """Per cohort that reports, teams × started periods with their states (2 queries: teams,
    updates with only the columns a cell's state needs)."""
    now = now or timezone.now()
    today = dates.local_day(now, cycle.time_zone)
    teams = list(
        Team.objects.filter(cycle=cycle)
        .select_related("cohort")
        .order_by("cohort__position", "name")
    )
    for team in teams:
        team.cycle = cycle  # not joined: each row would decode the program document again
    updates: dict[tuple[int, datetime.date], Update] = {
        (u.team_id, u.period_start): u
        for u in Update.objects.filter(team__cycle=cycle)
        .select_related("reflection")
        .only(*STATE_FIELDS, "reflection__id")
    }
    grids: dict[int, CohortGrid] = {}
    # A period's label, due day and whether it is past are the same for every team of a cohort.
    columns: dict[int, list[tuple[datetime.date, Column]]] = {}
    for team in teams:
        if team.cohort_id not in grids:
            rule = dates.rule_from_document(cycle.document, team.cohort.key)
            if rule is None:
                continue
            starts = started_periods(cycle, rule, today)
            columns[team.cohort_id] = [
                (s, period_column(rule, s, now, cycle.time_zone)) for s in starts
            ]
            grids[team.cohort_id] = CohortGrid(
                team.cohort, rule, [(s, c.label) for s, c in columns[team.cohort_id]]
            )
        grid = grids.get(team.cohort_id)
        if grid is None:
            continue
        cells = [
            period_status(team, grid.rule, start, updates.get((team.pk, start)), now, column)
            for start, column in columns[team.cohort_id]
        ]
        grid.rows.append(GridRow(team, cells, reverse("team_updates", args=[team.slug])))
    return list(grids.values())


# --- what a person sees on the Updates page and at home ------------------------------------------


def my_teams(user) -> list[Team]:
    return list(
        Team.objects.filter(members__user=user)
        .select_related("cohort", "cycle", "small_cohort")
        .order_by("-cycle__starts_on", "name")
    )


def shared_updates(user, limit: int = 20) -> list[Update]:
    """Recent submitted updates of other teams that the person may read (3 queries)."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = _update_queryset().filter(status=Update.Status.SUBMITTED)
    if not rules.has_role(user, rules.STAFF, rules.FACULTY):
        qs = qs.filter(peer_q(user, prefix="team__"))
    candidates = list(qs.order_by("-submitted_at")[: limit * 2])
    return [u for u in candidates if rules.can_view_update(user, u)][:limit]


def leader_queue(user, now: datetime.datetime | None = None) -> list[PeriodStatus]:
    """Submitted updates of the teams the person leads that wait for a reflection (3 queries)."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    team_ids = [tie.team_id for tie in membership_of(user).ties if tie.is_leader]
    if not team_ids:
        return []
    waiting = []
    for update in _update_queryset().filter(
        team_id__in=team_ids, status=Update.Status.SUBMITTED, reflection__isnull=True
    ):
        rule = dates.rule_from_document(update.team.cycle.document, update.team.cohort.key)
        if rule is None or not rule.leader_reply:
            continue
        waiting.append(period_status(update.team, rule, update.period_start, update, now))
    waiting.sort(key=lambda s: (s.reflection != "overdue", s.reflection_due_on))
    return waiting


# --- PDSA cycles ------------------------------------------------------------------------------


def pdsa_cycles_of(team: Team) -> list[PdsaCycle]:
    return list(
        PdsaCycle.objects.filter(team=team)
        .select_related("measure", "parent")
        .order_by("-started_on", "-id")
    )


def pdsa_annotations(measure) -> list[tuple[datetime.date, str, str]]:
    """The PDSA cycles meant to move ``measure``, as (start date, label, page) for its charts
    (1 query; ``measure.team`` is expected loaded).

    The label names the change idea and, once decided, the decision ("adopt", "adapt",
    "abandon"); the page is the cycle's own, linked from the key under the charts. Oldest first.
    """
    return [
        (c.started_on, c.annotation_label, reverse("pdsa_detail", args=[measure.team.slug, c.pk]))
        for c in PdsaCycle.objects.filter(measure=measure).order_by("started_on", "id")
    ]


# --- progress scores --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressRow:
    month: datetime.date
    team: ProgressScore | None
    faculty: ProgressScore | None


def progress_history(team: Team) -> tuple[list[ProgressRow], list[ProgressScore]]:
    """Both rating histories side by side by month, oldest first, and the raw scores (1 query)."""
    scores = list(ProgressScore.objects.filter(team=team).select_related("rated_by"))
    by_month: dict[datetime.date, dict[str, ProgressScore]] = defaultdict(dict)
    for s in scores:
        by_month[s.month][s.rater] = s
    rows = [
        ProgressRow(month, sides.get("team"), sides.get("faculty"))
        for month, sides in sorted(by_month.items())
    ]
    return rows, scores


# --- the monthly digest ------------------------------------------------------------------------


def digest_updates(cycle: Cycle, month: datetime.date) -> list[Update]:
    """Every submitted update of ``cycle`` whose period covers ``month`` (4 queries)."""
    candidates = (
        _update_queryset(full=True)
        .filter(team__cycle=cycle, status=Update.Status.SUBMITTED, period_start__lte=month)
        .select_related("team__organization", "reflection__author", "submitted_by")
        .prefetch_related(
            Prefetch("pdsa_cycles", queryset=PdsaCycle.objects.select_related("measure")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
        )
        .order_by("team__cohort__position", "team__name")
    )
    return [u for u in candidates if month < add_months(u.period_start, u.period_months)]


def recent_digests(cycle: Cycle, count: int = 6) -> list[Digest]:
    """The latest requested PDF digests of ``cycle``, without their bytes (1 query)."""
    return list(
        Digest.objects.filter(cycle=cycle).defer("pdf").select_related("requested_by")[:count]
    )


# --- what a person's home shows ------------------------------------------------------------------


def home_panels(user, day: datetime.date) -> list[Panel]:
    """Monthly updates to write and PDSA cycles in progress (team), updates awaiting my
    reflection (leaders), updates awaiting comment and progress to rate (coaches), overdue
    updates and reflections (staff). A fixed number of queries
    whatever the number of teams and updates (at most 4 per part the person plays)."""
    from pursuing_equity.accounts.rules import FACULTY, has_role, is_program_staff
    from pursuing_equity.teams.membership import coached_teams, membership_of, own_teams

    now = timezone.now()
    panels: list[Panel] = []
    membership = membership_of(user)
    if membership.team_ids:
        teams = own_teams(user)
        panels.append(_updates_to_write(user, teams, now))
        panels.append(_pdsa_in_progress(teams))
        if any(t.is_leader for t in membership.ties):
            panels.append(_reflections_waiting(user, now))
    if has_role(user, FACULTY):
        coached = list(coached_teams(user))
        panels.append(_updates_to_comment(coached))
        panels.append(_progress_to_rate(coached, day))
    if is_program_staff(user):
        panels.append(_overdue(day, now))
    return panels


def _update_url(status: PeriodStatus) -> str:
    if status.update is not None and status.update.is_submitted:
        return reverse("update_detail", args=[status.team.slug, status.key])
    return reverse("update_edit", args=[status.team.slug, status.key])


def _updates_to_write(user, teams: list[Team], now: datetime.datetime) -> Panel:
    """The next update due of each team (the oldest period not yet submitted), linked to its
    form for those who write updates, to the team's updates for the others."""
    tasks = []
    periods = teams_periods(teams, now, latest=3)
    for team in teams:
        waiting = [s for s in periods[team.pk] if not s.submitted]
        if not waiting:
            continue
        status = waiting[-1]
        writes = rules.can_write_update(user, team)
        tasks.append(
            Task(
                text=f"{'Write' if writes else 'Read the draft of'} {team.name}’s {status.label} update",
                url=reverse("update_edit", args=[team.slug, status.key])
                if writes
                else reverse("team_updates", args=[team.slug]),
                due=status.due_on,
                detail=status.state_label,
                urgent=status.state == "missing",
            )
        )
    return Panel(
        key="updates-to-write",
        heading="Monthly updates",
        tasks=tuple(tasks),
        links=tuple(
            (f"All updates of {team.name}", reverse("team_updates", args=[team.slug]))
            for team in teams
        ),
        empty="Every update due so far is submitted. The next one opens at the start of the month.",
        order=30,
    )


def _pdsa_in_progress(teams: list[Team]) -> Panel:
    cycles = list(
        PdsaCycle.objects.filter(team__in=teams, decision="")
        .select_related("team", "measure")
        .order_by("-started_on", "-id")[:10]
    )
    return Panel(
        key="pdsa-in-progress",
        heading="PDSA cycles in progress",
        tasks=tuple(
            Task(
                text=f"{c.change_idea}",
                url=reverse("pdsa_detail", args=[c.team.slug, c.pk]),
                detail=f"{c.team.name}, started {c.started_on:%b %-d, %Y}"
                + (f", testing {c.measure.name}" if c.measure else "")
                + ": no decision yet (adopt, adapt or abandon).",
            )
            for c in cycles
        ),
        links=tuple(
            (f"Log a PDSA cycle for {team.name}", reverse("pdsa_create", args=[team.slug]))
            for team in teams
        ),
        empty="No PDSA cycle is waiting for a decision. Log the next change you test.",
        order=35,
    )


def _reflections_waiting(user, now: datetime.datetime) -> Panel:
    return Panel(
        key="reflections",
        heading="Updates waiting for your reflection",
        tasks=tuple(
            Task(
                text=f"Reflect on {s.team.name}’s {s.label} update",
                url=reverse("update_detail", args=[s.team.slug, s.key]),
                due=s.reflection_due_on,
                detail="Overdue" if s.reflection == "overdue" else "Reply due",
                urgent=s.reflection == "overdue",
            )
            for s in leader_queue(user, now)
        ),
        empty="None: you have replied to every update your team submitted.",
        order=15,
    )


def _updates_to_comment(teams: list[Team]) -> Panel:
    """Submitted updates of my teams that no coach or staff member has commented on yet."""
    updates = list(
        _update_queryset()
        .filter(team__in=teams, status=Update.Status.SUBMITTED, comments__isnull=True)
        .order_by("-submitted_at")[:10]
    )
    return Panel(
        key="updates-to-comment",
        heading="Updates waiting for a comment",
        tasks=tuple(
            Task(
                text=f"Comment on {u.team.name}’s {dates.period_label(u.period_start, u.period_months)} update",
                url=reverse("update_detail", args=[u.team.slug, f"{u.period_start:%Y-%m}"]),
                detail=f"Submitted {timezone.localtime(u.submitted_at):%b %-d}",
            )
            for u in updates
        ),
        links=(("Submission grid", reverse("submission_grid")),),
        empty="Every submitted update of the teams you coach has a comment.",
        order=20,
    )


def _progress_to_rate(teams: list[Team], day: datetime.date) -> Panel:
    """Last month's faculty progress score, for each coached team still without one."""
    month = add_months(day.replace(day=1), -1)
    rated = set(
        ProgressScore.objects.filter(
            team__in=teams, month=month, rater=ProgressScore.Rater.FACULTY
        ).values_list("team_id", flat=True)
    )
    return Panel(
        key="progress-to-rate",
        heading="Progress to rate",
        tasks=tuple(
            Task(
                text=f"Rate {team.name}’s progress for {month:%B %Y}",
                url=reverse("progress", args=[team.slug]),
            )
            for team in teams
            if team.pk not in rated and team.cycle.starts_on <= month <= team.cycle.ends_on
        ),
        empty=f"You have rated every team you coach for {month:%B %Y}.",
        order=25,
    )


def _overdue(day: datetime.date, now: datetime.datetime) -> Panel:
    """Updates missing past their due date and leader reflections overdue, in the current cycle."""
    from pursuing_equity.programs.selectors import current_cycle

    cycle = current_cycle(day)
    teams = (
        list(
            Team.objects.filter(cycle=cycle)
            .select_related("cohort")
            .prefetch_related("cycle")  # decoded once (_update_queryset)
            .order_by("name")
        )
        if cycle
        else []
    )
    tasks = []
    periods = teams_periods(teams, now, latest=2)
    for team in teams:
        for s in periods[team.pk]:
            if s.state == "missing":
                tasks.append(
                    Task(
                        text=f"{team.name}: {s.label} update missing",
                        url=reverse("team_updates", args=[team.slug]),
                        due=s.due_on,
                        urgent=True,
                    )
                )
            elif s.reflection == "overdue":
                tasks.append(
                    Task(
                        text=f"{team.name}: leader reflection on the {s.label} update overdue",
                        url=_update_url(s),
                        due=s.reflection_due_on,
                        urgent=True,
                    )
                )
    return Panel(
        key="overdue-updates",
        heading="Overdue updates and reflections",
        tasks=tuple(sorted(tasks, key=lambda t: t.due)),
        links=(("Submission grid", reverse("submission_grid")),),
        empty="No update or leader reflection is overdue in the last two periods.",
        order=20,
    )

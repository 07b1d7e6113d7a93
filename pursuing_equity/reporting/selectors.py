"""Reads of the reporting app, shaped for its pages; each makes a fixed, small number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from pursuing_equity.measures.rules import memberships
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
from pursuing_equity.teams.models import Team, TeamMember

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


def _update_queryset() -> QuerySet[Update]:
    return Update.objects.select_related(
        "team__cohort", "team__cycle", "team__small_cohort", "reflection"
    )


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


def period_status(
    team: Team,
    rule: dates.ReportingRule,
    start: datetime.date,
    update: Update | None,
    now: datetime.datetime,
) -> PeriodStatus:
    """Pure given its arguments (the update's reflection must be loaded with it)."""
    zone = team.cycle.time_zone
    due_on = dates.due_date(start, rule.every_months, rule.due_day)
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
    elif dates.is_overdue(now, due_on, zone):
        state = "missing"
    else:
        state = "draft" if update is not None else "open"
    return PeriodStatus(
        team=team,
        start=start,
        label=dates.period_label(start, rule.every_months),
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
    """The team's started periods, newest first, with their updates (1 query)."""
    return teams_periods([team], now)[team.pk]


def teams_periods(
    teams: list[Team], now: datetime.datetime | None = None, latest: int | None = None
) -> dict[int, list[PeriodStatus]]:
    """Per team (by id), its started periods newest first (the ``latest`` ones), with their
    updates: 1 query however many teams (their cohort and cycle must be loaded with them)."""
    now = now or timezone.now()
    updates = {
        (u.team_id, u.period_start): u
        for u in _update_queryset().filter(team__in=[t.pk for t in teams])
    }
    result: dict[int, list[PeriodStatus]] = {}
    for team in teams:
        rule = dates.rule_from_document(team.cycle.document, team.cohort.key)
        if rule is None:
            result[team.pk] = []
            continue
        today = dates.local_day(now, team.cycle.time_zone)
        starts = list(reversed(started_periods(team.cycle, rule, today)))[:latest]
        result[team.pk] = [
            period_status(team, rule, start, updates.get((team.pk, start)), now) for start in starts
        ]
    return result


def update_for(team: Team, period_start: datetime.date) -> Update | None:
    return (
        _update_queryset()
        .select_related("updated_by", "submitted_by", "reflection__author")
        .filter(team=team, period_start=period_start)
        .first()
    )


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
    """Per cohort that reports, teams × started periods with their states (3 queries)."""
    now = now or timezone.now()
    today = dates.local_day(now, cycle.time_zone)
    teams = list(
        Team.objects.filter(cycle=cycle)
        .select_related("cohort", "cycle", "organization")
        .order_by("cohort__position", "name")
    )
    updates: dict[tuple[int, datetime.date], Update] = {
        (u.team_id, u.period_start): u for u in _update_queryset().filter(team__cycle=cycle)
    }
    grids: dict[int, CohortGrid] = {}
    for team in teams:
        if team.cohort_id not in grids:
            rule = dates.rule_from_document(cycle.document, team.cohort.key)
            if rule is None:
                continue
            starts = started_periods(cycle, rule, today)
            grids[team.cohort_id] = CohortGrid(
                team.cohort, rule, [(s, dates.period_label(s, rule.every_months)) for s in starts]
            )
        grid = grids.get(team.cohort_id)
        if grid is None:
            continue
        cells = [
            period_status(team, grid.rule, start, updates.get((team.pk, start)), now)
            for start, _ in grid.periods
        ]
        grid.rows.append(GridRow(team, cells))
    return list(grids.values())


# --- what a person sees on the Updates page and at home ------------------------------------------


def my_teams(user) -> list[Team]:
    return list(
        Team.objects.filter(members__user=user)
        .select_related("cohort", "cycle", "small_cohort")
        .order_by("-cycle__starts_on", "name")
    )


def shared_updates(user, limit: int = 20) -> list[Update]:
    """Recent submitted updates of other teams that the person may read (2 queries)."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = _update_queryset().filter(status=Update.Status.SUBMITTED)
    if not rules.has_role(user, rules.STAFF, rules.FACULTY):
        scope = Q(pk__in=[])
        for m in memberships(user):
            if m.sharing == "cohort":
                scope |= Q(team__cycle_id=m.cycle_id, team__cohort__key=m.cohort_key)
            elif m.sharing == "small_cohort" and m.small_cohort_id is not None:
                scope |= Q(team__small_cohort_id=m.small_cohort_id)
        own = [m.team_id for m in memberships(user)]
        qs = qs.filter(scope).exclude(team_id__in=own)
    candidates = list(qs.order_by("-submitted_at")[: limit * 2])
    return [u for u in candidates if rules.can_view_update(user, u)][:limit]


def leader_queue(user, now: datetime.datetime | None = None) -> list[PeriodStatus]:
    """Submitted updates of the teams the person leads that wait for a reflection (2 queries)."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    team_ids = list(
        TeamMember.objects.filter(user=user, part__in=rules.LEADER_PARTS).values_list(
            "team_id", flat=True
        )
    )
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


def pdsa_annotations(measure) -> list[tuple[datetime.date, str]]:
    """The PDSA cycles meant to move ``measure``, as (start date, label) for its charts (1 query).

    The label names the change idea and, once decided, the decision ("adopt", "adapt",
    "abandon"). Oldest first.
    """
    return [
        (c.started_on, c.annotation_label)
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
    """Every submitted update of ``cycle`` whose period covers ``month`` (3 queries)."""
    candidates = (
        _update_queryset()
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


# --- reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    kind: str
    team: Team
    period_start: datetime.date
    recipients: list
    context: dict


def reminders_due(now: datetime.datetime | None = None) -> list[Reminder]:
    """Every reminder the daily command should send now (some may have been sent already).

    - due soon: from the cohort's ``reminder_days_before`` (the program file) to the due day,
      to the people who write the update, if it is not submitted;
    - update overdue: after the due day, to the same people, for the latest overdue period only
      (the one whose due day passed less than a period ago), so a late start does not flood them;
    - reflection overdue: to the senior leader and the alternate, on the same terms.
    """
    now = now or timezone.now()
    reminders: list[Reminder] = []
    cycles = [
        c
        for c in Cycle.objects.all()
        if c.starts_on <= dates.local_day(now, c.time_zone) <= add_months(c.ends_on, 3)
    ]
    if not cycles:
        return []
    teams = list(
        Team.objects.filter(cycle__in=cycles).select_related("cohort", "cycle", "small_cohort")
    )
    people: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for member in TeamMember.objects.filter(team__in=teams, user__is_active=True).select_related(
        "user"
    ):
        people[member.team_id][member.part].append(member.user)
    updates = {(u.team_id, u.period_start): u for u in _update_queryset().filter(team__in=teams)}
    for team in teams:
        rule = dates.rule_from_document(team.cycle.document, team.cohort.key)
        if rule is None:
            continue
        zone = team.cycle.time_zone
        today = dates.local_day(now, zone)
        writers = [u for part in rules.WRITING_PARTS for u in people[team.pk][part]]
        leaders = [u for part in rules.LEADER_PARTS for u in people[team.pk][part]]
        for start in dates.period_starts(
            team.cycle.starts_on, team.cycle.ends_on, rule.every_months
        ):
            status = period_status(team, rule, start, updates.get((team.pk, start)), now)
            recent = add_months(status.due_on, rule.every_months) > today
            context = {"status": status, "team": team, "rule": rule}
            reminder_day = dates.reminder_day(status.due_on, rule.reminder_days_before)
            if status.state in {"open", "draft"} and reminder_day <= today:
                reminders.append(Reminder("due_soon", team, start, writers, context))
            elif status.state == "missing" and recent:
                reminders.append(Reminder("update_overdue", team, start, writers, context))
            if (
                status.reflection == "overdue"
                and add_months(status.reflection_due_on, rule.every_months) > today
            ):
                reminders.append(Reminder("reflection_overdue", team, start, leaders, context))
    return reminders

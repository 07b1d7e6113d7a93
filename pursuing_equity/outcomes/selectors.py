"""Reads of the outcomes app, named for the screens; each makes a fixed number of queries.

* :func:`milestone_views` — every milestone of some teams, with status, evidence and the
  platform's proposal (team page, network board, homes).
* :func:`team_results` / :func:`network_distribution` — the self-assessment per component.
* :func:`home_panels` — "a self-assessment to answer", "milestones to confirm".
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, prefetch_related_objects
from django.urls import reverse

from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.outcomes import program, proposals
from pursuing_equity.outcomes.models import (
    Answer,
    Engagement,
    Evidence,
    Milestone,
    Partner,
    Payment,
    Response,
    RoundDates,
    Status,
)
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.teams.models import Team

TEAMS = Team.objects.select_related("cycle", "cohort", "small_cohort", "organization")


# --- milestones -------------------------------------------------------------------------------


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


def milestone_views(teams: Sequence[Team]) -> dict[int, list[MilestoneView]]:
    """Each team's milestones in the program file's order (9 queries whatever the size)."""
    teams = list(teams)
    rows = {
        (m.team_id, m.key): m
        for m in Milestone.objects.filter(team__in=teams)
        .select_related("changed_by")
        .prefetch_related(
            _evidence_prefetch(),
        )
    }
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
                    evidence=tuple(row.evidence.all()) if row else (),
                    proposal=proposals.propose(d.proposal, facts[team.pk]),
                )
            )
    return views


def _evidence_prefetch():
    from django.db.models import Prefetch

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


# --- the self-assessment -----------------------------------------------------------------------


def assessment_of(cycle) -> program.Assessment | None:
    """The cycle's self-assessment with the windows staff set (1 query)."""
    overrides = {r.key: (r.opens_on, r.closes_on) for r in RoundDates.objects.filter(cycle=cycle)}
    return program.assessment_for(cycle, overrides)


def my_answers(team: Team, round_key: str, user) -> dict[str, int]:
    return dict(
        Answer.objects.filter(
            response__team=team, response__round_key=round_key, response__person=user
        ).values_list("item_key", "value")
    )


@dataclass(frozen=True)
class Summary:
    """One component in one round: the respondents' (or teams') scores summarised.

    ``mean`` is the arithmetic mean; ``sd`` the sample standard deviation (n − 1 denominator;
    Altman DG, Practical Statistics for Medical Research, 1991, §3.4.3), None below two scores;
    ``low``/``high`` the range, the spread between members that the team discusses.
    """

    round_key: str
    component: str
    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None
    quartiles: tuple[float, float, float] | None = None


def summarise(round_key: str, component: str, scores: Sequence[float]) -> Summary:
    """Mean, sample SD, range and (from four scores) quartiles of ``scores``. Quartiles use the
    inclusive method (Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat
    1996;50:361–365, definition 7), as ``statistics.quantiles(method="inclusive")``."""
    scores = [float(s) for s in scores]
    if not scores:
        return Summary(round_key, component, 0, None, None, None, None)
    quartiles = None
    if len(scores) >= 4:
        q1, q2, q3 = statistics.quantiles(scores, n=4, method="inclusive")
        quartiles = (round(q1, 2), round(q2, 2), round(q3, 2))
    return Summary(
        round_key,
        component,
        len(scores),
        round(statistics.fmean(scores), 2),
        round(statistics.stdev(scores), 2) if len(scores) > 1 else None,
        min(scores),
        max(scores),
        quartiles,
    )


def _person_component_scores(answers: Iterable[tuple], assessment: program.Assessment):
    """(round, team, person) → component → the person's mean over the component's items."""
    component_of = {i.key: i.component for i in assessment.items}
    values: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for round_key, team_id, person_id, item_key, value in answers:
        if item_key in component_of:
            values[(round_key, team_id, person_id)][component_of[item_key]].append(value)
    return {
        who: {c: statistics.fmean(v) for c, v in by_component.items()}
        for who, by_component in values.items()
    }


def _answers(**filters):
    return Answer.objects.filter(**filters).values_list(
        "response__round_key", "response__team_id", "response__person_id", "item_key", "value"
    )


def team_results(team: Team, assessment: program.Assessment) -> list[Summary]:
    """Each round × component of the team: its members' scores summarised (1 query)."""
    people = _person_component_scores(_answers(response__team=team), assessment)
    results = []
    for r in assessment.rounds:
        for c in assessment.components:
            scores = [s[c.key] for (rk, _, _), s in people.items() if rk == r.key and c.key in s]
            results.append(summarise(r.key, c.key, scores))
    return results


def respondents(team: Team) -> dict[str, int]:
    """How many people answered, per round (1 query)."""
    return dict(Response.objects.filter(team=team).values_list("round_key").annotate(n=Count("pk")))


def network_distribution(cycle, assessment: program.Assessment) -> list[Summary]:
    """Each round × component across the network: the distribution of the team means (1 query)."""
    people = _person_component_scores(_answers(response__team__cycle=cycle), assessment)
    team_scores: dict[tuple[str, int, str], list[float]] = defaultdict(list)
    for (round_key, team_id, _), scores in people.items():
        for component, score in scores.items():
            team_scores[(round_key, team_id, component)].append(score)
    results = []
    for r in assessment.rounds:
        for c in assessment.components:
            means = [
                statistics.fmean(v)
                for (rk, _, ck), v in team_scores.items()
                if rk == r.key and ck == c.key
            ]
            results.append(summarise(r.key, c.key, means))
    return results


def teams_answered(cycle) -> dict[str, int]:
    """How many teams have at least one answer, per round (1 query)."""
    return dict(
        Response.objects.filter(team__cycle=cycle)
        .values_list("round_key")
        .annotate(n=Count("team_id", distinct=True))
    )


# --- homes -------------------------------------------------------------------------------------


def home_panels(user, day: datetime.date) -> list[Panel]:
    """Team people: their team's outcomes, and the self-assessment to answer while a round is
    open; staff and coaches: milestones whose proposed status awaits confirmation. A fixed
    number of queries whatever the number of teams."""
    from pursuing_equity.accounts.rules import FACULTY, FUNDER, STAFF, has_role
    from pursuing_equity.teams.membership import membership_of, teams_of

    panels: list[Panel] = []
    if membership_of(user).team_ids:
        panels += _team_outcomes(user, day, list(teams_of(user)))
    if has_role(user, STAFF, FACULTY):
        panels.append(_to_confirm(user))
    panels += _partnership_panels(user)
    panels += _case_studies_to_approve(user)
    if has_role(user, FUNDER):
        panels.append(_program_report(day))
    return panels


def _program_report(day: datetime.date) -> Panel:
    """The funder's home is the program report (suppressed), with its downloads."""
    from pursuing_equity.outcomes import report

    cycle = current_cycle(day)
    if cycle is None:
        return Panel(
            key="program-report",
            heading="Program report",
            empty="No program cycle is running: the report covers the current cycle.",
            order=10,
        )
    built = report.program_report(cycle, day)
    return Panel(
        key="program-report",
        heading=f"Program report: {built.cycle_name}",
        template="outcomes/_report_panel.html",
        context={
            "report": built,
            "suppression_note": report.suppression_note(built),
            "case_studies": report.published_case_studies(),
        },
        links=(
            ("The report on its own page", reverse("program_report")),
            ("Download as PDF", reverse("program_report_download", args=["pdf"])),
            ("Download as XLSX", reverse("program_report_download", args=["xlsx"])),
        ),
        order=10,
    )


def _team_outcomes(user, day: datetime.date, teams: list[Team]) -> list[Panel]:
    answered = set(
        Response.objects.filter(team__in=teams, person=user).values_list("team_id", "round_key")
    )
    panels = []
    assessments = {}
    for team in teams:
        if team.cycle_id not in assessments:
            assessments[team.cycle_id] = assessment_of(team.cycle)
        assessment = assessments[team.cycle_id]
        tasks = []
        current = assessment.open_round(day) if assessment else None
        if current:
            done = (team.pk, current.key) in answered
            tasks.append(
                Task(
                    text=(
                        f"Change your {current.name.lower()} self-assessment"
                        if done
                        else f"Answer the {current.name.lower()} equity self-assessment"
                    ),
                    url=reverse("self_assessment_answer", args=[team.slug, current.key]),
                    due=current.closes_on,
                    detail=f"Open until {current.closes_on:%B} {current.closes_on.day}"
                    + (
                        "; you have answered."
                        if done
                        else "; answers are confidential to your team and program staff."
                    ),
                    urgent=not done and (current.closes_on - day).days <= 7,
                )
            )
        panels.append(
            Panel(
                key=f"outcomes-{team.slug}",
                heading=f"Milestones and self-assessment of {team.name}",
                tasks=tuple(tasks),
                links=(
                    ("The team's milestones", reverse("team_outcomes", args=[team.slug])),
                    ("The team's case studies", reverse("team_case_studies", args=[team.slug])),
                    *(
                        [
                            (
                                "The team's self-assessment results",
                                reverse("self_assessment_team", args=[team.slug]),
                            )
                        ]
                        if assessment
                        else []
                    ),
                ),
                empty="No self-assessment round is open: see your team's milestones and past results.",
                order=35,
            )
        )
    return panels


def _to_confirm(user) -> Panel:
    teams = board_teams(user)
    views = milestone_views(teams)
    waiting = [v for team in teams for v in views[team.pk] if v.to_confirm]
    tasks = tuple(
        Task(
            text=f"{v.team.name}: {v.definition.text}",
            url=reverse("team_outcomes", args=[v.team.slug]) + f"#milestone-{v.key}",
            detail=f"Proposed: {v.proposal.label} (recorded: {v.status_label}). {v.proposal.reason}",
        )
        for v in waiting[:8]
    )
    return Panel(
        key="milestones-to-confirm",
        heading="Milestones to confirm",
        tasks=tasks,
        links=(
            (
                f"Network board of milestones ({len(waiting)} to confirm)",
                reverse("milestone_board"),
            ),
        ),
        empty="No proposed milestone is waiting: every team's data agrees with its recorded statuses.",
        order=45,
    )


# --- community partnership and lived experience -------------------------------------------------


@dataclass(frozen=True)
class PartnerTotals:
    """Counts and sums of a team's (or the network's) partnership: people are counted whether
    or not they consented to be named."""

    people: int = 0
    unnamed: int = 0
    organizations: int = 0
    engagements: int = 0
    hours: Decimal = Decimal("0")
    payments: int = 0
    paid: Decimal = Decimal("0")

    def __add__(self, other: PartnerTotals) -> PartnerTotals:
        return PartnerTotals(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )


def _totals(partners: Iterable[Partner]) -> PartnerTotals:
    partners = list(partners)
    engagements = [e for p in partners for e in p.engagements.all()]
    payments = [x for p in partners for x in p.payments.all()]
    return PartnerTotals(
        people=sum(p.kind == Partner.Kind.PERSON for p in partners),
        unnamed=sum(not p.named for p in partners),
        organizations=sum(p.kind == Partner.Kind.ORGANIZATION for p in partners),
        engagements=len(engagements),
        hours=sum((e.hours for e in engagements), Decimal("0")),
        payments=len(payments),
        paid=sum((x.amount for x in payments), Decimal("0")),
    )


def _partners(**filters):
    return (
        Partner.objects.filter(**filters)
        .select_related("user", "team")
        .prefetch_related(
            Prefetch("engagements", queryset=Engagement.objects.order_by("-on", "-id")),
            Prefetch("payments", queryset=Payment.objects.order_by("-paid_on", "-id")),
        )
    )


def team_partnership(team: Team) -> tuple[list[Partner], PartnerTotals]:
    """The team's partners with their engagements and payments, and the team's totals (3 queries)."""
    partners = list(_partners(team=team))
    return partners, _totals(partners)


def network_partnership(cycle) -> tuple[list[tuple[Team, PartnerTotals]], PartnerTotals]:
    """Each team of the cycle with its totals (teams without partners too), and the network's
    (4 queries)."""
    teams = list(TEAMS.filter(cycle=cycle).order_by("cohort__position", "name"))
    by_team: dict[int, list[Partner]] = defaultdict(list)
    for p in _partners(team__cycle=cycle):
        by_team[p.team_id].append(p)
    rows = [(t, _totals(by_team[t.pk])) for t in teams]
    return rows, sum((r for _, r in rows), PartnerTotals())


def cohort_compensation(cycle) -> dict[int, PartnerTotals]:
    """Totals per cohort id (for the program report; 3 queries)."""
    by_cohort: dict[int, list[Partner]] = defaultdict(list)
    for p in _partners(team__cycle=cycle):
        by_cohort[p.team.cohort_id].append(p)
    return {cohort_id: _totals(ps) for cohort_id, ps in by_cohort.items()}


def finance_tables(cycle) -> dict[str, tuple[list[str], list[list]]]:
    """What finance reads: one row per payment and one per engagement, people named only with
    their consent (3 queries)."""
    partners = list(_partners(team__cycle=cycle).order_by("team__name", "id"))
    payments = [
        [p.team.name, p.get_kind_display(), p.label, x.paid_on, x.amount, x.currency,
         x.get_method_display()]
        for p in partners
        for x in p.payments.all()
    ]  # fmt: skip
    engagements = [
        [p.team.name, p.get_kind_display(), p.label, e.on, e.activity, e.hours]
        for p in partners
        for e in p.engagements.all()
    ]
    return {
        "Payments": (
            ["team", "kind", "partner", "paid_on", "amount", "currency", "method"],
            payments,
        ),
        "Engagements": (["team", "kind", "partner", "date", "activity", "hours"], engagements),
    }


def _partnership_panels(user) -> list[Panel]:
    """A linked partner's own record; the team's partnership for its people; staff's totals."""
    from pursuing_equity.accounts.rules import is_program_staff
    from pursuing_equity.outcomes import rules
    from pursuing_equity.teams.membership import membership_of, teams_of

    panels = []
    on_a_team = bool(membership_of(user).team_ids)
    # Only a team's people can be linked to a partner record (the service checks).
    mine = list(_partners(user=user)) if on_a_team else []
    if mine:
        panels.append(
            Panel(
                key="my-partnership",
                heading="Your work with your team and what you were paid",
                template="outcomes/_my_partnership.html",
                context={"records": mine, "totals": _totals(mine)},
                order=12,
            )
        )
    if on_a_team:
        for team in teams_of(user):
            if rules.can_view_team_partners(user, team):
                panels.append(
                    Panel(
                        key=f"partners-{team.slug}",
                        heading=f"Community partners of {team.name}",
                        links=(
                            (
                                "Partners, engagements and compensation",
                                reverse("team_partners", args=[team.slug]),
                            ),
                        ),
                        empty=(
                            "Record your community partners and people with lived experience, "
                            "each engagement and each payment."
                            if rules.can_record_partnership(user, team)
                            else "See the partners, engagements and payments your team recorded."
                        ),
                        order=36,
                    )
                )
    if is_program_staff(user):
        panels.append(
            Panel(
                key="network-partnership",
                heading="Lived-experience partnership",
                links=(("Totals per team and the finance export", reverse("partnership_network")),),
                empty="Hours and compensation of every team's community partners.",
                order=46,
            )
        )
    return panels


# --- case studies -----------------------------------------------------------------------------


def _case_studies_to_approve(user) -> list[Panel]:
    """ "A case study to approve": the senior leader's (their teams', with the leader) and
    program staff's (with staff). 1 query."""
    from pursuing_equity.accounts.rules import is_program_staff
    from pursuing_equity.outcomes.models import CaseStudy
    from pursuing_equity.teams.membership import membership_of

    staff = is_program_staff(user)
    m = membership_of(user)
    led = [team_id for team_id in m.team_ids if m.leads(team_id)]
    if not staff and not led:
        return []
    waiting = CaseStudy.objects.none()
    if led:
        waiting = CaseStudy.objects.filter(team_id__in=led, state=CaseStudy.State.LEADER_REVIEW)
    if staff:
        waiting = waiting | CaseStudy.objects.filter(state=CaseStudy.State.STAFF_REVIEW)
    rows = list(waiting.select_related("team").order_by("updated_at")[:10])
    return [
        Panel(
            key="case-studies-to-approve",
            heading="Case studies to approve",
            tasks=tuple(
                Task(
                    text=f"Approve the case study “{c.title}”",
                    url=reverse("case_study_detail", args=[c.pk]),
                    detail=f"{c.team.name} · {c.get_state_display().lower()}",
                )
                for c in rows
            ),
            links=((("All case studies", reverse("case_study_queue")),) if staff else ())
            + (("The public gallery", reverse("case_study_gallery")),),
            empty="No case study is waiting for your approval.",
            order=30,
        )
    ]

"""The program report for staff and funders: participation, submissions, milestones, gaps
closing, self-assessment change and lived-experience compensation, by cohort.

Everything in it is shared (the funder's home, the PDF, the XLSX), so every count is
suppressed before it leaves this module: each group of counts that add up is one table given
to :func:`equitystats.suppress.suppress_table` with its margins (cohorts × parts, the network
total per part and the cohort totals), which hides counts of 1 to the program's threshold and
whatever would let them be recovered (complementary suppression, LP-audited). Amounts and
percentages are hidden wherever a count they are computed from is hidden; a self-assessment
mean only from more than ``threshold`` respondents in both rounds compared.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import numpy as np
from django.db.models import Count, Q

from equitystats import suppress
from pursuing_equity.outcomes import program
from pursuing_equity.outcomes.models import Milestone, Status
from pursuing_equity.teams.models import Team

NETWORK = "Network"
HIDDEN = "suppressed"


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[str, ...]  # one per cohort, then the network


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]
    note: str = ""


@dataclass(frozen=True)
class ProgramReport:
    cycle_name: str
    made_on: datetime.date
    columns: tuple[str, ...]  # the cohorts' names, then "Network"
    sections: tuple[Section, ...]
    threshold: int

    def cells(self) -> list[str]:
        """Every published cell (tests check that none is a small count)."""
        return [c for s in self.sections for r in s.rows for c in r.cells]


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def partition(
    parts: list[tuple[str, list[int]]], total_label: str | None, threshold: int
) -> tuple[list[Row], list[bool]]:
    """Rows of counts by cohort that add up (parts of one total), suppressed together: each
    part's row with its network total and, with ``total_label``, the cohorts' totals. Returns
    the rows and, per cohort + network, whether the total is hidden.

    Suppression (an LP audit per table) is a pure function of the counts, so the same counts
    are suppressed once per process: the report is read far more often than its data changes.
    """
    key = tuple((name, tuple(values)) for name, values in parts)
    rows, hidden = _partition(key, total_label, threshold)
    return list(rows), list(hidden)


@lru_cache(maxsize=256)
def _partition(
    parts: tuple[tuple[str, tuple[int, ...]], ...], total_label: str | None, threshold: int
) -> tuple[tuple[Row, ...], tuple[bool, ...]]:
    """:func:`partition` of counts given as tuples (so they can be the cache's key)."""
    values = np.array([v for _, v in parts], dtype=float)
    table = suppress.suppress_table(values, threshold=threshold, margins=True)
    labels = table.labels("{:,.0f}")
    rows = []
    for i, (name, _) in enumerate(parts):
        network = (
            suppress.label(threshold, total=True)
            if table.row_totals_mask[i]
            else _fmt(table.row_totals[i])
        )
        rows.append(Row(name, (*labels[i], network)))
    hidden = [bool(m) for m in table.column_totals_mask] + [bool(table.grand_total_mask)]
    if total_label is not None:
        totals = [
            suppress.label(threshold, total=True) if m else _fmt(v)
            for v, m in zip(table.column_totals, table.column_totals_mask, strict=True)
        ]
        grand = HIDDEN if table.grand_total_mask else _fmt(table.grand_total)
        rows.append(Row(total_label, (*totals, grand)))
    return tuple(rows), tuple(hidden)


def _share(part: Row, total: Row) -> Row:
    """``part`` as a percentage of ``total``, hidden where either is."""
    cells = []
    for p, t in zip(part.cells, total.cells, strict=True):
        if p.startswith(HIDDEN) or t.startswith(HIDDEN) or t == "0":
            cells.append("—" if t == "0" else HIDDEN)
        else:
            cells.append(f"{100 * float(p.replace(',', '')) / float(t.replace(',', '')):.0f}%")
    return Row(f"{part.label} (%)", tuple(cells))


def program_report(cycle, day: datetime.date) -> ProgramReport:
    """The report of ``cycle`` as of ``day``, suppressed (a fixed number of queries)."""
    from pursuing_equity.measures.choices import chart_settings

    threshold = chart_settings(cycle).threshold
    cohorts = list(cycle.cohorts.order_by("position"))
    teams = list(Team.objects.filter(cycle=cycle).select_related("cycle", "cohort", "small_cohort"))
    by_cohort = _ByCohort(cohorts, {t.pk: t.cohort_id for t in teams})
    sections = (
        _participation(cycle, teams, by_cohort, threshold),
        _submissions(cycle, by_cohort, threshold),
        _milestones(cycle, teams, by_cohort, threshold),
        _gaps(teams, by_cohort, threshold),
        _self_assessment(cycle, cohorts, by_cohort.cohort_of, threshold),
        _lived_experience(cycle, cohorts, threshold),
    )
    return ProgramReport(
        cycle_name=str(cycle),
        made_on=day,
        columns=(*(c.name for c in cohorts), NETWORK),
        sections=sections,
        threshold=threshold,
    )


class _ByCohort:
    """Counts per cohort, in the report's column order, from (cohort id, n) pairs; and each
    team's cohort id."""

    def __init__(self, cohorts, cohort_of: dict[int, int]):
        self.index = {c.pk: i for i, c in enumerate(cohorts)}
        self.cohort_of = cohort_of

    def __call__(self, pairs) -> list[int]:
        out = [0] * len(self.index)
        for cohort_id, n in pairs:
            if cohort_id in self.index:
                out[self.index[cohort_id]] += n
        return out


def _participation(cycle, teams, by_cohort: _ByCohort, threshold: int) -> Section:
    """Teams per cohort; each person's attendance at each event (1 query)."""
    from pursuing_equity.events.models import Attendance

    attendance = (
        Attendance.objects.filter(team__cycle=cycle)
        .order_by()
        .values_list("team__cohort_id")
        .annotate(
            n_present=Count("pk", filter=Q(present=True)),
            n_absent=Count("pk", filter=Q(present=False)),
        )
    )
    present = by_cohort((c, p) for c, p, _ in attendance)
    absent = by_cohort((c, a) for c, _, a in attendance)
    teams_rows, _ = partition(
        [("Teams", by_cohort((t.cohort_id, 1) for t in teams))], None, threshold
    )
    att_rows, _ = partition(
        [("Attended", present), ("Missed", absent)], "Attendance records", threshold
    )
    return Section(
        "Participation and attendance",
        (*teams_rows, *att_rows, _share(att_rows[0], att_rows[2])),
        "Each person's attendance at each event, as recorded by program staff.",
    )


def _submissions(cycle, by_cohort: _ByCohort, threshold: int) -> Section:
    """Monthly updates submitted on time and late (1 query)."""
    from pursuing_equity.reporting.models import Update

    updates = (
        Update.objects.filter(team__cycle=cycle, status=Update.Status.SUBMITTED)
        .order_by()
        .values_list("team__cohort_id")
        .annotate(
            n_on_time=Count("pk", filter=Q(late=False)), n_late=Count("pk", filter=Q(late=True))
        )
    )
    up_rows, _ = partition(
        [
            ("On time", by_cohort((c, n) for c, n, _ in updates)),
            ("Late", by_cohort((c, n) for c, _, n in updates)),
        ],
        "Updates submitted",
        threshold,
    )
    return Section("Monthly updates submitted", (*up_rows, _share(up_rows[0], up_rows[2])))


def _milestones(cycle, teams, by_cohort: _ByCohort, threshold: int) -> Section:
    """Milestones achieved, in progress and not started of those the program expects (1 query;
    a milestone without a row is not started)."""
    index, cohort_of = by_cohort.index, by_cohort.cohort_of
    statuses = defaultdict(lambda: [0] * len(index))
    for team_id, status in Milestone.objects.filter(team__cycle=cycle).values_list(
        "team_id", "status"
    ):
        statuses[status][index[cohort_of[team_id]]] += 1
    expected = by_cohort(
        (t.cohort_id, len(program.milestones_for(cycle.document, t.cohort.key))) for t in teams
    )
    achieved, in_progress = statuses[Status.ACHIEVED], statuses[Status.IN_PROGRESS]
    not_started = [e - a - p for e, a, p in zip(expected, achieved, in_progress, strict=True)]
    ms_rows, _ = partition(
        [("Achieved", achieved), ("In progress", in_progress), ("Not started", not_started)],
        "Milestones expected",
        threshold,
    )
    return Section("Milestones (expected outcomes)", tuple(ms_rows))


def _gaps(teams, by_cohort: _ByCohort, threshold: int) -> Section:
    """Focal equity gaps closing, from the stored dashboard panels only."""
    from pursuing_equity.outcomes.selectors_milestones import team_facts

    facts = team_facts(teams)
    cohort_of = by_cohort.cohort_of
    closing = by_cohort((cohort_of[t], sum(g.closing for g in f.gaps)) for t, f in facts.items())
    other = by_cohort((cohort_of[t], sum(not g.closing for g in f.gaps)) for t, f in facts.items())
    gap_rows, _ = partition(
        [("Closing (narrowed with a signal)", closing), ("Not yet closing", other)],
        "Focal equity gaps measured",
        threshold,
    )
    return Section(
        "Equity gaps closing",
        tuple(gap_rows),
        "From each measure's stored dashboard: the focal gap narrowed, with a signal.",
    )


def _lived_experience(cycle, cohorts, threshold: int) -> Section:
    """People with lived experience per cohort; their hours and pay hidden wherever the number
    of people is."""
    from pursuing_equity.outcomes.selectors_partners import PartnerTotals, cohort_compensation

    totals = cohort_compensation(cycle)
    of = [totals.get(c.pk, PartnerTotals()) for c in cohorts]
    le_rows, _ = partition(
        [("People with lived experience", [t.people for t in of])], None, threshold
    )
    hidden_people = [c.startswith(HIDDEN) for c in le_rows[0].cells]

    def money(values: list[Decimal], unit: str) -> Row:
        cells = [
            HIDDEN if h else (f"${v:,.2f}" if unit == "$" else f"{v:,.1f}")
            for v, h in zip([*values, sum(values, Decimal(0))], hidden_people, strict=True)
        ]
        return Row(
            "Compensation paid (USD)" if unit == "$" else "Hours of engagement", tuple(cells)
        )

    return Section(
        "Lived-experience partnership",
        (*le_rows, money([t.hours for t in of], "h"), money([t.paid for t in of], "$")),
        "Hours and amounts are hidden wherever the number of people is.",
    )


def _self_assessment(cycle, cohorts, cohort_of, threshold: int) -> Section:
    """Change of the mean score (all components) from the first round to the latest with
    answers, per cohort; a mean only from more than ``threshold`` respondents."""
    from pursuing_equity.outcomes import selectors_self_assessment as selectors

    assessment = selectors.assessment_of(cycle)
    if assessment is None:
        return Section("Equity self-assessment", (), "The program has no self-assessment.")
    people = selectors.person_component_scores(
        selectors.answers(response__team__cycle=cycle), assessment
    )
    scores: dict[tuple[int | None, str], list[float]] = defaultdict(list)
    for (round_key, team_id, _), by_component in people.items():
        score = statistics.fmean(by_component.values())
        scores[(cohort_of.get(team_id), round_key)].append(score)
        scores[(None, round_key)].append(score)
    cells = []
    for cohort_id in [c.pk for c in cohorts] + [None]:
        rounds = [r.key for r in assessment.rounds if scores.get((cohort_id, r.key))]
        if len(rounds) < 2:
            cells.append("—")
            continue
        first, last = scores[(cohort_id, rounds[0])], scores[(cohort_id, rounds[-1])]
        if min(len(first), len(last)) <= threshold:
            cells.append(suppress.label(threshold))
            continue
        change = statistics.fmean(last) - statistics.fmean(first)
        cells.append(f"{change:+.2f}")
    return Section(
        "Equity self-assessment",
        (Row("Change of the mean score, first to latest round", tuple(cells)),),
        f"Scale {min(assessment.values)}–{max(assessment.values)}; “—” until two rounds have answers.",
    )


def suppression_note(report: ProgramReport) -> str:
    return (
        f"Counts from 1 to {report.threshold} are suppressed, with whatever would let them be "
        "recovered; amounts and percentages computed from a hidden count are hidden too."
    )


def report_pdf(report: ProgramReport) -> bytes:
    """The report as a PDF (WeasyPrint; one page of tables, well under a second)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from pursuing_equity.core.urls import absolute_url

    html = render_to_string(
        "outcomes/program_report_pdf.html",
        {"report": report, "suppression_note": suppression_note(report)},
    )
    return HTML(string=html, base_url=absolute_url("/")).write_pdf()


def report_tables(report: ProgramReport) -> dict[str, tuple[list[str], list[list[str]]]]:
    """One sheet per section, the published (suppressed) cells as text."""
    return {
        s.title: (["", *report.columns], [[r.label, *r.cells] for r in s.rows])
        for s in report.sections
    }


def published_case_studies():
    """The network's published case studies, newest first (1 query)."""
    from pursuing_equity.outcomes.models import CaseStudy

    return list(
        CaseStudy.objects.filter(state=CaseStudy.State.PUBLISHED)
        .select_related("team")
        .order_by("-published_at")[:20]
    )

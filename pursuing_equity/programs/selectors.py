"""Reads of program cycles, shaped for the pages that show them (a fixed, small number of queries)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from pursuing_equity.core.request_cache import once
from pursuing_equity.programs import text as program_text
from pursuing_equity.programs.dates import add_months, local_to_utc, months_of
from pursuing_equity.programs.models import Activity, ActivityMonth, Cohort, Cycle
from pursuing_equity.programs.schema import CHART_RULE_NAMES


def current_cycle(today: datetime.date | None = None) -> Cycle | None:
    """The cycle running today (the latest to start); else the next one to start; else the latest
    that ended (1 query).

    Chosen by the database, and read once per request and day (:func:`core.request_cache.once`):
    pages ask this several times (the home and its panels), and reading every cycle would decode
    each one's program document (a large JSON) each time."""
    today = today or timezone.localdate()
    return once(("current_cycle", today), lambda: _current_cycle(today))


def _current_cycle(today: datetime.date) -> Cycle | None:
    upcoming = Q(starts_on__gt=today)
    return (
        Cycle.objects.annotate(
            standing=Case(
                When(starts_on__lte=today, ends_on__gte=today, then=Value(0)),
                When(upcoming, then=Value(1)),
                default=Value(2),
            ),
            upcoming_start=Case(When(upcoming, then=F("starts_on"))),
        )
        .order_by("standing", "upcoming_start", "-starts_on", "-pk")
        .first()
    )


#: The query-string parameter that names the cycle a staff page shows (its slug).
CYCLE_PARAM = "cycle"


@dataclass(frozen=True)
class CycleInView:
    """The cycle a cycle-dependent staff page shows, every cycle to choose from, and the message
    for a query string that named no cycle (the page then shows the default)."""

    cycle: Cycle | None
    choices: tuple[Cycle, ...]
    error: str = ""

    @property
    def query(self) -> str:
        """``cycle=<slug>``, for links and forms that keep the cycle ("" without a cycle)."""
        return urlencode({CYCLE_PARAM: self.cycle.slug}) if self.cycle else ""

    @property
    def suffix(self) -> str:
        """``?cycle=<slug>`` to put after a URL so the next page shows the same cycle."""
        return f"?{self.query}" if self.cycle else ""


def cycle_in_view(
    query: Mapping[str, str], *, default: Cycle | None | Callable[[], Cycle | None]
) -> CycleInView:
    """The cycle a staff page shows: the one the query string names by slug (``?cycle=``), else
    ``default`` (a cycle, or a function computed only when needed: each page passes the cycle
    being worked on). An unknown or malformed slug shows the default with a message, never an
    error page (1 query, plus the default's)."""
    choices = tuple(Cycle.objects.order_by("-starts_on"))
    asked = str(query.get(CYCLE_PARAM) or "").strip()
    if asked:
        found = next((c for c in choices if c.slug == asked), None)
        if found is not None:
            return CycleInView(found, choices)
    cycle = default() if callable(default) else default
    error = ""
    if asked:
        shown = asked if len(asked) <= 40 else asked[:40] + "…"
        error = f"There is no cycle “{shown}”." + (
            f" Showing {cycle}; choose another cycle below." if cycle else ""
        )
    return CycleInView(cycle, choices, error)


@dataclass(frozen=True)
class CalendarCell:
    month: datetime.date
    on: bool
    in_person: bool
    current: bool


@dataclass(frozen=True)
class CalendarRow:
    activity: Activity
    cells: list[CalendarCell]


@dataclass(frozen=True)
class CalendarYear:
    year: int
    months: list[datetime.date]


@dataclass(frozen=True)
class CohortCalendar:
    """One cohort's grid: activities × months of the cycle, with in-person months marked."""

    cohort: Cohort
    months: list[datetime.date]
    years: list[CalendarYear]
    rows: list[CalendarRow]
    current_month: datetime.date | None

    @property
    def has_in_person(self) -> bool:
        return any(cell.in_person for row in self.rows for cell in row.cells)


def cycle_calendar(cycle: Cycle, today: datetime.date | None = None) -> list[CohortCalendar]:
    """Per cohort (in file order) its activity calendar (3 queries)."""
    today = today or timezone.localdate()
    months = months_of(cycle.starts_on, cycle.ends_on)
    current = today.replace(day=1) if cycle.starts_on <= today <= cycle.ends_on else None
    years: list[CalendarYear] = []
    for month in months:
        if not years or years[-1].year != month.year:
            years.append(CalendarYear(month.year, []))
        years[-1].months.append(month)

    cohorts = list(cycle.cohorts.order_by("position"))
    activities = list(cycle.activities.order_by("position"))
    marks: dict[tuple[int, int], dict[datetime.date, bool]] = {}
    for activity_id, cohort_id, month, in_person in ActivityMonth.objects.filter(
        activity__cycle=cycle
    ).values_list("activity_id", "cohort_id", "month", "in_person"):
        marks.setdefault((cohort_id, activity_id), {})[month] = in_person

    calendars = []
    for cohort in cohorts:
        rows = []
        for activity in activities:
            on = marks.get((cohort.pk, activity.pk))
            if not on:
                continue
            cells = [
                CalendarCell(month, month in on, on.get(month, False), month == current)
                for month in months
            ]
            rows.append(CalendarRow(activity, cells))
        calendars.append(CohortCalendar(cohort, months, years, rows, current))
    return calendars


@dataclass(frozen=True)
class OverviewRow:
    label: str
    both: str | None
    cells: list[str]


@dataclass(frozen=True)
class CohortSection:
    cohort: Cohort
    facts: dict
    calendar: CohortCalendar
    described: list[dict]


@dataclass(frozen=True)
class InformationalCall:
    name: str
    text: str
    starts_utc: datetime.datetime
    ends_utc: datetime.datetime


@dataclass(frozen=True)
class ProgramPage:
    cycle: Cycle
    document: dict
    cohorts: list[CohortSection]
    overview: list[OverviewRow]
    call: InformationalCall
    real_starts_on: datetime.date
    real_ends_on: datetime.date
    data_sharing: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> tuple:
        """Everything the page's body is drawn from, as plain values: the document by its cycle
        row's version (a reload or an edit saves the row), the cohorts' and activities' rows,
        each calendar's marks and current month. Equal fingerprints draw the same body."""
        cycle = self.cycle
        return (
            _row_values(cycle),
            tuple(
                (
                    _row_values(section.cohort),
                    section.calendar.current_month,
                    tuple(
                        (_row_values(row.activity), tuple((c.on, c.in_person) for c in row.cells))
                        for row in section.calendar.rows
                    ),
                )
                for section in self.cohorts
            ),
        )


def _row_values(obj) -> tuple:
    """A model instance's stored values (its concrete fields), in field order, without JSON
    columns (a cycle's document is versioned by the row's ``source_sha256`` and ``updated_at``)."""
    return tuple(
        getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not isinstance(f, models.JSONField)
    )


#: What each sharing scope of ``[measures.sharing]`` means for a cohort's teams, in plain words.
SHARING_SENTENCES = {
    "cohort": "{name} teams see each other’s measures.",
    "small_cohort": "{name} teams see the measures of the other teams in their small cohort.",
    "team": "{name} teams do not see other teams’ measures, and other teams do not see theirs.",
}


def data_sharing(document: dict, cohorts: list[Cohort]) -> tuple[str, ...]:
    """The ``[measures]`` table of a program file in plain sentences (none without the table)."""
    facts = document.get("measures")
    if not facts:
        return ()
    sentences = [
        SHARING_SENTENCES[facts["sharing"][c.key]].format(name=c.name)
        for c in cohorts
        if c.key in facts.get("sharing", {})
    ]
    if "sharing" in facts:
        sentences.append("Faculty see the teams they coach, and program staff see every team.")
    if "suppression_threshold" in facts:
        threshold = facts["suppression_threshold"]
        sentences.append(
            f"Outside your team, every count from 1 to {threshold} is hidden "
            f"(“suppressed (fewer than {threshold + 1})”), together with any count that would "
            "give a hidden one away; only your own team sees its exact numbers."
        )
    if facts.get("suppress_zero_beside_suppressed"):
        sentences.append(
            "A count of 0 beside a hidden count of people is hidden too: shown, it would say "
            "that everyone in a small group missed the measure."
        )
    if "chart_rules" in facts:
        sentences.append(f"Run charts are read with {CHART_RULE_NAMES[facts['chart_rules']]}.")
    if "control_limits_min_points" in facts:
        sentences.append(
            "Control limits are drawn once a measure has "
            f"{facts['control_limits_min_points']} data points."
        )
    if "min_group_denominator" in facts:
        sentences.append(
            "Summary disparity measures use only groups with at least "
            f"{facts['min_group_denominator']} patients in a period; smaller groups are named "
            "and still compared one by one with score intervals. On the charts, a point with "
            "fewer patients is drawn hollow and no signal is read from it."
        )
    return tuple(sentences)


def program_page(cycle: Cycle, today: datetime.date | None = None) -> ProgramPage:
    """Everything the program page shows, from the cycle and its document (3 queries)."""
    document = cycle.document
    calendars = cycle_calendar(cycle, today)
    activities = {a["key"]: a for a in document["activities"]}
    sections = []
    for calendar in calendars:
        facts = document["cohorts"][calendar.cohort.key]
        described = [activities[key] for key in facts.get("activity_descriptions", [])]
        sections.append(CohortSection(calendar.cohort, facts, calendar, described))

    overview = []
    for row in document["overview_rows"]:
        if "both" in row:
            overview.append(
                OverviewRow(row["label"], program_text.render(row["both"], document), [])
            )
            continue
        cells = [
            program_text.render(program_text.resolve(section.facts, row["cohort_field"]), document)
            for section in sections
        ]
        overview.append(OverviewRow(row["label"], None, cells))

    call = document["informational_call"]
    zone = call["time_zone"]
    informational_call = InformationalCall(
        name=call["name"],
        text=program_text.render("{call:informational_call}", document),
        starts_utc=local_to_utc(datetime.datetime.fromisoformat(call["starts_at"]), zone),
        ends_utc=local_to_utc(datetime.datetime.fromisoformat(call["ends_at"]), zone),
    )
    shift = cycle.date_shift_months
    return ProgramPage(
        cycle=cycle,
        document=document,
        cohorts=sections,
        overview=overview,
        call=informational_call,
        real_starts_on=add_months(cycle.starts_on, -shift),
        real_ends_on=add_months(cycle.ends_on.replace(day=1), -shift),
        data_sharing=data_sharing(document, [section.cohort for section in sections]),
    )


def cycles_taking_applications(day: datetime.date) -> list[Cycle]:
    """Cycles with a cohort whose application deadline is ``day`` or later (1 query)."""
    return list(
        Cycle.objects.filter(cohorts__application_deadline__gte=day)
        .distinct()
        .order_by("starts_on")
    )


def home_panels(user, day: datetime.date) -> list:
    """Before applying: while a call for applications is open, people see the informational
    call's page (registration, FAQ, "which cohort fits us?"); program staff see what the call
    still needs from them (the join link before it, the recording after it) and the registrations.
    """
    from django.urls import reverse

    from pursuing_equity.accounts.rules import can_manage_program
    from pursuing_equity.core.homes import Panel, Task
    from pursuing_equity.programs.call import call_times
    from pursuing_equity.programs.models import CallLinks

    if not getattr(user, "is_authenticated", False):
        return []
    cycles = cycles_taking_applications(day)
    if not cycles:
        return []
    staff = can_manage_program(user)
    links = (
        {links.cycle_id: links for links in CallLinks.objects.filter(cycle__in=cycles)}
        if staff
        else {}
    )
    tasks = []
    for cycle in cycles:
        try:
            times = call_times(cycle.document)
        except (KeyError, TypeError, ValueError):  # a document without a readable call
            continue
        call_on = times.starts_utc.date()
        if not staff:
            tasks.append(
                Task(
                    text=f"{times.name}, questions and which cohort fits: {cycle}",
                    url=reverse("call", args=[cycle.slug]),
                    due=call_on if call_on >= day else None,
                    detail=times.text if call_on >= day else "Watch the recording",
                )
            )
            continue
        mine = links.get(cycle.pk)
        if call_on >= day and not (mine and mine.join_url):
            text, detail = f"Add the link to join the {times.name.lower()}: {cycle}", times.text
        elif call_on < day and not (mine and mine.recording_url):
            text, detail = f"Add the recording of the {times.name.lower()}: {cycle}", times.text
        else:
            text, detail = f"{times.name} links and registrations: {cycle}", times.text
        tasks.append(
            Task(
                text=text,
                url=reverse("call_staff", args=[cycle.slug]),
                due=call_on if call_on >= day else None,
                detail=detail,
            )
        )
    if not tasks:
        return []
    return [
        Panel(
            key="before-applying",
            heading="Informational call" if staff else "Before you apply",
            tasks=tuple(tasks),
            order=19,
        )
    ]

"""Reads of the calendar and of attendance, shaped for the pages that show them.

For the team page (teams app):

* :func:`upcoming_for_team` ``(team, limit=5) -> list[EventSummary]``
* :func:`attendance_summary_for_team` ``(team) -> TeamAttendance``
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.events import affinity
from pursuing_equity.events.attendance import Trend, rate, trend
from pursuing_equity.events.audience import (
    events_for_person,
    facilitated_q,
)
from pursuing_equity.events.models import Attendance, CoachingBooking, CoachingSlot, Event
from pursuing_equity.programs.models import Cycle
from pursuing_equity.teams.models import Team, TeamMember
from pursuing_equity.teams.services import one_to_one_cohort_ids

LEADER_PARTS = (TeamMember.Part.SENIOR_LEADER, TeamMember.Part.ALTERNATE_LEADER)


@dataclass(frozen=True)
class Participant:
    user_id: int
    name: str
    email: str
    team_id: int | None
    team_name: str


def participants_of(event: Event) -> list[Participant]:
    """The people expected at ``event``, by team then name (1–2 queries)."""
    A = Event.Audience
    members = TeamMember.objects.filter(team__cycle_id=event.cycle_id)
    if event.audience == A.COHORT:
        members = members.filter(team__cohort_id=event.cohort_id)
    elif event.audience == A.SMALL_COHORT:
        members = members.filter(team__small_cohort_id=event.small_cohort_id)
    elif event.audience == A.TEAM:
        members = members.filter(team_id=event.team_id)
    elif event.audience == A.LEADERS:
        members = members.filter(team__cohort_id=event.cohort_id, part__in=LEADER_PARTS)
    elif event.audience == A.AFFINITY_GROUP:
        members = members.filter(user_id__in=affinity.member_ids(event.cycle, event.affinity_group))
    seen: set[int] = set()
    people = []
    for user_id, name, email, team_id, team_name in members.order_by(
        "team__name", "user__full_name", "user__email"
    ).values_list("user_id", "user__full_name", "user__email", "team_id", "team__name"):
        if user_id not in seen:
            seen.add(user_id)
            people.append(Participant(user_id, name or email, email, team_id, team_name))
    return people


# --- calendars ------------------------------------------------------------------------------


def _with_related(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("cohort", "small_cohort", "team", "activity")


def my_calendar(user, *, past: bool = False, now: datetime.datetime | None = None) -> list[Event]:
    """``user``'s events: upcoming (or, with ``past``, those that ended), soonest first (2–3 queries).

    Without their related rows: the calendar shows each event's own columns only."""
    now = now or timezone.now()
    events = events_for_person(user)
    if past:
        return list(events.filter(ends_at__lt=now).order_by("-starts_at")[:200])
    return list(events.filter(ends_at__gte=now).order_by("starts_at"))


def feed_events(user) -> list[Event]:
    """What a person's iCalendar feed holds: their events from 90 days ago on, cancelled included
    (so that subscribed calendars remove them)."""
    since = timezone.now() - datetime.timedelta(days=90)
    return list(_with_related(events_for_person(user)).filter(ends_at__gte=since))


def events_for_staff(
    cycle: Cycle, *, kind: str = "", month: datetime.date | None = None
) -> QuerySet[Event]:
    events = _with_related(cycle.events.all()).order_by("starts_at", "title")
    if kind:
        events = events.filter(kind=kind)
    if month:
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(month, datetime.time(), zone)
        following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        end = datetime.datetime.combine(following, datetime.time(), zone)
        events = events.filter(starts_at__gte=start, starts_at__lt=end)
    return events


def event_months(cycle: Cycle, *, kind: str = "") -> list[datetime.date]:
    """The months (first days, in the program's zone) that have events of the cycle (1 query)."""
    events = cycle.events.all()
    if kind:
        events = events.filter(kind=kind)
    zone = timezone.get_current_timezone()
    return [m.date() for m in events.datetimes("starts_at", "month", tzinfo=zone)]


def month_to_show(months: list[datetime.date], today: datetime.date) -> datetime.date | None:
    """The staff calendar's default month: this month, else the next with events, else the last."""
    this_month = today.replace(day=1)
    return next((m for m in months if m >= this_month), months[-1] if months else None)


@dataclass(frozen=True)
class ActivityAudience:
    """The events of one activity for one audience (a cohort, a small cohort, a team …)."""

    key: str
    label: str
    events: list[Event]


def audience_key(event: Event) -> str:
    """Which group of people an event is for, as a short text (used in the bulk dates URL)."""
    target = event.small_cohort_id or event.team_id or event.affinity_group or event.cohort_id
    return f"{event.audience}-{target or event.cycle_id}"


def activity_audiences(cycle: Cycle, activity) -> list[ActivityAudience]:
    """The events of ``activity`` grouped by audience, each group in date order (1 query)."""
    names = {
        g["key"]: g["name"] for g in cycle.document.get("affinity_groups", {}).get("groups", [])
    }
    groups: dict[str, ActivityAudience] = {}
    events = (
        Event.objects.filter(cycle=cycle, activity=activity)
        .select_related("cohort", "small_cohort", "team")
        .order_by("starts_at", "pk")
    )
    for event in events:
        key = audience_key(event)
        if key not in groups:
            if event.small_cohort_id:
                label = event.small_cohort.name
            elif event.team_id:
                label = event.team.name
            elif event.affinity_group:
                label = names.get(event.affinity_group, event.affinity_group)
            elif event.audience == Event.Audience.LEADERS:
                label = f"Leadership workgroup ({event.cohort.name})"
            else:
                label = event.cohort.name if event.cohort_id else "Everyone in the program"
            groups[key] = ActivityAudience(key, label, [])
        groups[key].events.append(event)
    return sorted(groups.values(), key=lambda g: g.label)


def events_to_take_attendance(user, cycle: Cycle, *, staff: bool, limit: int = 15) -> list[Event]:
    """The latest ``limit`` events that have started, for which ``user`` takes attendance (staff:
    all), latest first (1 query; only the columns the list shows)."""
    events = cycle.events.filter(starts_at__lte=timezone.now(), cancelled=False)
    if not staff:
        events = events.filter(facilitated_q(user))
    columns = ("pk", "title", "starts_at", "ends_at", "attendance_taken_at")
    return list(events.only(*columns).order_by("-starts_at")[:limit])


@dataclass(frozen=True)
class EventSummary:
    """An event as the team page shows it. Times are aware datetimes (UTC); templates show them
    in the program's time zone."""

    pk: int
    title: str
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    modality: str
    modality_label: str
    where: str
    video_url: str
    optional: bool
    url: str


def summarize(event: Event) -> EventSummary:
    return EventSummary(
        pk=event.pk,
        title=event.title,
        kind=event.kind,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        modality=event.modality,
        modality_label=event.get_modality_display(),
        where=event.where,
        video_url=event.video_url,
        optional=event.optional,
        url=reverse("event_detail", args=[event.pk]),
    )


def _team_events_q(team: Team) -> Q:
    """The events of the team as a whole (not those of its leaders or of affinity groups)."""
    A = Event.Audience
    q = (
        Q(audience=A.COHORT, cohort_id=team.cohort_id)
        | Q(audience=A.TEAM, team_id=team.pk)
        | Q(audience=A.CYCLE, cycle_id=team.cycle_id)
    )
    if team.small_cohort_id:
        q |= Q(audience=A.SMALL_COHORT, small_cohort_id=team.small_cohort_id)
    return q


def upcoming_for_team(team: Team, limit: int = 5) -> list[EventSummary]:
    """The team's next ``limit`` events (not cancelled), soonest first (1 query).

    The team's events are those of its cohort, its small cohort, its 1:1 coaching and the
    cycle-wide meet-up; affinity groups and the leadership workgroup belong to people, not teams,
    and are left out (affinity membership is private).
    """
    events = (
        Event.objects.filter(_team_events_q(team), cycle_id=team.cycle_id, cancelled=False)
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at")[:limit]
    )
    return [summarize(e) for e in events]


def coaching_cohort_ids(cycle: Cycle) -> set[int]:
    """The cohorts whose teams get 1:1 coaching (an activity for one team in the grid)."""
    return one_to_one_cohort_ids(cycle)


def open_slots(cycle: Cycle, teams: Iterable[Team] = ()) -> list[CoachingSlot]:
    """Coaching slots in the future that nobody has booked (1 query). For ``teams`` that all have
    a 1:1 coach, only their coaches' slots (a team books its own coach)."""
    coaches = {team.coach_id for team in teams}
    only = {"coach_id__in": coaches} if coaches and None not in coaches else {}
    return list(
        CoachingSlot.objects.filter(cycle=cycle, starts_at__gt=timezone.now(), **only)
        .exclude(pk__in=CoachingBooking.objects.filter(cancelled_at__isnull=True).values("slot_id"))
        .select_related("coach")
        .order_by("starts_at")
    )


def slots_of_coach(user, cycle: Cycle) -> list[CoachingSlot]:
    return list(
        CoachingSlot.objects.filter(cycle=cycle, coach=user)
        .prefetch_related("bookings__team")
        .order_by("starts_at")
    )


def bookings_of_teams(team_ids: Iterable[int]) -> list[CoachingBooking]:
    return list(
        CoachingBooking.objects.filter(team_id__in=list(team_ids), cancelled_at__isnull=True)
        .select_related("slot__coach", "team")
        .order_by("slot__starts_at")
    )


# --- attendance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonAttendance:
    user_id: int
    name: str
    attended: int
    expected: int

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.expected)


@dataclass(frozen=True)
class TeamAttendance:
    """A team's attendance over the events whose attendance was taken (optional and cancelled
    events are not counted). ``rate`` is 0–1 or None when no event counted."""

    team: Team
    events_counted: int
    attended: int
    expected: int
    event_rates: list[float]
    trend: Trend
    people: list[PersonAttendance]

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.expected)

    @property
    def falling(self) -> bool:
        return self.trend.falling


def _counted_events(cycle_id: int) -> QuerySet[Event]:
    return Event.objects.filter(
        cycle_id=cycle_id, attendance_taken_at__isnull=False, cancelled=False, optional=False
    )


def _team_attendance(teams: list[Team], *, people: bool = True) -> list[TeamAttendance]:
    """Attendance of ``teams`` (all of one cycle) in 3 queries. With ``people=False`` (the
    overview of every team) the database counts the members of each team and those present at
    each event, so no member or attendance row is read and ``people`` stays empty."""
    if not teams:
        return []
    cycle_id = teams[0].cycle_id
    A = Event.Audience
    events = list(
        _counted_events(cycle_id)
        .filter(audience__in=[A.COHORT, A.SMALL_COHORT, A.TEAM])
        .order_by("starts_at")
        .values("pk", "audience", "cohort_id", "small_cohort_id", "team_id")
    )
    team_ids = [team.pk for team in teams]
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    sizes: dict[int, int] = defaultdict(int)
    present_at: dict[tuple[int, int], int] = defaultdict(int)
    if people:
        for team_id, user_id, name, email in (
            TeamMember.objects.filter(team_id__in=team_ids)
            .order_by("user__full_name", "user__email")
            .values_list("team_id", "user_id", "user__full_name", "user__email")
        ):
            members[team_id].append((user_id, name or email))
            sizes[team_id] += 1
        present = set(
            Attendance.objects.filter(
                event_id__in=[e["pk"] for e in events], present=True
            ).values_list("event_id", "user_id")
        )
    else:
        sizes.update(
            TeamMember.objects.filter(team_id__in=team_ids)
            .values_list("team_id")
            .annotate(n=Count("pk"))
            .values_list("team_id", "n")
        )
        present_at.update(
            (((team_id, event_id), n))
            for team_id, event_id, n in TeamMember.objects.filter(
                team_id__in=team_ids,
                user__attendance__event_id__in=[e["pk"] for e in events],
                user__attendance__present=True,
            )
            .values_list("team_id", "user__attendance__event_id")
            .annotate(n=Count("pk"))
            .values_list("team_id", "user__attendance__event_id", "n")
        )
    result = []
    for team in teams:
        mine = [
            e
            for e in events
            if (e["audience"] == A.COHORT and e["cohort_id"] == team.cohort_id)
            or (e["audience"] == A.TEAM and e["team_id"] == team.pk)
            or (
                e["audience"] == A.SMALL_COHORT
                and team.small_cohort_id
                and e["small_cohort_id"] == team.small_cohort_id
            )
        ]
        size = sizes[team.pk]
        rates, attended_total = [], 0
        per_person = defaultdict(int)
        for event in mine:
            if people:
                here = [uid for uid, _ in members[team.pk] if (event["pk"], uid) in present]
                for uid in here:
                    per_person[uid] += 1
                count = len(here)
            else:
                count = present_at[(team.pk, event["pk"])]
            attended_total += count
            if size:
                rates.append(count / size)
        result.append(
            TeamAttendance(
                team=team,
                events_counted=len(mine),
                attended=attended_total,
                expected=len(mine) * size,
                event_rates=rates,
                trend=trend(rates),
                people=[
                    PersonAttendance(uid, name, per_person[uid], len(mine))
                    for uid, name in members[team.pk]
                ],
            )
        )
    return result


def attendance_summary_for_team(team: Team) -> TeamAttendance:
    """The team's attendance: overall rate, per event, per person, and whether it is falling
    (3 queries)."""
    return _team_attendance([team])[0]


def attendance_overview(cycle: Cycle) -> list[TeamAttendance]:
    """Every team of ``cycle``, falling attendance first, then by rate (4 queries; counts only:
    each row's ``people`` is empty)."""
    teams = list(Team.objects.filter(cycle=cycle).select_related("cohort").order_by("name"))
    rows = _team_attendance(teams, people=False)
    return sorted(rows, key=lambda r: (not r.falling, r.rate if r.rate is not None else 2))


def event_attendance(event: Event) -> dict[int, Attendance]:
    """Who was recorded present or absent at ``event``, by person (1 query, the columns shown)."""
    rows = Attendance.objects.filter(event=event).only("user_id", "present", "minutes")
    return {a.user_id: a for a in rows}


# --- what a person's home shows ----------------------------------------------------------------


def _when(at: datetime.datetime) -> str:
    local = timezone.localtime(at)
    return f"{local:%a, %b %-d}, {local:%I:%M %p}".replace(" 0", " ") + " ET"


def home_panels(user, day: datetime.date) -> list[Panel]:
    """My next events, coaching to book (teams with 1:1 coaching and no call booked), a coach's
    slots and falling attendance (staff). A fixed
    number of queries whatever the number of events (at most 5 per part the person plays)."""
    from pursuing_equity.accounts.rules import FACULTY, has_role, is_program_staff
    from pursuing_equity.events import rules
    from pursuing_equity.programs.selectors import current_cycle
    from pursuing_equity.teams.membership import own_teams

    panels: list[Panel] = []
    staff = is_program_staff(user)
    if rules.can_view_calendar(user) and not staff:
        panels.append(_next_events(user))
    teams = own_teams(user)
    if teams:
        panels += _coaching_to_book(teams)
    if has_role(user, FACULTY):
        panels.append(_my_slots(user))
    if staff:
        cycle = current_cycle(day)
        rows = attendance_overview(cycle) if cycle else []
        panels.append(_falling_attendance(rows))
    return panels


def _next_events(user) -> Panel:
    events = list(
        _with_related(events_for_person(user))
        .filter(ends_at__gte=timezone.now(), cancelled=False)
        .order_by("starts_at")[:5]
    )
    return Panel(
        key="next-events",
        heading="Next events",
        tasks=tuple(
            Task(
                text=e.title,
                url=reverse("event_detail", args=[e.pk]),
                due=timezone.localtime(e.starts_at).date(),
                detail=f"{_when(e.starts_at)} · {e.get_modality_display()}",
            )
            for e in events
        ),
        links=(("My calendar", reverse("calendar_mine")),),
        empty="No event is on your calendar: program staff publish the calendar of the cohort.",
        order=40,
    )


def _coaching_to_book(teams: list[Team]) -> list[Panel]:
    cycles = {team.cycle_id: team.cycle for team in teams}
    coached = set().union(*(coaching_cohort_ids(c) for c in cycles.values()))
    teams = [t for t in teams if t.cohort_id in coached]
    if not teams:
        return []
    booked = {
        b.team_id
        for b in bookings_of_teams(t.pk for t in teams)
        if b.slot.ends_at >= timezone.now()
    }
    return [
        Panel(
            key="coaching",
            heading="Coaching",
            tasks=tuple(
                Task(
                    text=f"Book {team.name}’s next coaching call",
                    url=reverse("coaching"),
                    detail="Pick one of your coach's open times.",
                )
                for team in teams
                if team.pk not in booked
            ),
            links=(("Coaching calls", reverse("coaching")),),
            empty="Your next coaching call is booked: it is on your calendar.",
            order=45,
        )
    ]


def _my_slots(user) -> Panel:
    slots = list(
        CoachingSlot.objects.filter(coach=user, starts_at__gte=timezone.now())
        .prefetch_related("bookings__team")
        .order_by("starts_at")[:8]
    )

    def booked_by(slot: CoachingSlot) -> str:
        teams = [b.team.name for b in slot.bookings.all() if b.cancelled_at is None]
        return f"Booked by {', '.join(teams)}" if teams else "Open: no team has booked it yet"

    return Panel(
        key="coaching-slots",
        heading="My coaching slots",
        tasks=tuple(
            Task(text=_when(s.starts_at), url=reverse("coaching"), detail=booked_by(s))
            for s in slots
        ),
        links=(("Publish coaching times", reverse("coaching")),),
        empty="You have no coaching time ahead: publish times on the coaching page for teams to book.",
        order=45,
    )


def _falling_attendance(rows: list[TeamAttendance]) -> Panel:
    return Panel(
        key="falling-attendance",
        heading="Falling attendance",
        tasks=tuple(
            Task(
                text=f"{r.team.name}: attendance falling",
                url=reverse("attendance_team", args=[r.team.slug]),
                detail=f"{round(100 * r.rate)}% of expected attendance over {r.events_counted} events"
                if r.rate is not None
                else "",
                urgent=True,
            )
            for r in rows
            if r.falling
        ),
        links=(("Attendance of every team", reverse("attendance_overview")),),
        empty="No team's attendance is falling.",
        order=30,
    )

"""Pre-work and trainings as checklists per person, and registration for in-person sessions.

Checklists come from the program file's ``[[checklists]]`` (validated in ``programs/schema.py``):
each person on a team of one of a checklist's cohorts ticks its items; staff follow completion per
cohort and team. In-person sessions (the Boston Learning Sessions) take registrations and the
optional IHI Forum meet-up takes RSVPs (``Event.takes_registration``); dietary and access needs
are read by program staff only (the roster). Registrants are emailed once, ``[logistics]
reminder_days_before`` days before the event (``manage.py send_event_reminders``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.email import send_templated
from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.core.services import audit_record
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.events.audience import events_for_person
from pursuing_equity.events.models import ChecklistTick, Event, Registration
from pursuing_equity.programs.models import Cycle
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.models import TeamMember

DEFAULT_REMINDER_DAYS = 7


# --- checklists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checklist:
    key: str
    name: str
    cohorts: tuple[str, ...]
    items: tuple[tuple[str, str], ...]  # (key, text)


def checklists_of(cycle: Cycle) -> list[Checklist]:
    rows = cycle.document.get("checklists") or []
    return [
        Checklist(
            key=row["key"],
            name=row["name"],
            cohorts=tuple(row["cohorts"]),
            items=tuple((item["key"], item["text"]) for item in row["items"]),
        )
        for row in rows
    ]


def my_checklists(user) -> list[tuple[Cycle, Checklist, set[str]]]:
    """Each checklist of the person's teams' cohorts, with the item keys they ticked."""
    ties = membership_of(user).ties
    if not ties:
        return []
    cohort_keys: dict[int, set[str]] = {}
    for tie in ties:
        cohort_keys.setdefault(tie.cycle_id, set()).add(tie.cohort_key)
    ticks: dict[tuple[int, str], set[str]] = {}
    for cycle_id, checklist, item in ChecklistTick.objects.filter(user=user).values_list(
        "cycle_id", "checklist", "item"
    ):
        ticks.setdefault((cycle_id, checklist), set()).add(item)
    rows = []
    for cycle in Cycle.objects.filter(pk__in=cohort_keys).order_by("-pk"):
        for checklist in checklists_of(cycle):
            if set(checklist.cohorts) & cohort_keys[cycle.pk]:
                rows.append((cycle, checklist, ticks.get((cycle.pk, checklist.key), set())))
    return rows


@transaction.atomic
def checklist_tick(*, actor, cycle: Cycle, checklist: str, item: str, done: bool) -> None:
    """Tick (or untick) one item of a checklist that is the actor's."""
    mine = {(c.pk, cl.key): cl for c, cl, _ in my_checklists(actor)}
    found = mine.get((cycle.pk, checklist))
    if found is None:
        raise ValidationError("This checklist is not one of yours.")
    if item not in dict(found.items):
        raise ValidationError(f"The checklist “{found.name}” has no item “{item}”.")
    if done:
        ChecklistTick.objects.get_or_create(cycle=cycle, user=actor, checklist=checklist, item=item)
    else:
        ChecklistTick.objects.filter(
            cycle=cycle, user=actor, checklist=checklist, item=item
        ).delete()
    audit_record(
        actor=actor,
        action="checklist.tick" if done else "checklist.untick",
        obj=cycle,
        after={"checklist": checklist, "item": item},
    )


@dataclass(frozen=True)
class ProgressRow:
    cohort: str
    team: str
    person: str
    email: str
    done: dict[str, int]  # checklist key -> items done
    cells: tuple[int | None, ...]  # items done per checklist, in order; None: not required


def checklist_progress(cycle: Cycle) -> tuple[list[Checklist], list[ProgressRow]]:
    """Every person on a team of ``cycle`` and how many items of each checklist they did (2
    queries)."""
    checklists = checklists_of(cycle)
    counts: dict[tuple[int, str], int] = {
        (row["user_id"], row["checklist"]): row["n"]
        for row in ChecklistTick.objects.filter(cycle=cycle)
        .values("user_id", "checklist")
        .annotate(n=Count("pk"))
    }
    rows = []
    # Plain values, not models: a cycle has hundreds of members, and building a person, a team
    # and a cohort object per row cost most of the page's time.
    members = (
        TeamMember.objects.filter(team__cycle=cycle)
        .order_by("team__cohort__position", "team__name", "user__full_name", "user__email")
        .values_list(
            "user_id",
            "user__preferred_name",
            "user__full_name",
            "user__email",
            "team__name",
            "team__cohort__key",
            "team__cohort__name",
        )
    )
    for user_id, preferred, full, email, team, cohort_key, cohort in members:
        done = {
            c.key: counts.get((user_id, c.key), 0) for c in checklists if cohort_key in c.cohorts
        }
        rows.append(
            ProgressRow(
                cohort=cohort,
                team=team,
                person=preferred or full or email,  # as User.display_name
                email=email,
                done=done,
                cells=tuple(done.get(c.key) for c in checklists),
            )
        )
    return checklists, rows


def progress_table(checklists: list[Checklist], rows: list[ProgressRow]):
    header = ["cohort", "team", "person", "email"] + [
        f"{c.name} (of {len(c.items)})" for c in checklists
    ]
    body = [
        [r.cohort, r.team, r.person, r.email]
        + [r.done.get(c.key, "not required") for c in checklists]
        for r in rows
    ]
    return header, body


# --- registration ------------------------------------------------------------------------------


@transaction.atomic
def registration_save(
    *,
    actor,
    event: Event,
    attending: str,
    dietary_needs: str = "",
    access_needs: str = "",
    arrives_on: datetime.date | None = None,
    departs_on: datetime.date | None = None,
) -> Registration:
    """Register ``actor`` for an in-person session (or RSVP for the Forum meet-up), or change
    their registration. Needs are stored as given and read by staff only."""
    if not event.takes_registration:
        raise ValidationError("This event takes no registration.")
    if event.ends_at < timezone.now():
        raise ValidationError("This event is over; registration is closed.")
    registration = Registration.objects.filter(event=event, user=actor).first() or Registration(
        event=event, user=actor
    )
    registration.attending = attending
    registration.dietary_needs = dietary_needs.strip()
    registration.access_needs = access_needs.strip()
    registration.arrives_on = arrives_on
    registration.departs_on = departs_on
    if attending == Registration.Attending.VIRTUALLY:
        registration.arrives_on = registration.departs_on = None
    registration.full_clean()
    registration.save()
    # The needs are sensitive: the audit log records that they changed, never what they are.
    audit_record(
        actor=actor,
        action="event.registration.save",
        obj=registration,
        after={"event": event.pk, "attending": attending},
    )
    return registration


@dataclass(frozen=True)
class Roster:
    registrations: list[Registration]
    in_person: int
    virtually: int
    with_dietary: int
    with_access: int


def roster_of(event: Event) -> Roster:
    registrations = list(
        event.registrations.select_related("user").order_by("user__full_name", "user__email")
    )
    return Roster(
        registrations=registrations,
        in_person=sum(r.attending == Registration.Attending.IN_PERSON for r in registrations),
        virtually=sum(r.attending == Registration.Attending.VIRTUALLY for r in registrations),
        with_dietary=sum(bool(r.dietary_needs) for r in registrations),
        with_access=sum(bool(r.access_needs) for r in registrations),
    )


def roster_table(roster: Roster):
    header = [
        "person",
        "email",
        "attending",
        "dietary needs",
        "access needs",
        "arriving",
        "leaving",
    ]
    body = [
        [
            r.user.display_name,
            r.user.email,
            r.get_attending_display(),
            r.dietary_needs,
            r.access_needs,
            r.arrives_on.isoformat() if r.arrives_on else "",
            r.departs_on.isoformat() if r.departs_on else "",
        ]
        for r in roster.registrations
    ]
    return header, body


def reminder_days(document: Mapping) -> int:
    logistics = document.get("logistics") if isinstance(document, Mapping) else None
    days = logistics.get("reminder_days_before") if isinstance(logistics, Mapping) else None
    return days if isinstance(days, int) and days > 0 else DEFAULT_REMINDER_DAYS


def registration_reminders_send(now: datetime.datetime | None = None) -> int:
    """Email each registrant once, ``reminder_days_before`` days (or fewer) before their event.
    Idempotent: a registration reminded is never reminded again. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    upcoming = Registration.objects.filter(
        reminded_at__isnull=True, event__starts_at__gt=now, event__cancelled=False
    ).select_related("event", "event__cycle", "user")
    for registration in upcoming:
        event = registration.event
        if event.starts_at - now > datetime.timedelta(days=reminder_days(event.cycle.document)):
            continue
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            send_templated(
                template_prefix="events/email/registration_reminder",
                context={
                    "registration": registration,
                    "event": event,
                    "name": registration.user.addressed_as,
                    "url": absolute_url(reverse("registration", args=[event.pk])),
                },
                to=[registration.user.email],
            )
            audit_record(
                actor=None,
                actor_label="send_event_reminders",
                action="event.registration.remind",
                obj=registration,
            )
        sent += 1
    return sent


# --- what people find on their home ------------------------------------------------------------


def registrations_due(user, now: datetime.datetime | None = None) -> list[Event]:
    """Upcoming in-person sessions and meet-ups of the person's groups they have not answered."""
    now = now or timezone.now()
    return list(
        events_for_person(user)
        .filter(starts_at__gt=now, cancelled=False)
        .filter(Q(modality=Event.Modality.IN_PERSON) | Q(kind="forum_meetup"))
        .exclude(registrations__user=user)
        .order_by("starts_at")[:5]
    )


def home_panels(user, day: datetime.date) -> list[Panel]:
    """Participants: activities to try, pre-work to do, registrations due and the next event's
    materials. Staff and faculty: recent calls to add materials to, rosters of coming sessions."""
    from pursuing_equity.accounts.rules import FACULTY, has_role, is_program_staff

    panels: list[Panel] = []
    if membership_of(user).team_ids:
        panels.append(_participant_panel(user))
    staff = is_program_staff(user)
    if staff or has_role(user, FACULTY):
        panels.append(_equip_panel(user, staff=staff))
    return panels


def _participant_panel(user) -> Panel:
    tasks = [
        *_activities_to_try(user),
        *_prework_left(user),
        *_next_materials(user),
        *(
            Task(
                text=f"Register for {event.title}",
                url=reverse("registration", args=[event.pk]),
                due=timezone.localtime(event.starts_at).date(),
                detail="RSVP (optional)" if event.kind == "forum_meetup" else "",
            )
            for event in registrations_due(user)
        ),
    ]
    return Panel(
        key="learning",
        heading="Learning and logistics",
        tasks=tuple(tasks),
        links=(("Learning library", reverse("library")), ("Pre-work", reverse("checklists"))),
        empty="Nothing to do here now: the library has every call's materials.",
        order=45,
    )


def _activities_to_try(user) -> list[Task]:
    from pursuing_equity.events import library
    from pursuing_equity.teams.membership import own_teams

    return [
        Task(
            text=f"Try “{activity.title}”",
            url=reverse("event_detail", args=[activity.event_id]) + "#activities",
            detail=f"Suggested after {activity.event.title} · {team.name}",
        )
        for team, activity in library.activities_to_try(own_teams(user))
    ]


def _prework_left(user) -> list[Task]:
    tasks = []
    for _cycle, checklist, ticked in my_checklists(user):
        left = len(checklist.items) - len(ticked & {k for k, _ in checklist.items})
        if left:
            tasks.append(
                Task(
                    text=f"{checklist.name}: {left} of {len(checklist.items)} to do",
                    url=reverse("checklists"),
                )
            )
    return tasks


def _next_materials(user) -> list[Task]:
    coming = (
        events_for_person(user)
        .filter(ends_at__gte=timezone.now(), cancelled=False, materials__isnull=False)
        .distinct()
        .order_by("starts_at")
        .first()
    )
    if coming is None:
        return []
    return [
        Task(
            text=f"Materials of {coming.title}",
            url=reverse("event_detail", args=[coming.pk]),
            due=timezone.localtime(coming.starts_at).date(),
            detail="The agenda and slides of your next event",
        )
    ]


def _equip_panel(user, *, staff: bool) -> Panel:
    """Staff and faculty: recent calls to add materials to; staff also the coming rosters."""
    from pursuing_equity.events import library

    tasks = [
        Task(
            text=f"Materials of {e.title}",
            url=reverse("material_add", args=[e.pk]),
            due=timezone.localtime(e.starts_at).date(),
        )
        for e in library.recent_events_to_equip(user)
    ]
    links = [("Learning library", reverse("library"))]
    if staff:
        tasks += _rosters_coming()
        links.append(("Pre-work progress", reverse("checklist_progress")))
    return Panel(
        key="library-staff",
        heading="Materials and logistics",
        tasks=tuple(tasks),
        links=tuple(links),
        empty="No call in the last or next two months: the library lists every material.",
        order=46,
    )


def _rosters_coming() -> list[Task]:
    coming = (
        Event.objects.filter(starts_at__gt=timezone.now(), cancelled=False)
        .filter(Q(modality=Event.Modality.IN_PERSON) | Q(kind="forum_meetup"))
        .annotate(n=Count("registrations"))
        .order_by("starts_at")[:5]
    )
    return [
        Task(
            text=f"Roster of {e.title}",
            url=reverse("roster", args=[e.pk]),
            due=timezone.localtime(e.starts_at).date(),
            detail=f"{e.n} registered",
        )
        for e in coming
    ]

"""Demo step: the demo cycle's calendar, attendance of past calls, and booked coaching.

- The calendar generated from the program file (every audience), with fictional video-call links
  on the reserved example.org domain.
- Attendance of the all-team calls and group coaching that already happened (demo dates put today
  in the program's ninth month): most people came; one Learning Network team's attendance falls
  over its last three calls, so the "falling attendance" list has something to show.
- Coaching slots offered by three faculty coaches over the coming weeks, three of them booked by
  Action Community teams.

- Materials on the past all-team calls: slides (a small PDF), a recording link and two suggested
  activities each, one of them marked as tried by an Action Community team.

Deterministic and idempotent: events are generated idempotently, attendance is taken only for
events without any, slots are added only when the cycle has none, and materials only to calls
without any.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from pursuing_equity.accounts.models import Role, User
from pursuing_equity.events import attendance_taking, coaching, generation, selectors
from pursuing_equity.events.models import CoachingSlot, Event
from pursuing_equity.programs.dates import local_to_utc
from pursuing_equity.programs.models import Cycle
from pursuing_equity.teams.models import Team

FALLING_LAST_EVENTS = 3


def populate(*, cycle: Cycle, organizations, today: datetime.date, out) -> None:
    result = generation.calendar_generate(actor=None, cycle=cycle)
    # Fictional links for the demo only, written directly: they are not a change anyone must be
    # told about, and writing them through event_update would mark every event as edited by hand.
    for event in cycle.events.filter(modality=Event.Modality.VIRTUAL, video_url=""):
        Event.objects.filter(pk=event.pk).update(
            video_url=f"https://zoom.example.org/j/{8_100_000_000 + event.pk}"
        )
    taken = _attendance(cycle)
    slots, booked = _coaching(cycle, today)
    equipped = _materials(cycle)
    out.write(
        f"Calendar: {result}; attendance taken for {taken} past events; "
        f"{slots} coaching slots, {booked} booked; materials on {equipped} past calls."
    )


ACTIVITIES = (
    ("Ask three patients how they would like to be asked about race and ethnicity",
     "Note their words and bring them to your next team huddle."),
    ("Run one small test of a stratified report",
     "Stratify one measure you already report by race and ethnicity; share what surprised you."),
)  # fmt: skip


def _materials(cycle: Cycle) -> int:
    """Slides, a recording and suggested activities on each past all-team call without any."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pursuing_equity.applications.sample_files import pdf_bytes
    from pursuing_equity.events import library

    calls = list(
        cycle.events.filter(
            audience=Event.Audience.COHORT,
            kind__in=["ln_all_team_meetings", "ac_all_team_calls"],
            ends_at__lt=timezone.now(),
            materials__isnull=True,
        ).order_by("starts_at")
    )
    staff = User.objects.filter(role_assignments__role=Role.PROGRAM_STAFF).order_by("email").first()
    for event in calls:
        month = timezone.localtime(event.starts_at).strftime("%B %Y")
        library.material_add(
            actor=staff,
            event=event,
            kind="slides",
            title=f"{event.title}: slides ({month})",
            topic="Equity data" if event.kind == "ac_all_team_calls" else "Improvement methods",
            upload=SimpleUploadedFile("slides.pdf", pdf_bytes(f"{event.title} {month}")),
        )
        library.material_add(
            actor=staff,
            event=event,
            kind="recording",
            title=f"{event.title}: recording ({month})",
            recording_url=f"https://video.example.org/recordings/{event.pk}",
        )
        for title, description in ACTIVITIES:
            library.suggested_activity_add(
                actor=staff, event=event, title=title, description=description
            )
    team = Team.objects.filter(cycle=cycle, cohort__key="action_community").order_by("slug").first()
    member = team.members.select_related("user").order_by("pk").first() if team else None
    activity = (
        library.SuggestedActivity.objects.filter(event__cohort_id=team.cohort_id)
        .order_by("pk")
        .first()
        if member
        else None
    )
    if activity is not None and not activity.tries.exists():
        library.activity_mark_tried(actor=member.user, activity=activity, team=team)
    _registrations(cycle, team)
    return len(calls)


def _registrations(cycle: Cycle, team) -> None:
    """Two people of an Action Community team register for the next in-person session."""
    from pursuing_equity.events import logistics

    session = (
        cycle.events.filter(
            modality=Event.Modality.IN_PERSON, starts_at__gt=timezone.now(), cancelled=False
        )
        .exclude(audience=Event.Audience.AFFINITY_GROUP)
        .order_by("starts_at")
        .first()
    )
    if session is None or team is None or session.registrations.exists():
        return
    day = timezone.localtime(session.starts_at).date()
    people = [m.user for m in team.members.select_related("user").order_by("pk")[:2]]
    for index, user in enumerate(people):
        logistics.registration_save(
            actor=user,
            event=session,
            attending="in_person" if index == 0 else "virtually",
            dietary_needs="Vegetarian" if index == 0 else "",
            arrives_on=day - datetime.timedelta(days=1) if index == 0 else None,
            departs_on=day + datetime.timedelta(days=3) if index == 0 else None,
        )


def _attendance(cycle: Cycle) -> int:
    """Attendance of past, counted calls that have none yet; one team's attendance falls."""
    A = Event.Audience
    events = list(
        cycle.events.filter(
            Q(audience=A.COHORT) | Q(audience=A.SMALL_COHORT),
            ends_at__lt=timezone.now(),
            attendance_taken_at__isnull=True,
            cancelled=False,
            optional=False,
        ).order_by("starts_at")
    )
    falling = (
        Team.objects.filter(cycle=cycle, cohort__key="learning_network").order_by("slug").first()
    )
    falling_events = (
        [
            e.pk
            for e in events
            if (e.audience == A.COHORT and e.cohort_id == falling.cohort_id)
            or (e.audience == A.SMALL_COHORT and e.small_cohort_id == falling.small_cohort_id)
        ][-FALLING_LAST_EVENTS:]
        if falling
        else []
    )
    seen: dict[int, int] = {}  # events of each team so far
    for event in events:
        by_team: dict[int, list[int]] = {}
        for person in selectors.participants_of(event):
            by_team.setdefault(person.team_id, []).append(person.user_id)
        present = set()
        for team_id, people in by_team.items():
            k = seen[team_id] = seen.get(team_id, -1) + 1
            if falling and team_id == falling.pk and event.pk in falling_events:
                present.add(people[0])  # one person of the team still comes
                continue
            # Every other call one person (a different one each time) misses it: a steady
            # attendance of about 80–90 %, so that no other team looks like it is falling.
            absent = people[(k // 2) % len(people)] if k % 2 == 0 else None
            present.update(uid for uid in people if uid != absent)
        attendance_taking.attendance_take(actor=None, event=event, present=present)
    return len(events)


def _coaching(cycle: Cycle, today: datetime.date) -> tuple[int, int]:
    if CoachingSlot.objects.filter(cycle=cycle).exists():
        return 0, 0
    coaches = list(
        User.objects.filter(role_assignments__role=Role.FACULTY).order_by("email").distinct()[:3]
    )
    slots = []
    for index, coach in enumerate(coaches):
        for week in (1, 2):
            day = today + datetime.timedelta(days=7 * week + index)
            while day.weekday() >= 5:  # weekdays only
                day += datetime.timedelta(days=1)
            starts = local_to_utc(
                datetime.datetime.combine(day, datetime.time(10 + index)), cycle.time_zone
            )
            slots.append(
                coaching.coaching_slot_publish(
                    actor=coach,
                    cycle=cycle,
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(minutes=60),
                    video_url=f"https://zoom.example.org/j/{7_100_000_000 + len(slots)}",
                )
            )
    teams = list(
        Team.objects.filter(
            cycle=cycle, cohort_id__in=selectors.coaching_cohort_ids(cycle)
        ).order_by("slug")[:3]
    )
    booked = 0
    for team in teams:
        # A team with a 1:1 coach books that coach's first slot still open.
        slot = next((s for s in slots if team.coach_id in (None, s.coach_id)), None)
        if slot is not None:
            coaching.coaching_book(actor=None, slot=slot, team=team)
            slots.remove(slot)
            booked += 1
    return len(slots) + booked, booked

"""What a person's home shows of measures (:func:`home_panels`, listed in ``home/panels.py``):
each of their teams' measures with its stored focal gap and the data due; for staff, uploads
waiting and data connections whose last pull failed. Panels read stored results only."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Max
from django.urls import reverse

from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.measures import periods
from pursuing_equity.measures.models import Measure, Upload
from pursuing_equity.measures.stored import stored_panels


def due_period(day: datetime.date, frequency: str) -> datetime.date:
    """The latest month (or quarter) that ended before ``day``: the period whose data is due."""
    return periods.add_months(periods.start_of(day, frequency), -periods.step(frequency))


def home_panels(user, day: datetime.date) -> list[Panel]:
    """Each of the person's teams' measures with its stored focal gap and the data due; for
    staff, uploads waiting for confirmation. A fixed
    number of queries (at most 6) whatever the number of measures."""
    from pursuing_equity.accounts.rules import is_program_staff
    from pursuing_equity.measures.rules import can_edit_team_measures
    from pursuing_equity.teams.membership import membership_of

    panels: list[Panel] = []
    if membership_of(user).team_ids:
        panels += _team_measures(user, day, can_edit_team_measures)
    if is_program_staff(user):
        panels.append(_pending_uploads())
        failed = _failed_connections()
        if failed is not None:
            panels.append(failed)
    return panels


def _team_measures(user, day: datetime.date, can_edit) -> list[Panel]:
    from pursuing_equity.teams.membership import member_q, own_teams

    measures = list(
        Measure.objects.filter(member_q(user, "team__"))
        .select_related("team", "team__cohort", "team__small_cohort")
        .prefetch_related("team__cycle")  # each cycle's program document decoded once
        .annotate(last_period=Max("submissions__period"))
        .order_by("name")
    )
    latest = stored_panels(measures)
    tasks: dict[int, list[Task]] = defaultdict(list)
    for m in measures:
        panel = latest.get(m.pk)
        tasks[m.team_id].append(
            Task(
                text=m.name,
                url=reverse("measure_dashboard", args=[m.team.slug, m.slug]),
                detail=panel.summary
                if panel
                else "No gap computed yet: open the dashboard to see the latest data.",
            )
        )
        due = due_period(day, m.frequency)
        reported = m.last_period is not None and m.last_period >= due
        if not reported and m.team.cycle.starts_on <= due and can_edit(user, m.team):
            last = periods.label(m.last_period, m.frequency) if m.last_period else "never"
            tasks[m.team_id].append(
                Task(
                    text=f"Enter the {periods.label(due, m.frequency)} data for {m.name}",
                    url=reverse("measure_data", args=[m.team.slug, m.slug]),
                    detail=f"Last period reported: {last}.",
                    urgent=True,
                )
            )
    return [
        Panel(
            key=f"measures-{team.slug}",
            heading=f"Measures of {team.name}",
            tasks=tuple(tasks[team.pk]),
            links=(("All measures and data", reverse("measure_list", args=[team.slug])),),
            empty="Your team has no measure yet: define one from the team's measures page.",
            order=20,
        )
        for team in own_teams(user)
    ]


def _pending_uploads() -> Panel:
    pending = Upload.objects.filter(status=Upload.Status.PENDING)
    uploads = list(
        pending.select_related("measure__team", "uploaded_by").order_by("created_at")[:10]
    )
    total = pending.count() if len(uploads) == 10 else len(uploads)
    return Panel(
        key="pending-uploads",
        heading="Uploads waiting for confirmation",
        tasks=tuple(
            Task(
                text=f"{u.measure.team.name}: {u.measure.name} ({u.original_name or u.get_source_display()})",
                url=reverse(
                    "measure_upload_preview",
                    args=[u.measure.team.slug, u.measure.slug, u.pk],
                ),
                detail=f"Uploaded {u.created_at:%b %-d} by {u.uploaded_by.display_name if u.uploaded_by else 'someone'}"
                + (f"; {total} waiting in all" if total > 10 else ""),
            )
            for u in uploads
        ),
        empty="No upload is waiting: every team's uploaded data has been confirmed or discarded.",
        order=40,
    )


def _failed_connections() -> Panel | None:
    """Data connections whose last pull failed (staff fix them on the connection's page), or
    None when none did (1 query)."""
    from pursuing_equity.measures.models import DataConnection

    failed = list(
        DataConnection.objects.filter(status=DataConnection.Status.FAILED)
        .select_related("measure__team")
        .order_by("measure__team__name", "measure__name")[:20]
    )
    if not failed:
        return None
    return Panel(
        key="failed-connections",
        heading="Data connections whose last pull failed",
        tasks=tuple(
            Task(
                text=f"{c.measure.team.name}: {c.measure.name}",
                url=reverse("measure_connection", args=[c.measure.team.slug, c.measure.slug]),
                detail=(c.last_error.splitlines() or ["The pull failed."])[0][:200],
            )
            for c in failed
        ),
        empty="",
        order=41,
    )

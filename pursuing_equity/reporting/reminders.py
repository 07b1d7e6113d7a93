"""The daily reminders about updates and reflections (``manage.py send_reporting_reminders``):
which are due now (:func:`reminders_due`, a read) and sending each once (:func:`reminder_send`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import User
from pursuing_equity.core.email import send_templated
from pursuing_equity.core.services import audit_record
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.programs.dates import add_months
from pursuing_equity.programs.models import Cycle
from pursuing_equity.reporting import dates, rules
from pursuing_equity.reporting.models import SentReminder, Update
from pursuing_equity.reporting.selectors import STATE_FIELDS, period_status
from pursuing_equity.teams.models import Team, TeamMember


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
        Team.objects.filter(cycle__in=cycles)
        .select_related("cohort", "small_cohort")
        .prefetch_related("cycle")  # each cycle decoded once, not once per team
    )
    people: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for member in TeamMember.objects.filter(team__in=teams, user__is_active=True).select_related(
        "user"
    ):
        people[member.team_id][member.part].append(member.user)
    updates = {
        (u.team_id, u.period_start): u
        for u in Update.objects.filter(team__in=teams)
        .select_related("reflection")
        .only(*STATE_FIELDS, "reflection__id")
    }
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


def reminder_send(
    *, kind: str, team: Team, period_start: datetime.date, recipients: list[User], context: dict
) -> int:
    """Email each recipient who has not had this reminder yet; returns how many were sent.

    The SentReminder row is written first under its unique constraint, in the same transaction
    as the queued email, so two runs (or two overlapping schedulers) never send it twice.
    """
    name = "update_detail" if kind == SentReminder.Kind.REFLECTION_OVERDUE else "update_edit"
    context = {
        **context,
        "url": absolute_url(reverse(name, args=[team.slug, f"{period_start:%Y-%m}"])),
    }
    sent = 0
    for person in recipients:
        with transaction.atomic():
            _, created = SentReminder.objects.get_or_create(
                kind=kind, team=team, period_start=period_start, recipient=person
            )
            if not created:
                continue
            send_templated(
                template_prefix=f"reporting/email/reminder_{kind}",
                context={**context, "person": person},
                to=[person.email],
            )
            audit_record(
                actor=None,
                actor_label="send_reporting_reminders",
                action=f"reminder.{kind}",
                obj=team,
                after={"period": period_start, "to": person.email},
            )
            sent += 1
    return sent

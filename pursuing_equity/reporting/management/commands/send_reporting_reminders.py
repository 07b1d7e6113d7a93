"""``manage.py send_reporting_reminders``: queue today's reminders about updates and reflections.

Run it once a day (see docs/deploy.md). Running it again the same day, or twice at once, sends
nothing new: every reminder sent is recorded under a unique constraint.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pursuing_equity.reporting import reminders


class Command(BaseCommand):
    help = "Email reminders before updates are due and about overdue updates and reflections."

    def add_arguments(self, parser):
        parser.add_argument(
            "--at",
            help="Act as if it were this moment (ISO date or datetime, program time zone); "
            "for testing and catching up.",
        )

    def handle(self, *args, at: str | None = None, **options):
        now = timezone.now()
        if at:
            try:
                moment = datetime.datetime.fromisoformat(at)
            except ValueError as error:
                raise CommandError(f"--at: {at!r} is not an ISO date or datetime.") from error
            now = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        sent = 0
        for reminder in reminders.reminders_due(now):
            sent += reminders.reminder_send(
                kind=reminder.kind,
                team=reminder.team,
                period_start=reminder.period_start,
                recipients=reminder.recipients,
                context=reminder.context,
            )
        self.stdout.write(f"{sent} reminder{'' if sent == 1 else 's'} queued.")

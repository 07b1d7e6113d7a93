"""``manage.py send_review_digest``: email program staff what is due (run daily from cron).

Lists the applications awaiting a decision that are overdue or due within a week (response clocks
from the program file) and enqueues one email to every program staff member. The day's digest is
recorded, so running the command twice the same day sends nothing the second time.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.urls import absolute_url
from pursuing_equity.programs.models import Cycle
from pursuing_equity.review.selectors import digest_items
from pursuing_equity.review.services import digest_send


def digest_body(items, today: datetime.date) -> str:
    lines = [f"Responses due, as of {today:%A, %B} {today.day}, {today.year}:", ""]
    if not items:
        lines.append("Nothing is overdue or due in the next 7 days.")
    for row in items:
        a = row.application
        lines.append(
            f"- {a.organization.name} ({a.current_cohort.name}, {row.status}): due "
            f"{row.clock.due:%B} {row.clock.due.day} — {row.clock.label}; "
            f"{row.reviews_submitted} of {row.reviewers_needed} reviews. "
            f"{absolute_url(reverse('review_application', args=[a.pk]))}"
        )
    lines += ["", f"The review queue: {absolute_url(reverse('review_queue'))}"]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Email program staff the daily digest of applications due for a response (once a day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="The day (default: today, ET)."
        )

    def handle(self, *args, date: datetime.date | None = None, **options):
        today = date or timezone.localdate()
        items = [
            row
            for cycle in Cycle.objects.order_by("starts_on")
            for row in digest_items(cycle, today)
        ]
        sent = digest_send(today=today, items=items, body=digest_body(items, today))
        if sent is None:
            self.stdout.write(
                f"No digest sent for {today}: already sent today, or no program staff."
            )
        else:
            self.stdout.write(
                f"Digest for {today} enqueued to {len(sent.recipients)} staff: {sent.items} item(s)."
            )

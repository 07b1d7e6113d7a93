"""``manage.py send_event_reminders``: email registrants of coming in-person sessions, once each.

Run it daily (cron or a scheduler); running it twice sends nothing new.
"""

from django.core.management.base import BaseCommand

from pursuing_equity.events.logistics import registration_reminders_send


class Command(BaseCommand):
    help = "Email each registrant of an in-person session or meet-up once, days before it."

    def handle(self, *args, **options):
        sent = registration_reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")

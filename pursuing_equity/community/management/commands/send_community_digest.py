"""``manage.py send_community_digest``: the daily notification digest, and the falling-attendance
check of the current cycle (run daily from cron; each coach hears once per falling stretch)."""

from django.core.management.base import BaseCommand

from pursuing_equity.community import services, tasks
from pursuing_equity.programs.selectors import current_cycle


class Command(BaseCommand):
    help = "Notify coaches of falling attendance and email the daily notification digests."

    def handle(self, *args, **options):
        cycle = current_cycle()
        coaches = services.falling_attendance_notify(cycle=cycle) if cycle else 0
        tasks.digest_send.enqueue()
        self.stdout.write(f"{coaches} coach notification(s); the digest is queued.")

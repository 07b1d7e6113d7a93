"""``manage.py pull_data_connections``: pull every data connection's aggregates (issue 19).

django-tasks-db has no schedule of its own: the operator runs this once a month (cron or a
systemd timer; see README's deploy section). Each connection's pull is queued for
``manage.py db_worker`` (``--now`` pulls here, one after another, and prints each status).
A pull of unchanged data makes no new version, so running it again is harmless.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from pursuing_equity.measures import connection_services
from pursuing_equity.measures.models import DataConnection


class Command(BaseCommand):
    help = "Queue (or with --now run) a pull of every data connection."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Pull in this process instead of queueing."
        )

    def handle(self, *args, now: bool, **options):
        connections = list(
            DataConnection.objects.select_related("measure__team").order_by("measure__team__name")
        )
        for connection in connections:
            label = f"{connection.measure.team.name} — {connection.measure.name}"
            if now:
                pulled = connection_services.connection_pull(connection_id=connection.pk)
                self.stdout.write(
                    f"{label}: {pulled.get_status_display()}, {pulled.last_versions} new "
                    f"version{'' if pulled.last_versions == 1 else 's'}"
                    + (f" ({pulled.last_error.splitlines()[0]})" if pulled.last_error else "")
                )
            else:
                connection_services.connection_pull_request(connection=connection, actor=None)
        if not now:
            n = len(connections)
            self.stdout.write(f"Queued {n} data connection pull{'' if n == 1 else 's'}.")

"""``manage.py clean_pending_uploads``: delete uploads validated but never confirmed nor discarded.

Run it once a day (see docs/deploy.md). A team that uploads a file, sees the preview and walks
away leaves a pending upload (and its file); after ``--days`` days (7 by default) it is deleted
and the deletion recorded in the audit log. Running it again deletes nothing new.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pursuing_equity.measures import services


class Command(BaseCommand):
    help = "Delete pending uploads never confirmed or discarded, older than --days days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=services.PENDING_UPLOAD_DAYS,
            help=f"Age in days after which a pending upload is deleted "
            f"(default {services.PENDING_UPLOAD_DAYS}).",
        )

    def handle(self, *args, days: int, **options):
        try:
            deleted = services.uploads_clean_pending(older_than_days=days)
        except ValidationError as error:
            raise CommandError(f"--days: {' '.join(error.messages)}") from error
        self.stdout.write(
            f"Deleted {deleted} pending upload{'' if deleted == 1 else 's'} older than "
            f"{days} day{'' if days == 1 else 's'}."
        )

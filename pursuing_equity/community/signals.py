"""The falling-attendance rule also tells the team's coach: when an event's attendance is taken,
the coaches of teams whose attendance is now falling are notified (once per falling stretch)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from pursuing_equity.events.models import Event


@receiver(post_save, sender=Event, dispatch_uid="community-falling-attendance")
def attendance_taken(sender, instance: Event, update_fields=None, **kwargs) -> None:
    if instance.attendance_taken_at is None:
        return
    if update_fields is not None and "attendance_taken_at" not in update_fields:
        return
    from pursuing_equity.community.services import falling_attendance_notify

    cycle = instance.cycle
    transaction.on_commit(lambda: falling_attendance_notify(cycle=cycle))

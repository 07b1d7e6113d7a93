"""Pending uploads nobody confirmed are deleted after some days, files included, audited."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.measures import services
from pursuing_equity.measures.models import Upload
from pursuing_equity.measures.tests.factories import TODAY
from pursuing_equity.measures.tests.test_submission_services import counts_file


def pending(measure, actor, *, days_old: int) -> Upload:
    _, upload = services.submission_validate(
        measure=measure,
        actor=actor,
        source=Upload.Source.COUNTS,
        file=counts_file("2024-01,overall,all,50,100"),
        today=TODAY,
    )
    Upload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_old)
    )
    return upload


@pytest.mark.django_db(transaction=True)
def test_old_pending_uploads_and_their_files_go_recent_and_confirmed_ones_stay(bp, editor):
    old = pending(bp, editor, days_old=8)
    recent = pending(bp, editor, days_old=2)
    confirmed = pending(bp, editor, days_old=30)
    services.submission_confirm(upload=confirmed, actor=editor)
    old_file = Path(old.file.path)
    assert old_file.exists()

    out = io.StringIO()
    call_command("clean_pending_uploads", stdout=out)
    assert "Deleted 1 pending upload older than 7 days." in out.getvalue()
    assert set(Upload.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert not old_file.exists()
    entry = AuditEntry.objects.get(action="measures.uploads_clean_pending")
    assert entry.actor_label == "clean_pending_uploads"
    assert [u["id"] for u in entry.after["uploads"]] == [old.pk]

    call_command("clean_pending_uploads", stdout=io.StringIO())  # again: nothing new
    assert AuditEntry.objects.filter(action="measures.uploads_clean_pending").count() == 1
    call_command("clean_pending_uploads", "--days", "1", stdout=io.StringIO())
    assert list(Upload.objects.values_list("pk", flat=True)) == [confirmed.pk]


@pytest.mark.django_db
def test_a_bad_number_of_days_is_refused_with_a_message(bp, editor):
    pending(bp, editor, days_old=8)
    with pytest.raises(CommandError, match="--days: Keep pending uploads for at least one day."):
        call_command("clean_pending_uploads", "--days", "0")
    with pytest.raises(ValidationError):
        services.uploads_clean_pending(older_than_days=-3)
    assert Upload.objects.count() == 1

"""What the worker prepares for the reporting app, outside any request: a submitted update's
chart snapshot and a requested PDF digest. Each computes outside any transaction (seconds for a
snapshot, tens of seconds for a digest), so the web server keeps writing meanwhile, and only
the short save that stores the result takes the write lock. Run by :mod:`.tasks`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pursuing_equity.core.services import audit_record
from pursuing_equity.reporting import charts
from pursuing_equity.reporting.digest import digest_pdf
from pursuing_equity.reporting.models import Digest, Update


def update_charts_prepare(*, update_id: int) -> Update | None:
    """Draw and store the chart snapshot of a submitted update, as of its ``charts_as_of`` day,
    and its HTML as the update page shows it (:func:`.charts.snapshot_html`).

    Run by the worker (:func:`.tasks.update_charts_prepare`). The charts are computed outside
    any transaction, so the web server keeps writing meanwhile; only the short save that stores
    them takes the write lock. Returns None when the update is gone or has its charts already.
    """
    update = (
        Update.objects.select_related("team__cohort", "team__cycle", "team__small_cohort")
        .filter(pk=update_id, charts_status=Update.ChartsStatus.PREPARING)
        .first()
    )
    if update is None:
        return None
    try:
        snapshot = charts.snapshot(update.team, update.charts_as_of)
        html = charts.snapshot_html(snapshot)
    except Exception:
        Update.objects.filter(pk=update_id).update(charts_status=Update.ChartsStatus.FAILED)
        raise
    with transaction.atomic():
        stored = Update.objects.filter(
            pk=update_id, charts_status=Update.ChartsStatus.PREPARING
        ).update(charts=snapshot, charts_html=html, charts_status=Update.ChartsStatus.READY)
        if stored:
            audit_record(
                actor=None,
                actor_label="update_charts_prepare",
                action="update.charts",
                obj=update,
                after={"as_of": update.charts_as_of, "charts": len(snapshot)},
            )
    update.charts, update.charts_html = snapshot, html
    update.charts_status = Update.ChartsStatus.READY
    return update


def digest_prepare(*, digest_id: int) -> Digest | None:
    """Draw a requested digest and store its PDF. The drawing (tens of seconds for a month)
    happens outside any transaction; None when the digest is gone or already drawn."""
    digest = (
        Digest.objects.select_related("cycle")
        .filter(pk=digest_id, status=Digest.Status.PREPARING)
        .first()
    )
    if digest is None:
        return None
    try:
        pdf = digest_pdf(digest.cycle, digest.month)
    except Exception:
        Digest.objects.filter(pk=digest_id).update(
            status=Digest.Status.FAILED, finished_at=timezone.now()
        )
        raise
    digest.pdf, digest.status, digest.finished_at = pdf, Digest.Status.READY, timezone.now()
    digest.save(update_fields=["pdf", "status", "finished_at"])
    return digest

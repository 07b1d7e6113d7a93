"""Background tasks of the reporting app: work too slow for a request (charts, the PDF digest)."""

from django.tasks import task

from pursuing_equity.reporting import preparation


@task()
def update_charts_prepare(update_id: int) -> int:
    """Store the chart snapshot of a just-submitted update (see
    :func:`pursuing_equity.reporting.preparation.update_charts_prepare`); returns how many charts."""
    update = preparation.update_charts_prepare(update_id=update_id)
    return len(update.charts) if update is not None else 0


@task()
def digest_prepare(digest_id: int) -> int:
    """Draw and store a requested PDF digest (see
    :func:`pursuing_equity.reporting.preparation.digest_prepare`); returns its size in bytes."""
    digest = preparation.digest_prepare(digest_id=digest_id)
    return len(digest.pdf) if digest is not None else 0

"""Background tasks of the measures app."""

from django.tasks import task

from pursuing_equity.measures import stored


@task()
def dashboard_precompute(measure_id: int) -> int:
    """Compute and store the dashboards and network panel of a measure after new data, so its
    readers (and the network view) find them ready (see :func:`.stored.precompute`)."""
    return stored.precompute([measure_id])

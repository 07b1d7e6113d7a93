"""Background tasks of the measures app."""

from django.tasks import task

from pursuing_equity.measures import stored


@task()
def dashboard_precompute(measure_id: int) -> int:
    """Compute and store the dashboards and network panel of a measure after new data, so its
    readers (and the network view) find them ready (see :func:`.stored.precompute`)."""
    return stored.precompute([measure_id])


@task()
def data_connection_pull(connection_id: int, actor_id: int | None = None) -> str:
    """Pull a data connection's aggregates into new versions (measures.services.connection_pull);
    returns the connection's status ("removed" if it no longer exists)."""
    from django.contrib.auth import get_user_model

    from pursuing_equity.measures import services
    from pursuing_equity.measures.models import DataConnection

    if not DataConnection.objects.filter(pk=connection_id).exists():
        return "removed"  # removed by staff after the pull was queued
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return services.connection_pull(connection_id=connection_id, actor=actor).status

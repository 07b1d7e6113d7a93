"""Background tasks of the community."""

from django.tasks import task

from pursuing_equity.community import services


@task()
def digest_send() -> int:
    """The daily digest of notifications (see :func:`services.digest_send`)."""
    return services.digest_send()

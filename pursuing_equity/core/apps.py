from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pursuing_equity.core"
    label = "core"
    verbose_name = "Core: audit log and email"

    def ready(self) -> None:
        from pursuing_equity.core import freshness

        freshness.connect()

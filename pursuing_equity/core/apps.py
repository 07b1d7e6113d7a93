from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pursuing_equity.core"
    label = "core"
    verbose_name = "Core: audit log and email"

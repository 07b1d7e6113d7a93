from django.apps import AppConfig


class CommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pursuing_equity.community"
    verbose_name = "Community"

    def ready(self) -> None:
        from pursuing_equity.community import signals  # noqa: F401

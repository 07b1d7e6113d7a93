from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pursuing_equity.accounts"
    label = "accounts"
    verbose_name = "People, organizations and roles"

    def ready(self) -> None:
        from pursuing_equity.accounts import signals  # noqa: F401  (connects the receivers)

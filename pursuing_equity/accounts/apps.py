from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pursuing_equity.accounts"
    label = "accounts"
    verbose_name = "People, organizations and roles"

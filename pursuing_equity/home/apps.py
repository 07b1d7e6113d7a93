from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "pursuing_equity.home"
    label = "home"
    verbose_name = "Home pages and staff tools"

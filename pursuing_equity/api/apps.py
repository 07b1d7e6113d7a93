from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pursuing_equity.api"
    label = "api"
    verbose_name = "API"

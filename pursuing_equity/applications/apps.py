from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "pursuing_equity.applications"
    label = "applications"

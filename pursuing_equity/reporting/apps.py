from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "pursuing_equity.reporting"
    label = "reporting"

from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "pursuing_equity.teams"
    label = "teams"
    verbose_name = "Teams and small cohorts"

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "pursuing_equity.outcomes"
    label = "outcomes"

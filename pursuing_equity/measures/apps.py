from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "pursuing_equity.measures"
    label = "measures"

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "pursuing_equity.programs"
    label = "programs"
    verbose_name = "Program cycles"

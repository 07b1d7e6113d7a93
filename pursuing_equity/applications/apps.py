from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "pursuing_equity.applications"
    label = "applications"

    def ready(self) -> None:
        from pursuing_equity.applications.transitions import register_workflow_hooks

        register_workflow_hooks()

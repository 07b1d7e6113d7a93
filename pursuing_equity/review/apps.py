from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "pursuing_equity.review"
    label = "review"
    verbose_name = "Review and decisions"

    def ready(self) -> None:
        from pursuing_equity.review.decisions import register_workflow_hooks

        register_workflow_hooks()

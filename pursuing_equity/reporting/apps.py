from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "pursuing_equity.reporting"
    label = "reporting"

    def ready(self) -> None:
        # PDSA cycles appear on their measure's dashboard charts (measures cannot import us).
        from pursuing_equity.measures import annotations
        from pursuing_equity.reporting.selectors import pdsa_annotations

        annotations.register(pdsa_annotations)

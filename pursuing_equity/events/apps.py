from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "pursuing_equity.events"
    label = "events"

    def ready(self) -> None:
        from pursuing_equity.events.services import small_cohort_calendar_reset
        from pursuing_equity.teams import effects

        effects.register(small_cohort_calendar_reset)

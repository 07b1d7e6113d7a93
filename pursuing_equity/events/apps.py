from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "pursuing_equity.events"
    label = "events"

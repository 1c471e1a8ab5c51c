from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "concerns"

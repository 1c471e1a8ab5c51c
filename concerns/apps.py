from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    """Its home panel, demo records, scale builder, purge and part of the subject access export
    are in panels.py, demo.py, scale.py and privacy.py, found by council.discovery."""

    name = "concerns"

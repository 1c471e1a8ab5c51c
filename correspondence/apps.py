from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    """Its home panels, demo records, scale builders, purges and part of the subject access export
    are in panels.py, demo.py, scale.py and privacy.py, found by council.discovery."""

    name = "correspondence"
    verbose_name = "Correspondence and information requests"

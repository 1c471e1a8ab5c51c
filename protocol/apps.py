from django.apps import AppConfig


class ProtocolConfig(AppConfig):
    """Its home panel, demo records, scale builder and part of the subject access export are in
    panels.py, demo.py, scale.py and privacy.py, found by council.discovery."""

    name = "protocol"
    verbose_name = "The protocol"

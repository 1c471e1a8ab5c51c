"""URLs for the correspondence register (R10–R12)."""

from django.urls import path  # noqa: F401

app_name = "letters"

urlpatterns: list = []

"""URLs for political group reports (R15)."""

from django.urls import path  # noqa: F401

app_name = "group_reports"

urlpatterns: list = []

"""URLs for the council's public news page: published press releases, no sign-in (R13)."""

from django.urls import path  # noqa: F401

app_name = "news"

urlpatterns: list = []

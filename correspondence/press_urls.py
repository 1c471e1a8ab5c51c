"""URLs for the press office: releases, spokespeople, pre-election periods, enquiries (R13, R14)."""

from django.urls import path  # noqa: F401

app_name = "press"

urlpatterns: list = []

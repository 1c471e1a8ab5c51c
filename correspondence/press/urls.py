"""URLs for the press office: releases, spokespeople, pre-election periods, enquiries (R13, R14)."""

from django.urls import path

from . import views

app_name = "press"

urlpatterns = [
    path("", views.release_list, name="release_list"),
    path("new/", views.release_new, name="release_new"),
    path("<int:pk>/", views.release_detail, name="release_detail"),
    path("<int:pk>/change/", views.release_edit, name="release_edit"),
    path("<int:pk>/submit/", views.release_submit, name="release_submit"),
    path("<int:pk>/reopen/", views.release_reopen, name="release_reopen"),
    path("<int:pk>/withdraw/", views.release_withdraw, name="release_withdraw"),
    path("<int:pk>/approve/", views.release_approve, name="release_approve"),
    path("<int:pk>/publish/", views.release_publish, name="release_publish"),
    path("spokespeople/", views.spokespeople, name="spokespeople"),
    path("spokespeople/new/", views.spokesperson_new, name="spokesperson_new"),
    path("spokespeople/<int:pk>/end/", views.spokesperson_end, name="spokesperson_end"),
    path("pre-election-periods/", views.periods, name="periods"),
    path("pre-election-periods/new/", views.period_new, name="period_new"),
    path("enquiries/", views.enquiry_list, name="enquiry_list"),
    path("enquiries/new/", views.enquiry_new, name="enquiry_new"),
    path("enquiries/<int:pk>/reply/", views.enquiry_reply, name="enquiry_reply"),
]

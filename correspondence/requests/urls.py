"""URLs below /<council-slug>/requests/: councillors' information requests."""

from django.urls import path

from . import views

app_name = "requests"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_new, name="request_new"),
    path("queue/", views.request_queue, name="request_queue"),
    path("access-log/", views.access_log, name="access_log"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("<int:pk>/clarify/", views.request_clarify, name="request_clarify"),
    path("<int:pk>/ask/", views.request_ask, name="request_ask"),
    path("<int:pk>/delegate/", views.request_delegate, name="request_delegate"),
    path("<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("<int:pk>/confirm/", views.release_confirm, name="release_confirm"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.release_download,
        name="release_download",
    ),
]

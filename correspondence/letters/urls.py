"""URLs below /<council-slug>/correspondence/: the correspondence register (R10–R12)."""

from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("new/", views.item_new, name="item_new"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/send/", views.item_send, name="item_send"),
    path("<int:pk>/copy/", views.item_copy, name="item_copy"),
]

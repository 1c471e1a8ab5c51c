"""URLs for the council's public news page: published press releases, no sign-in (R13)."""

from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("", views.news_list, name="news_list"),
    path("<int:pk>/", views.news_detail, name="news_detail"),
]

"""URLs below /<council-slug>/group-reports/: reports for political groups (R15)."""

from django.urls import path

from . import views

app_name = "group_reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_new, name="report_new"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/issue/", views.report_issue, name="report_issue"),
]

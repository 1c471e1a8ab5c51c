"""Every correspondence page, below /<council-slug>/: one include a subject, each with its own
namespace (`requests:`, `letters:`, `press:`, `news:`, `group_reports:`)."""

from django.urls import include, path

urlpatterns = [
    path("requests/", include("correspondence.requests.urls")),
    path("correspondence/", include("correspondence.letters.urls")),
    path("press/", include("correspondence.press.urls")),
    path("news/", include("correspondence.press.news_urls")),
    path("group-reports/", include("correspondence.group_reports.urls")),
]

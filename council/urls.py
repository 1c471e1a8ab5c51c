"""The project's URLs. Site-wide pages first; then everything of one council under
/<council-slug>/, last, so that a council's slug can never hide a site-wide page."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from .views import personal_data, site

# The admin has no sign-in form of its own: its login page sends people to allauth's, so the
# admin gets the same rate limits and two-factor step as the portal.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", site.home, name="home"),
    path("healthz", site.healthz, name="healthz"),
    path("accessibility/", site.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("two-factor-required/", site.two_factor_required, name="two_factor_required"),
    path("notifications/", site.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", site.notification_open, name="notification_open"),
    # Subject access (UK GDPR art. 15): a person's own copy of everything held about them.
    path("my-data/", personal_data.my_data, name="my_data"),
    path("my-data.json", personal_data.my_data_json, name="my_data_json"),
    # The project package wires every app's pages under the council's address.
    path("<slug:council_slug>/protocol/", include("protocol.urls")),
    path("<slug:council_slug>/concerns/", include("concerns.urls")),
    # requests/, correspondence/ (the register), press/, news/, group-reports/
    path("<slug:council_slug>/", include("correspondence.urls")),
    path("<slug:council_slug>/", include("council.council_urls")),
]

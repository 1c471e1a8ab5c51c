"""URLs below /<council-slug>/ for the council's structure. Other apps add theirs beside these in
council/urls.py, under the same prefix."""

from django.urls import path

from . import views

app_name = "council"

urlpatterns = [
    path("", views.council_home, name="home"),
    path("settings/", views.council_settings, name="settings"),
    path("settings/retention/", views.retention_settings, name="retention_settings"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:user_id>/", views.person_detail, name="person_detail"),
    path("people/<int:user_id>/personal-data/", views.person_data, name="person_data"),
    path(
        "people/<int:user_id>/personal-data.json", views.person_data_json, name="person_data_json"
    ),
    path("people/<int:user_id>/invitation/", views.invitation_resend, name="invitation_resend"),
    path("people/<int:user_id>/roles/new/", views.role_add, name="role_add"),
    path("roles/<int:role_id>/", views.role_edit, name="role_edit"),
    path("committees/", views.committees, name="committees"),
    path("committees/new/", views.committee_new, name="committee_new"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("committees/<int:pk>/seats/new/", views.seat_add, name="seat_add"),
    path("seats/<int:pk>/end/", views.seat_end, name="seat_end"),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/new/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("documents/", views.documents, name="documents"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/replace/", views.document_replace, name="document_replace"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("history/<slug:kind>/<int:pk>/", views.history, name="history"),
]

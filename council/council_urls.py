"""URLs below /<council-slug>/ for the council's structure. Other apps add theirs beside these in
council/urls.py, under the same prefix."""

from django.urls import path

from .views import documents, history, home, people, personal_data, structure

app_name = "council"

urlpatterns = [
    path("", home.council_home, name="home"),
    path("settings/", home.council_settings, name="settings"),
    path("settings/retention/", home.retention_settings, name="retention_settings"),
    path("people/", people.people, name="people"),
    path("people/invite/", people.person_invite, name="person_invite"),
    path("people/<int:user_id>/", people.person_detail, name="person_detail"),
    path("people/<int:user_id>/personal-data/", personal_data.person_data, name="person_data"),
    path(
        "people/<int:user_id>/personal-data.json",
        personal_data.person_data_json,
        name="person_data_json",
    ),
    path("people/<int:user_id>/invitation/", people.invitation_resend, name="invitation_resend"),
    path("people/<int:user_id>/roles/new/", people.role_add, name="role_add"),
    path("roles/<int:role_id>/", people.role_edit, name="role_edit"),
    path("committees/", structure.committees, name="committees"),
    path("committees/new/", structure.committee_new, name="committee_new"),
    path("committees/<int:pk>/", structure.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", structure.committee_edit, name="committee_edit"),
    path("committees/<int:pk>/seats/new/", structure.seat_add, name="seat_add"),
    path("seats/<int:pk>/end/", structure.seat_end, name="seat_end"),
    path("groups/", structure.groups, name="groups"),
    path("groups/new/", structure.group_new, name="group_new"),
    path("groups/<int:pk>/", structure.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", structure.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/new/", structure.membership_add, name="membership_add"),
    path("memberships/<int:pk>/end/", structure.membership_end, name="membership_end"),
    path("documents/", documents.documents, name="documents"),
    path("documents/new/", documents.document_new, name="document_new"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<int:pk>/replace/", documents.document_replace, name="document_replace"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("history/<slug:kind>/<int:pk>/", history.history, name="history"),
]

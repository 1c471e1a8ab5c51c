"""URLs below /<council-slug>/protocol/."""

from django.urls import path

from . import views

app_name = "protocol"

urlpatterns = [
    # Public: no sign-in.
    path("", views.protocol_current, name="current"),
    path("versions/", views.protocol_versions, name="versions"),
    path("versions/<int:number>/", views.protocol_version, name="version"),
    path("versions/<int:number>/changes/", views.protocol_changes, name="changes"),
    # The Proper Officer's.
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.draft_start, name="draft_start"),
    path("manage/import/", views.import_upload, name="import"),
    path("manage/import/confirm/", views.import_confirm, name="import_confirm"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("drafts/<int:pk>/sections/new/", views.section_new, name="section_new"),
    path("drafts/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/expectations/new/", views.expectation_new, name="expectation_new"),
    path("expectations/<int:pk>/", views.expectation_edit, name="expectation_edit"),
    path("expectations/<int:pk>/move/", views.expectation_move, name="expectation_move"),
    path("expectations/<int:pk>/delete/", views.expectation_delete, name="expectation_delete"),
    path("acknowledgements/", views.acknowledgements, name="acknowledgements"),
    path("acknowledgements/remind/", views.acknowledgements_remind, name="acknowledgements_remind"),
    # Councillors and officers.
    path("acknowledge/", views.acknowledge, name="acknowledge"),
]

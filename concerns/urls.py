"""URLs below /<council-slug>/concerns/. Nothing here is public (R16)."""

from django.urls import path

from . import views

app_name = "concerns"

urlpatterns = [
    path("", views.concern_list, name="concern_list"),
    path("new/", views.concern_new, name="concern_new"),
    path("queue/", views.concern_queue, name="concern_queue"),
    path("escalations/", views.escalations, name="escalations"),
    path("hearings/", views.hearings, name="hearings"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("<int:pk>/", views.concern_detail, name="concern_detail"),
    path("<int:pk>/history/", views.concern_history, name="concern_history"),
    path("<int:pk>/withdraw/", views.concern_withdraw, name="concern_withdraw"),
    path("<int:pk>/triage/", views.concern_triage, name="concern_triage"),
    path("<int:pk>/tell/", views.concern_tell, name="concern_tell"),
    path("<int:pk>/note/", views.concern_note, name="concern_note"),
    path("<int:pk>/refer/", views.concern_refer, name="concern_refer"),
    path("<int:pk>/close/", views.concern_close, name="concern_close"),
    path("<int:pk>/formal/", views.concern_formal, name="concern_formal"),
    path("<int:pk>/hearing/", views.hearing_arrange, name="hearing_arrange"),
    path("<int:pk>/hearing/move/", views.hearing_move, name="hearing_move"),
    path("<int:pk>/hearing/decision/", views.hearing_decide, name="hearing_decide"),
    path("<int:pk>/appeal/", views.concern_appeal, name="concern_appeal"),
]

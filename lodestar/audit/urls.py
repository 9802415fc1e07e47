from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.site_events, name="audit_events"),
    path("audit/export.csv", views.site_events_csv, name="audit_events_csv"),
    path("coordinate/<slug:slug>/audit/", views.program_events, name="program_audit"),
    path(
        "coordinate/<slug:slug>/audit/export.csv",
        views.program_events_csv,
        name="program_audit_csv",
    ),
]

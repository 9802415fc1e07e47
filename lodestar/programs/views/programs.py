from django.urls import path

from lodestar.core.placeholders import placeholder

urlpatterns = [
    path("coordinate/", placeholder, name="coordinator_programs"),
    path("coordinate/new/", placeholder, name="program_create"),
    path("coordinate/<slug:slug>/", placeholder, name="program_manage"),
    path("coordinate/<slug:slug>/edit/", placeholder, name="program_edit"),
    path("coordinate/<slug:slug>/status/", placeholder, name="program_transition"),
    path("coordinate/<slug:slug>/coordinators/", placeholder, name="program_coordinators"),
]

from django.urls import path

from lodestar.core.placeholders import placeholder

urlpatterns = [
    path("coordinate/<slug:slug>/questions/", placeholder, name="question_list"),
    path("coordinate/<slug:slug>/questions/new/", placeholder, name="question_create"),
    path("coordinate/<slug:slug>/questions/<int:pk>/edit/", placeholder, name="question_edit"),
    path("coordinate/<slug:slug>/questions/<int:pk>/delete/", placeholder, name="question_delete"),
    path("coordinate/<slug:slug>/questions/<int:pk>/move/", placeholder, name="question_move"),
    path("programs/<slug:slug>/intake/", placeholder, name="intake_form"),
]

from django.urls import path

from lodestar.core.placeholders import placeholder

urlpatterns = [
    path("profile/", placeholder, name="profile"),
    path("profile/availability/", placeholder, name="availability_edit"),
    path("people/<int:pk>/", placeholder, name="person_detail"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("profile/availability/", views.availability_edit, name="availability_edit"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
]

"""The mentorship pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("mentorships/", views.my_mentorships, name="my_mentorships"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("mentorships/<int:pk>/accept/", views.mentorship_accept, name="mentorship_accept"),
    path("mentorships/<int:pk>/decline/", views.mentorship_decline, name="mentorship_decline"),
    path("mentorships/<int:pk>/pause/", views.mentorship_pause, name="mentorship_pause"),
    path("mentorships/<int:pk>/resume/", views.mentorship_resume, name="mentorship_resume"),
    path("mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    path(
        "coordinate/<slug:slug>/mentorships/",
        views.program_mentorships,
        name="program_mentorships",
    ),
]

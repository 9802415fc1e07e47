from django.urls import path

from . import views

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/me/", views.directory_settings, name="directory_settings"),
    path("introductions/", views.introductions, name="introductions"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction_detail"),
    path("introductions/<int:pk>/answer/", views.introduction_answer, name="introduction_answer"),
    path("mentorships/<int:pk>/introduce/", views.introduction_new, name="introduction_new"),
    path("mentorships/<int:pk>/refer/", views.referral_new, name="referral_new"),
    path("coordinate/<slug:slug>/network/", views.program_network, name="program_network"),
]

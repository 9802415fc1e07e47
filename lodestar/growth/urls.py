"""The resource library, recommendations and feedback on work."""

from django.urls import path

from . import views

urlpatterns = [
    path("programs/<slug:slug>/resources/", views.resource_library, name="resource_library"),
    path("programs/<slug:slug>/resources/add/", views.resource_add, name="resource_add"),
    path("programs/<slug:slug>/resources/stats/", views.resource_stats, name="resource_stats"),
    path(
        "programs/<slug:slug>/resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"
    ),
    path(
        "programs/<slug:slug>/resources/<int:pk>/hide/", views.resource_hide, name="resource_hide"
    ),
    path(
        "programs/<slug:slug>/resources/<int:pk>/file/", views.resource_file, name="resource_file"
    ),
    path(
        "programs/<slug:slug>/resources/<int:pk>/recommend/",
        views.resource_recommend,
        name="resource_recommend",
    ),
    path(
        "mentorships/<int:pk>/resources/", views.mentorship_resources, name="mentorship_resources"
    ),
    path(
        "mentorships/<int:pk>/resources/<int:rec>/",
        views.recommendation_update,
        name="recommendation_update",
    ),
    path("mentorships/<int:pk>/feedback/", views.feedback_list, name="feedback_list"),
    path(
        "mentorships/<int:pk>/feedback/<int:item>/", views.feedback_detail, name="feedback_detail"
    ),
    path(
        "mentorships/<int:pk>/feedback/<int:item>/close/",
        views.feedback_close,
        name="feedback_close",
    ),
    path(
        "mentorships/<int:pk>/feedback/<int:item>/file/",
        views.feedback_file,
        name="feedback_file",
    ),
]

from django.urls import path

from lodestar.core.placeholders import placeholder

urlpatterns = [
    path("coordinate/<slug:slug>/invitations/", placeholder, name="invitation_list"),
    path(
        "coordinate/<slug:slug>/invitations/<int:pk>/revoke/", placeholder, name="invitation_revoke"
    ),
    path("invitations/<str:token>/", placeholder, name="invitation_accept"),
]

from django.urls import path

from . import token_views, views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("profile/availability/", views.availability_edit, name="availability_edit"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("profile/tokens/", token_views.token_list, name="api_tokens"),
    path("profile/tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="api_token_revoke"),
]

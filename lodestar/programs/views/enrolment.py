from django.urls import path

from lodestar.core.placeholders import placeholder

urlpatterns = [
    path("programs/", placeholder, name="program_list"),
    path("programs/<slug:slug>/", placeholder, name="program_detail"),
    path("programs/<slug:slug>/join/<str:role>/", placeholder, name="program_join"),
    path("programs/<slug:slug>/withdraw/", placeholder, name="enrolment_withdraw"),
    path("coordinate/<slug:slug>/participants/", placeholder, name="participant_list"),
    path("coordinate/<slug:slug>/participants/<int:pk>/", placeholder, name="participant_detail"),
    path(
        "coordinate/<slug:slug>/participants/<int:pk>/decide/", placeholder, name="enrolment_decide"
    ),
]

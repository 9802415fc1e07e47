"""Flash mentoring pages: office hours, booking, each session, each person's sessions, and the
coordinators' figures. The booking page's name is links.BOOKING_ROUTE (notifications and
calendar events point to it)."""

from django.urls import path

from . import booking_views, coordinator_views, views
from .links import BOOKING_ROUTE

urlpatterns = [
    path("programs/<slug:slug>/office-hours/", views.office_hours, name="flash_office_hours"),
    path(
        "office-hours/<int:pk>/withdraw/",
        views.office_hours_withdraw,
        name="flash_office_hours_withdraw",
    ),
    path("slots/<int:pk>/cancel/", views.slot_cancel, name="flash_slot_cancel"),
    path("programs/<slug:slug>/sessions/", views.browse, name="flash_browse"),
    path("programs/<slug:slug>/slots/<int:pk>/book/", views.book, name="flash_book"),
    path("sessions/", views.my_sessions, name="flash_my_sessions"),
    path("sessions/<int:pk>/", booking_views.booking_detail, name=BOOKING_ROUTE),
    path("sessions/<int:pk>/cancel/", booking_views.booking_cancel, name="flash_booking_cancel"),
    path("sessions/<int:pk>/outcome/", booking_views.booking_outcome, name="flash_booking_outcome"),
    path(
        "sessions/<int:pk>/feedback/",
        booking_views.booking_feedback,
        name="flash_booking_feedback",
    ),
    path(
        "sessions/<int:pk>/mentorship/",
        booking_views.booking_longer_mentorship,
        name="flash_booking_mentorship",
    ),
    path(
        "coordinate/<slug:slug>/sessions/",
        coordinator_views.program_sessions,
        name="flash_program_sessions",
    ),
]

"""Meeting pages, action items and calendar feeds."""

from django.urls import path

from . import views

urlpatterns = [
    path("mentorships/<int:pk>/meetings/", views.meeting_list, name="meeting_list"),
    path("mentorships/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/confirm/", views.meeting_confirm, name="meeting_confirm"),
    path("meetings/<int:pk>/reschedule/", views.meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/complete/", views.meeting_complete, name="meeting_complete"),
    path("meetings/<int:pk>/missed/", views.meeting_missed, name="meeting_missed"),
    path("meetings/<int:pk>/note/", views.meeting_note, name="meeting_note"),
    path(
        "meetings/<int:pk>/private-note/",
        views.meeting_private_note,
        name="meeting_private_note",
    ),
    path("meetings/<int:pk>/action-items/", views.action_item_add, name="action_item_add"),
    path("meetings/<int:pk>/invite.ics", views.meeting_invite, name="meeting_invite"),
    path("action-items/<int:pk>/done/", views.action_item_done, name="action_item_done"),
    path("calendar/", views.calendar_feed, name="calendar_feed"),
    path("calendar/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
]

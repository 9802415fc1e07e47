"""Message pages, polls, attachments and concerns."""

from django.urls import path

from . import views

urlpatterns = [
    path("messages/", views.inbox, name="message_inbox"),
    path("messages/unread/", views.unread, name="messages_unread"),
    path("messages/<int:pk>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:pk>/delete/", views.message_delete, name="message_delete"),
    path("messages/attachments/<int:pk>/", views.attachment, name="message_attachment"),
    path("mentorships/<int:pk>/messages/", views.thread, name="messages"),
    path("mentorships/<int:pk>/messages/new/", views.thread_poll, name="messages_poll"),
    path("mentorships/<int:pk>/concern/", views.concern_report, name="concern_report"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/handle/", views.concern_handle, name="concern_handle"),
    path("coordinate/<slug:slug>/concerns/", views.program_concerns, name="program_concerns"),
]

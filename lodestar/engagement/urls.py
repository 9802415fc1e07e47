from django.urls import path

from . import checkin_views, views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    path("mentorships/<int:pk>/check-in/", checkin_views.checkin, name="checkin"),
    path("mentorships/<int:pk>/kudos/", checkin_views.kudos, name="kudos"),
    path(
        "coordinate/<slug:slug>/check-ins/", checkin_views.program_checkins, name="program_checkins"
    ),
    path(
        "coordinate/<slug:slug>/check-ins/<int:pk>/handled/",
        checkin_views.checkin_handle,
        name="checkin_handle",
    ),
]

# Pair health (issue 5). Appended so as not to clash with parallel edits; fold the import into
# the one above when convenient.
from . import health_views  # noqa: E402

urlpatterns += [
    path("coordinate/<slug:slug>/health/", health_views.program_health_page, name="program_health"),
]

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lodestar.accounts import session_views
from lodestar.api.api import api
from lodestar.core import views as core_views


def _allauth_without_its_sessions_page() -> list:
    from allauth import urls as allauth_urls

    return [p for p in allauth_urls.urlpatterns if str(p.pattern) != "sessions/"]


urlpatterns = [
    path("", core_views.home, name="home"),
    path("dashboard/", core_views.dashboard, name="dashboard"),
    # In place of allauth's sessions page (left out below), under its name and address.
    path("accounts/sessions/", session_views.sessions_page, name="usersessions_list"),
    path("accounts/sessions/<int:pk>/end/", session_views.session_end_view, name="session_end"),
    path(
        "accounts/sessions/end-others/",
        session_views.sessions_end_others_view,
        name="sessions_end_others",
    ),
    path("accounts/", include(_allauth_without_its_sessions_page())),
    path("", include("lodestar.accounts.urls")),
    path("", include("lodestar.programs.urls")),
    path("", include("lodestar.matches.urls")),
    path("", include("lodestar.mentorships.urls")),
    path("", include("lodestar.engagement.urls")),
    path("", include("lodestar.meetings.urls")),
    path("", include("lodestar.messaging.urls")),
    path("", include("lodestar.growth.urls")),
    path("", include("lodestar.network.urls")),
    path("", include("lodestar.flash.urls")),
    path("", include("lodestar.evaluations.urls")),
    path("", include("lodestar.webhooks.urls")),
    path("", include("lodestar.core.urls")),
    path("", include("lodestar.audit.urls")),
    path("", include("lodestar.privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "lodestar.core.views.permission_denied"
handler404 = "lodestar.core.views.page_not_found"
handler500 = "lodestar.core.views.server_error"

if settings.DEBUG:
    urlpatterns += [path("__errors/<int:code>/", core_views.error_preview)]

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lodestar.api.api import api
from lodestar.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dashboard/", core_views.dashboard, name="dashboard"),
    path("accounts/", include("allauth.urls")),
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

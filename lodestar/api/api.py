"""The JSON API, v1: each app's router under one NinjaAPI, one auth, one error shape."""

from ninja import NinjaAPI

from lodestar.accounts.api import router as accounts_router
from lodestar.engagement.api import router as engagement_router
from lodestar.evaluations.api import router as evaluations_router
from lodestar.growth.api import router as growth_router
from lodestar.matches.api import router as matches_router
from lodestar.meetings.api import router as meetings_router
from lodestar.mentorships.api import router as mentorships_router
from lodestar.messaging.api import router as messaging_router
from lodestar.network.api import router as network_router
from lodestar.programs.api import router as programs_router
from lodestar.webhooks.api import router as webhooks_router

from . import problems
from .auth import api_auth


class LodestarAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """ninja files every response under application/json; problems leave as
        application/problem+json, and the schema must say what is really sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.PROBLEM_MEDIA_TYPE] = content.pop("application/json")
        return schema


api = LodestarAPI(
    urls_namespace="api",
    version="1",
    title="Lodestar API",
    description=(
        "Programs and mentorships, with the same rules as the web pages. Authenticate with "
        "your browser session (send the CSRF token on writes) or a personal access token "
        "from your profile as `Authorization: Bearer <token>`. Errors are RFC 9457 problem "
        "details; lists are paginated with `page` and `page_size`. A write (POST, PUT, PATCH, "
        "DELETE) may carry an `Idempotency-Key` header (1–255 printable ASCII characters): a "
        "retry with the same key and body within 24 hours gets the first answer again, marked "
        "`Idempotent-Replayed: true`, instead of doing the work twice; the same key with another "
        "body is a 422 problem, and a 409 while the first request is still being processed."
    ),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=api_auth,
)
problems.install(api)
api.add_router("/programs/", programs_router)
api.add_router("/mentorships/", mentorships_router)
api.add_router("/mentorships/", meetings_router)
# These routers spell out their whole paths (/programs/{slug}/runs/, /requests/, …): each app
# answers under the resources it belongs to.
for router in (
    accounts_router,
    matches_router,
    evaluations_router,
    messaging_router,
    growth_router,
    network_router,
    engagement_router,
    webhooks_router,
):
    api.add_router("", router)

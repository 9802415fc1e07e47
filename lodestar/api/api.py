"""The JSON API, v1: each app's router under one NinjaAPI, one auth, one error shape."""

from ninja import NinjaAPI

from lodestar.meetings.api import router as meetings_router
from lodestar.mentorships.api import router as mentorships_router
from lodestar.programs.api import router as programs_router

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
        "details; lists are paginated with `page` and `page_size`."
    ),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=api_auth,
)
problems.install(api)
api.add_router("/programs/", programs_router)
api.add_router("/mentorships/", mentorships_router)
api.add_router("/mentorships/", meetings_router)

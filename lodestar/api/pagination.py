"""Page-number pagination, the same for every list: `?page=2&page_size=50`."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="The page, from 1.")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results on a page."
        )

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        count = self._items_count(queryset)
        start = (pagination.page - 1) * pagination.page_size
        if start and start >= count:
            raise HttpError(404, "page out of range")
        end = start + pagination.page_size
        return {
            "count": count,
            "next": _link(request, pagination.page + 1, pagination) if end < count else None,
            "previous": _link(request, pagination.page - 1, pagination) if start else None,
            "results": list(queryset[start:end]),
        }


def _link(request: HttpRequest, page: int, pagination: Any) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    query["page_size"] = str(pagination.page_size)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

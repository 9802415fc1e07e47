"""Reads for the library, the recommendations and the feedback pages: each a bounded number
of queries whatever the size of the library."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from lodestar.core.models import Tag
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Program

from .models import FeedbackComment, Recommendation, Resource, WorkFeedbackRequest
from .states import FeedbackStatus, RecommendationStatus

TOP_RESOURCES = 10


def library(
    program: Program, *, query: str = "", kind: str = "", tag: str = "", with_hidden: bool = False
) -> QuerySet[Resource]:
    resources = Resource.objects.for_program(program)
    if not with_hidden:
        resources = resources.shown()
    if kind:
        resources = resources.filter(kind=kind)
    if tag:
        resources = resources.filter(tags__slug=tag)
    for word in query.split()[:5]:
        resources = resources.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(tags__name__icontains=word)
        )
    # Filtering across tags can repeat a row: keep each resource once (by id, not DISTINCT over
    # text columns, which PostgreSQL and SQLite treat alike here anyway).
    ids = resources.values("pk")
    return (
        Resource.objects.filter(pk__in=ids)
        .select_related("added_by")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))
        .order_by("-created_at", "-id")
    )


def library_tags(program: Program) -> QuerySet[Tag]:
    return (
        Tag.objects.filter(resources__in=Resource.objects.for_program(program).shown().values("pk"))
        .distinct()
        .order_by("name")
    )


def program_resource(program: Program, pk: int) -> Resource | None:
    return Resource.objects.for_program(program).filter(pk=pk).select_related("program").first()


def top_resources(program: Program) -> list[Resource]:
    """The program's most recommended and most completed resources: counts only, no notes."""
    in_program = Q(recommendations__mentorship__program=program)
    return list(
        Resource.objects.for_program(program)
        .annotate(
            recommended=Count("recommendations", filter=in_program),
            completed=Count(
                "recommendations",
                filter=in_program & Q(recommendations__status=RecommendationStatus.DONE),
            ),
        )
        .filter(recommended__gt=0)
        .order_by("-recommended", "-completed", "title")[:TOP_RESOURCES]
    )


def pair_recommendations(mentorship: Mentorship, limit: int | None = None) -> list[Recommendation]:
    rows = (
        Recommendation.objects.filter(mentorship=mentorship)
        .select_related("resource", "from_user", "to_user")
        .order_by("-created_at", "-id")
    )
    return list(rows[:limit] if limit else rows)


def pair_feedback_requests(
    mentorship: Mentorship, limit: int | None = None
) -> list[WorkFeedbackRequest]:
    rows = (
        WorkFeedbackRequest.objects.filter(mentorship=mentorship)
        .select_related("requester")
        .annotate(comment_count=Count("comments"))
        .order_by("-created_at", "-id")
    )
    return list(rows[:limit] if limit else rows)


def feedback_request_of(mentorship: Mentorship, pk: int) -> WorkFeedbackRequest | None:
    request = (
        WorkFeedbackRequest.objects.filter(mentorship=mentorship, pk=pk)
        .select_related("requester")
        .prefetch_related(
            Prefetch("comments", queryset=FeedbackComment.objects.select_related("author"))
        )
        .first()
    )
    if request is not None:
        request.mentorship = mentorship
    return request


def pair_counts(mentorship: Mentorship) -> dict:
    """Metadata for coordinators: how many recommendations (and done), feedback requests
    (and open) — two queries, nothing the pair wrote."""
    recs = Recommendation.objects.filter(mentorship=mentorship).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status=RecommendationStatus.DONE))
    )
    asks = WorkFeedbackRequest.objects.filter(mentorship=mentorship).aggregate(
        total=Count("pk"), open=Count("pk", filter=~Q(status=FeedbackStatus.CLOSED))
    )
    return {
        "recommendations": recs["total"],
        "recommendations_done": recs["done"],
        "feedback": asks["total"],
        "feedback_open": asks["open"],
    }

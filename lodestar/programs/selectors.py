"""Reads for pages: each returns what a page shows, in a bounded number of queries."""

from django.db.models import Count, Q

from .models import Enrolment, Program
from .policy import can_create_programs
from .states import EnrolmentStatus


def dashboard_for(user) -> dict:
    """A person's programs: where they take part, and what they coordinate."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("program")
        .order_by("-created_at")
    )
    coordinated = list(
        Program.objects.filter(coordinators=user).annotate(
            applied_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.APPLIED)),
            approved_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.APPROVED)
            ),
        )
    )
    return {
        "enrolments": enrolments,
        "coordinated": coordinated,
        "can_create_programs": can_create_programs(user),
    }

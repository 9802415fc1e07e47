"""Deferred work on requests: expiring one when its time comes, on workers that run tasks
later. The `expire_requests` command does the same for every due request, from cron."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from .models import MentorshipRequest
from .states import RequestStatus


@task()
def expire_request(*, request_id: int) -> bool:
    """Expire the request if it is still open and due; True if it expired. Safe to run twice
    or early: an answered request, or one not yet due, is left as it is."""
    from .services.requests import request_expire  # the services enqueue this task

    request = MentorshipRequest.objects.filter(
        pk=request_id, status=RequestStatus.OPEN, expires_at__lte=timezone.now()
    ).first()
    if request is None:
        return False
    try:
        request_expire(request=request)
    except ValidationError:
        return False  # answered or withdrawn a moment ago
    return True

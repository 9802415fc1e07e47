"""Work handed to the task worker after the transaction commits, by id."""

from django_tasks import task

from .emails import send_calendar_emails


@task()
def send_meeting_calendar(*, meeting_id: int, sequence: int, kind: str) -> int:
    """Email each member the meeting for their calendar (an invitation, an update or a
    cancellation). Skipped when the meeting changed again meanwhile: that change sends its own."""
    return send_calendar_emails(meeting_id=meeting_id, sequence=sequence, kind=kind)

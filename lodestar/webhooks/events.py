"""The events other apps emit, one call each, inside the transaction of the change.

Each payload's `data` is metadata only — ids, states, dates, choices — never a message, a note,
a reason written in words or an answer: a receiver learns *that* something happened to whom,
and reads the rest through the API with its own rights.
"""

from datetime import date, datetime

from .models import Event
from .services import iso_utc, webhook_emit, webhook_emit_many


def _when(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return iso_utc(value)
    return value.isoformat()


def _members(mentorship) -> list[dict]:
    return [
        {"user_id": user_id, "enrolment_id": enrolment_id, "role": role}
        for user_id, enrolment_id, role in mentorship.memberships.order_by("pk").values_list(
            "user_id", "enrolment_id", "role"
        )
    ]


def _mentorship(mentorship) -> dict:
    return {
        "id": mentorship.pk,
        "status": mentorship.status,
        "origin": mentorship.origin,
        "start_date": _when(mentorship.start_date),
        "planned_end_date": _when(mentorship.planned_end_date),
        "ended_at": _when(mentorship.ended_at),
        "members": _members(mentorship),
    }


def _enrolment(enrolment) -> dict:
    return {
        "enrolment": {
            "id": enrolment.pk,
            "user_id": enrolment.user_id,
            "role": enrolment.role,
            "status": enrolment.status,
            "capacity": enrolment.capacity,
            "created_at": _when(enrolment.created_at),
        }
    }


def enrolment_created(enrolment) -> None:
    webhook_emit(
        event=Event.ENROLMENT_CREATED,
        program=enrolment.program,
        data=lambda: _enrolment(enrolment),
    )


def enrolments_created(program, enrolments) -> None:
    """Many at once (a CSV import): one enrolment.created each, as if they had joined one by one."""
    webhook_emit_many(
        event=Event.ENROLMENT_CREATED,
        program=program,
        data=lambda: [_enrolment(enrolment) for enrolment in enrolments],
    )


def match_run_published(run, mentorships) -> None:
    webhook_emit(
        event=Event.MATCH_RUN_PUBLISHED,
        program=run.program,
        data=lambda: {
            "match_run": {
                "id": run.pk,
                "status": run.status,
                "published_at": _when(run.published_at),
                "mentorship_ids": [m.pk for m in mentorships],
            }
        },
    )


def mentorship_started(mentorship) -> None:
    webhook_emit(
        event=Event.MENTORSHIP_STARTED,
        program=mentorship.program,
        data=lambda: {"mentorship": _mentorship(mentorship)},
    )


def meeting_completed(meeting) -> None:
    webhook_emit(
        event=Event.MEETING_COMPLETED,
        program=meeting.mentorship.program,
        data=lambda: {
            "meeting": {
                "id": meeting.pk,
                "mentorship_id": meeting.mentorship_id,
                "status": meeting.status,
                "mode": meeting.mode,
                "start": _when(meeting.start),
                "duration": meeting.duration,
                "minutes_logged": meeting.minutes_logged,
            }
        },
    )


def checkin_flagged(checkin) -> None:
    webhook_emit(
        event=Event.CHECKIN_FLAGGED,
        program=checkin.mentorship.program,
        data=lambda: {
            "checkin": {
                "id": checkin.pk,
                "mentorship_id": checkin.mentorship_id,
                "user_id": checkin.user_id,
                "period_start": _when(checkin.period_start),
                "mood": checkin.mood,
                "wants_contact": checkin.wants_contact,
                "created_at": _when(checkin.created_at),
            }
        },
    )


def mentorship_closed(mentorship, closure) -> None:
    webhook_emit(
        event=Event.MENTORSHIP_CLOSED,
        program=mentorship.program,
        data=lambda: {
            "mentorship": _mentorship(mentorship),
            "closure": {
                "id": closure.pk,
                "reason": closure.reason,
                "outcome": closure.outcome,
                "started_at": _when(closure.started_at),
                "finished_at": _when(closure.finished_at),
            },
        },
    )

"""A mentee's requests to mentors, in programs where mentees choose: sending one, the question
and answer before a decision, accepting, declining, withdrawing, expiring, and passing a
declined or expired request on to the mentee's next choice.

Every transition goes through REQUEST_STATES. Accepting gives the mentee a seat, so it locks
both enrolments first (seats.lock, in primary-key order), then reads the request again: of two
mentors accepting the same mentee at the same instant, or two mentees claiming one mentor's
last seat, exactly one wins and the other gets a clear error.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.core.states import IllegalTransition
from lodestar.engagement.services import notify
from lodestar.mentorships import seats
from lodestar.mentorships.models import Mentorship, Origin
from lodestar.mentorships.services import mentorship_create, mentorship_url
from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.models import Enrolment, Role
from lodestar.programs.states import EnrolmentStatus, ProgramStatus

from ..inputs import NoCriteria, build_problem
from ..models import Choice, Exclusion, MentorshipRequest, RequestMessage
from ..reporting_lines import reporting_line
from ..request_tasks import expire_request
from ..states import REQUEST_STATES, RequestStatus

MESSAGE_MAX = 2000
# Programs in which mentees may send requests.
REQUESTS_OPEN_IN = frozenset(
    {ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING}
)


def request_url(request: MentorshipRequest) -> str:
    return reverse("request_detail", args=[request.pk])


def is_acceptable(request: MentorshipRequest, now: datetime | None = None) -> bool:
    """Open and not past its expiry: a mentor may still accept it."""
    return request.status == RequestStatus.OPEN and request.expires_at > (now or timezone.now())


# Sending ----------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *, mentee: Enrolment, mentor: Enrolment, message: str, by: User
) -> MentorshipRequest:
    """The mentee asks the mentor to mentor them; the mentor is told, and the request expires
    after the program's number of days unless answered."""
    if by.pk != mentee.user_id:
        raise ValidationError(_("Only the mentee can send their own requests."), code="not_mentee")
    message = _clean_text(message, "message")
    locked = seats.lock([mentee, mentor])
    mentee, mentor = locked[mentee.pk], locked[mentor.pk]
    # The mentee's requests whose time is up expire now, as the next expiry run would: they
    # hold no place, and one to this mentor may be sent again.
    for stale in (
        MentorshipRequest.objects.select_for_update(of=("self",))
        .filter(mentee=mentee, status=RequestStatus.OPEN, expires_at__lte=timezone.now())
        .select_related("program", "mentee__user", "mentor__user", "mentee__program")
    ):
        _expire(stale)
    _check_can_ask(mentee, mentor)
    request = _send(mentee=mentee, mentor=mentor, message=message)
    notify(
        user=mentor.user,
        kind="request_received",
        url=request_url(request),
        person=mentee.user.display_name,
        program=mentee.program.name,
    )
    return request


def _check_can_ask(mentee: Enrolment, mentor: Enrolment) -> None:
    """Every rule about who may ask whom; a clear error for the first one broken."""
    program = mentee.program
    if not (program.mentees_choose or program.takes_requests_after_sessions):
        raise ValidationError(
            _("In %(program)s the coordinators make the matches: mentees do not send requests.")
            % {"program": program.name},
            code="mentees_do_not_choose",
        )
    if program.status not in REQUESTS_OPEN_IN:
        raise ValidationError(
            _("%(program)s does not take requests while it is %(status)s.")
            % {"program": program.name, "status": program.get_status_display().lower()},
            code="program_closed",
        )
    if mentee.role != Role.MENTEE or mentee.status != EnrolmentStatus.APPROVED:
        raise ValidationError(
            _("Only approved mentees of the program can send requests."), code="not_mentee"
        )
    if (
        mentor.program_id != program.pk
        or mentor.role != Role.MENTOR
        or mentor.status != EnrolmentStatus.APPROVED
    ):
        raise ValidationError(
            _("%(name)s is not a mentor in this program.") % {"name": mentor.user.display_name},
            code="not_a_mentor",
        )
    if seats.seats_taken(mentee):
        raise ValidationError(
            _("You already have a mentorship in this program."), code="already_matched"
        )
    earlier = MentorshipRequest.objects.filter(mentee=mentee, mentor=mentor)
    if earlier.filter(status=RequestStatus.OPEN).exists():
        raise ValidationError(
            _("Your request to %(name)s is already waiting for an answer.")
            % {"name": mentor.user.display_name},
            code="duplicate",
        )
    if earlier.filter(status=RequestStatus.DECLINED).exists():
        raise ValidationError(
            _("%(name)s has already declined a request from you in this program.")
            % {"name": mentor.user.display_name},
            code="declined_before",
        )
    if Exclusion.objects.filter(program=program, mentee=mentee, mentor=mentor).exists():
        raise ValidationError(
            _("You cannot ask %(name)s in this program.") % {"name": mentor.user.display_name},
            code="excluded",
        )
    if reporting_line(mentee.user, mentor.user):
        raise ValidationError(
            _("You cannot ask %(name)s: nobody is matched with their own manager.")
            % {"name": mentor.user.display_name},
            code="reporting_line",
        )
    if seats.seats_left(mentor) <= 0:
        raise ValidationError(
            _("%(name)s has no seat left: choose another mentor.")
            % {"name": mentor.user.display_name},
            code="mentor_full",
        )
    waiting = MentorshipRequest.objects.filter(mentee=mentee, status=RequestStatus.OPEN).count()
    if waiting >= program.max_open_requests:
        raise ValidationError(
            _(
                "You already have %(count)s requests waiting, the most this program allows. "
                "Wait for an answer, or withdraw one first."
            )
            % {"count": waiting},
            code="too_many_open",
        )


def _send(
    *, mentee: Enrolment, mentor: Enrolment, message: str, forwarded_from=None
) -> MentorshipRequest:
    request = MentorshipRequest.objects.create(
        program=mentee.program,
        mentee=mentee,
        mentor=mentor,
        message=message,
        expires_at=timezone.now() + timedelta(days=mentee.program.request_expiry_days),
        forwarded_from=forwarded_from,
    )
    _schedule_expiry(request)
    return request


def _schedule_expiry(request: MentorshipRequest) -> None:
    """With a worker that runs tasks later, expire the request on time; otherwise the
    `expire_requests` command (cron) does it."""
    if not expire_request.get_backend().supports_defer:
        return
    pk, when = request.pk, request.expires_at
    transaction.on_commit(lambda: expire_request.using(run_after=when).enqueue(request_id=pk))


# Questions before deciding ----------------------------------------------------------------


@transaction.atomic
def request_ask(*, request: MentorshipRequest, by: User, body: str) -> RequestMessage:
    """The mentor asks the mentee something before deciding."""
    current = _locked(request)
    if by.pk != current.mentor.user_id:
        raise ValidationError(_("Only the mentor asked can ask questions."), code="not_mentor")
    return _post(current, by=by, body=body, kind="request_question", to=current.mentee.user)


@transaction.atomic
def request_reply(*, request: MentorshipRequest, by: User, body: str) -> RequestMessage:
    """The mentee answers the mentor's question."""
    current = _locked(request)
    if by.pk != current.mentee.user_id:
        raise ValidationError(_("Only the mentee can answer."), code="not_mentee")
    if not current.messages.exclude(author=by).exists():
        raise ValidationError(
            _("The mentor has not asked anything yet: your request's message is what they read."),
            code="nothing_asked",
        )
    return _post(current, by=by, body=body, kind="request_answer", to=current.mentor.user)


def _post(
    request: MentorshipRequest, *, by: User, body: str, kind: str, to: User
) -> RequestMessage:
    body = _clean_text(body, "body")
    if not is_acceptable(request):
        raise ValidationError(
            _("This request is no longer open (it is %(status)s).")
            % {"status": _status_text(request)},
            code="not_open",
        )
    message = RequestMessage.objects.create(request=request, author=by, body=body)
    notify(
        user=to,
        kind=kind,
        url=request_url(request),
        person=by.display_name,
        program=request.program.name,
    )
    return message


# Deciding ---------------------------------------------------------------------------------


@transaction.atomic
def request_accept(*, request: MentorshipRequest, by: User) -> Mentorship:
    """The mentor accepts: the pair's mentorship starts at once, the mentee's other requests
    are withdrawn, and everyone concerned is told."""
    first_look = MentorshipRequest.objects.select_related("mentor", "mentee__user").get(
        pk=request.pk
    )
    if by.pk != first_look.mentor.user_id:
        raise ValidationError(_("Only the mentor asked can accept."), code="not_mentor")
    _check_can_accept(first_look)
    score = _pair_score(first_look)
    # Lock both seats first, then read the request again: whoever comes second sees the
    # first one's mentorship (or the request already decided) and is refused.
    current, mentee, mentor = _locked_with_people(request)
    _check_can_accept(current)
    now = timezone.now()
    if not is_acceptable(current, now):
        raise ValidationError(
            _("This request expired on %(date)s: it can no longer be accepted.")
            % {"date": _when(current.expires_at)},
            code="expired",
        )
    if seats.seats_taken(mentee):
        raise ValidationError(
            _("%(name)s already has a mentorship in this program.")
            % {"name": mentee.user.display_name},
            code="already_matched",
        )
    if seats.seats_left(mentor) <= 0:
        raise ValidationError(
            _("You have no seat left (capacity %(capacity)s). End or finish a mentorship first.")
            % {"capacity": seats.capacity_of(mentor)},
            code="mentor_full",
        )
    mentorship = mentorship_create(
        program=current.program,
        mentors=[mentor],
        mentees=[mentee],
        origin=Origin.SELF_MATCH,
        by=by,
        status=MentorshipStatus.ACTIVE,
        score=score,
    )
    current.status = RequestStatus.ACCEPTED
    current.responded_at = now
    current.mentorship = mentorship
    current.save(update_fields=["status", "responded_at", "mentorship"])
    _withdraw_others(current)
    notify(
        user=mentee.user,
        kind="request_accepted",
        url=mentorship_url(mentorship),
        person=mentor.user.display_name,
        program=current.program.name,
    )
    return mentorship


def _check_can_accept(request: MentorshipRequest) -> None:
    if request.status == RequestStatus.WITHDRAWN and request.closed_note:
        raise IllegalTransition(
            _("%(name)s has just been matched with another mentor, so this request was withdrawn.")
            % {"name": request.mentee.user.display_name},
            code="illegal_transition",
        )
    REQUEST_STATES.check(request.status, RequestStatus.ACCEPTED)


def _withdraw_others(accepted: MentorshipRequest) -> None:
    withdraw_open_requests(mentee=accepted.mentee, keep=accepted)


def withdraw_open_requests(*, mentee: Enrolment, keep: MentorshipRequest | None = None) -> int:
    """The mentee has a mentor now (by a request, by hand or by a published run): their other
    open requests are withdrawn, and each of those mentors is told why. Returns how many."""
    others = list(
        MentorshipRequest.objects.select_for_update(of=("self",))
        .filter(mentee_id=mentee.pk, status=RequestStatus.OPEN)
        .exclude(pk=keep.pk if keep is not None else None)
        .select_related("mentor__user", "program")
    )
    note = _("Matched with another mentor")
    for other in others:
        REQUEST_STATES.check(other.status, RequestStatus.WITHDRAWN)
        other.status = RequestStatus.WITHDRAWN
        other.responded_at = timezone.now()
        other.closed_note = note
        other.save(update_fields=["status", "responded_at", "closed_note"])
        notify(
            user=other.mentor.user,
            kind="request_withdrawn_matched",
            url=request_url(other),
            person=mentee.user.display_name,
            program=other.program.name,
        )
    return len(others)


def _pair_score(request: MentorshipRequest) -> float | None:
    """The pair's match score, kept on the mentorship for the program's statistics."""
    try:
        problem = build_problem(
            request.program, mentees=[request.mentee], mentors=[request.mentor], for_run=False
        )
    except NoCriteria:
        return None
    return problem.pair_score(request.mentee, request.mentor)


@transaction.atomic
def request_decline(*, request: MentorshipRequest, by: User, reason: str) -> MentorshipRequest:
    """The mentor declines, saying why; the request may go on to the mentee's next choice."""
    reason = _clean_text(reason, "reason")
    current, _mentee, _mentor = _locked_with_people(request)
    if by.pk != current.mentor.user_id:
        raise ValidationError(_("Only the mentor asked can decline."), code="not_mentor")
    REQUEST_STATES.check(current.status, RequestStatus.DECLINED)
    current.status = RequestStatus.DECLINED
    current.responded_at = timezone.now()
    current.decline_reason = reason
    current.save(update_fields=["status", "responded_at", "decline_reason"])
    notify(
        user=current.mentee.user,
        kind="request_declined",
        url=request_url(current),
        person=by.display_name,
        program=current.program.name,
    )
    _forward(current)
    return current


@transaction.atomic
def request_withdraw(*, request: MentorshipRequest, by: User) -> MentorshipRequest:
    """The mentee takes their request back."""
    current, _mentee, _mentor = _locked_with_people(request)
    if by.pk != current.mentee.user_id:
        raise ValidationError(_("Only the mentee can withdraw their request."), code="not_mentee")
    REQUEST_STATES.check(current.status, RequestStatus.WITHDRAWN)
    current.status = RequestStatus.WITHDRAWN
    current.responded_at = timezone.now()
    current.save(update_fields=["status", "responded_at"])
    notify(
        user=current.mentor.user,
        kind="request_withdrawn",
        url=request_url(current),
        person=by.display_name,
        program=current.program.name,
    )
    return current


@transaction.atomic
def request_expire(*, request: MentorshipRequest) -> MentorshipRequest:
    """A request past its expiry, unanswered, expires; both people are told, and it may go on
    to the mentee's next choice."""
    current, _mentee, _mentor = _locked_with_people(request)
    REQUEST_STATES.check(current.status, RequestStatus.EXPIRED)
    if current.expires_at > timezone.now():
        raise ValidationError(
            _("This request does not expire before %(date)s.")
            % {"date": _when(current.expires_at)},
            code="not_due",
        )
    _expire(current)
    return current


def _expire(current: MentorshipRequest) -> None:
    """Expire a request whose time is up; the caller holds the locks (the mentee's enrolment,
    then the request)."""
    REQUEST_STATES.check(current.status, RequestStatus.EXPIRED)
    current.status = RequestStatus.EXPIRED
    current.save(update_fields=["status"])
    program = current.program.name
    notify(
        user=current.mentee.user,
        kind="request_expired_mentee",
        url=request_url(current),
        person=current.mentor.user.display_name,
        program=program,
    )
    notify(
        user=current.mentor.user,
        kind="request_expired_mentor",
        url=request_url(current),
        person=current.mentee.user.display_name,
        program=program,
    )
    _forward(current)


def requests_expire_due(now: datetime | None = None) -> int:
    """Expire every open request whose time is up at `now` (default: now), each in its own
    transaction; how many expired."""
    now = now or timezone.now()
    due = MentorshipRequest.objects.filter(status=RequestStatus.OPEN, expires_at__lte=now)
    return sum(
        _expire_if_due(pk, now)
        for pk in list(due.order_by("expires_at", "pk").values_list("pk", flat=True))
    )


@transaction.atomic
def _expire_if_due(pk: int, now: datetime) -> bool:
    request = MentorshipRequest.objects.filter(pk=pk).first()
    if request is None:
        return False
    current, _mentee, _mentor = _locked_with_people(request)
    if current.status != RequestStatus.OPEN or current.expires_at > now:
        return False  # answered or withdrawn in the meantime
    _expire(current)
    return True


# Forwarding -------------------------------------------------------------------------------


def _forward(request: MentorshipRequest) -> MentorshipRequest | None:
    """Send a declined or expired request on to the mentee's next choice: the first mentor on
    their list not yet asked, with a seat, not excluded. Within the caller's transaction, which
    holds the lock on the mentee's enrolment."""
    program = request.program
    if not program.forward_requests or not program.mentees_choose:
        return None
    if program.status not in REQUESTS_OPEN_IN:
        return None
    mentee = request.mentee
    if mentee.status != EnrolmentStatus.APPROVED or seats.seats_taken(mentee):
        return None
    waiting = MentorshipRequest.objects.filter(mentee=mentee, status=RequestStatus.OPEN).count()
    if waiting >= program.max_open_requests:
        return None
    asked = set(MentorshipRequest.objects.filter(mentee=mentee).values_list("mentor_id", flat=True))
    excluded = set(
        Exclusion.objects.filter(program=program, mentee=mentee).values_list("mentor_id", flat=True)
    )
    choices = (
        Choice.objects.filter(mentee=mentee)
        .exclude(mentor_id__in=asked | excluded)
        .select_related("mentor__user", "mentor__program")
        .order_by("position", "pk")
    )
    for choice in choices:
        mentor = choice.mentor
        if mentor.status != EnrolmentStatus.APPROVED or mentor.role != Role.MENTOR:
            continue
        if seats.seats_left(mentor) <= 0 or reporting_line(mentee.user, mentor.user):
            continue
        forwarded = _send(
            mentee=mentee, mentor=mentor, message=request.message, forwarded_from=request
        )
        notify(
            user=mentee.user,
            kind="request_forwarded",
            url=request_url(forwarded),
            person=mentor.user.display_name,
            program=program.name,
        )
        notify(
            user=mentor.user,
            kind="request_received",
            url=request_url(forwarded),
            person=mentee.user.display_name,
            program=program.name,
        )
        return forwarded
    return None


# Helpers ----------------------------------------------------------------------------------


def _locked_with_people(
    request: MentorshipRequest,
) -> tuple[MentorshipRequest, Enrolment, Enrolment]:
    """Lock the mentee's and the mentor's enrolments, then the request: every transition takes
    its locks in this order (enrolments by primary key, then requests), so two of them never
    wait on each other in a cycle."""
    ids = MentorshipRequest.objects.values_list("mentee_id", "mentor_id").get(pk=request.pk)
    locked = seats.lock(Enrolment(pk=pk) for pk in ids)
    return _locked(request), locked[ids[0]], locked[ids[1]]


def _locked(request: MentorshipRequest) -> MentorshipRequest:
    return (
        MentorshipRequest.objects.select_for_update(of=("self",))
        .select_related("program", "mentee__user", "mentor__user", "mentee__program")
        .get(pk=request.pk)
    )


def _clean_text(text: str, key: str) -> str:
    text = (text or "").strip()
    messages = {
        "message": _("Write a short message to the mentor: who you are and what you hope for."),
        "body": _("Write your message."),
        "reason": _("Say briefly why, so the mentee can choose better next time."),
    }
    if not text:
        raise ValidationError({key: messages[key]}, code="required")
    if len(text) > MESSAGE_MAX:
        raise ValidationError(
            {key: _("Keep it under %(max)s characters.") % {"max": MESSAGE_MAX}}, code="too_long"
        )
    return text


def _status_text(request: MentorshipRequest) -> str:
    if request.status == RequestStatus.OPEN:
        return _("expired")
    return request.get_status_display().lower()


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")

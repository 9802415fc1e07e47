"""Mentee requests, through the services: every rule, the bad paths (a clear error and nothing
changed), forwarding to the next choice, expiry, and who is told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from lodestar.core.states import IllegalTransition
from lodestar.engagement.models import Notification
from lodestar.matches.models import Choice, Exclusion, MentorshipRequest, RequestMessage
from lodestar.matches.request_tasks import expire_request
from lodestar.matches.services.requests import (
    request_accept,
    request_ask,
    request_create,
    request_decline,
    request_expire,
    request_reply,
    request_withdraw,
    requests_expire_due,
)
from lodestar.mentorships.models import Membership, Mentorship
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def chooser(program):
    """The spring program, where mentees choose their mentor."""
    program.matching_mode = "mentee_choice"
    program.save()
    return program


@pytest.fixture
def mentee_e(chooser, mentee):
    return Enrolment.objects.get(program=chooser, user=mentee)


@pytest.fixture
def mentor_e(chooser, mentor):
    return Enrolment.objects.get(program=chooser, user=mentor)


def add_mentor(program, name: str, capacity: int = 1) -> Enrolment:
    user = factories.make_user(f"{name.lower()}@example.com", name=name)
    return factories.make_enrolment(program, user, role="mentor", capacity=capacity)


def add_mentee(program, name: str) -> Enrolment:
    user = factories.make_user(f"{name.lower()}@example.com", name=name)
    return factories.make_enrolment(program, user, role="mentee")


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def create(mentee_e, mentor_e, message="Hello, I would like to learn data work."):
    return request_create(mentee=mentee_e, mentor=mentor_e, message=message, by=mentee_e.user)


# Sending ------------------------------------------------------------------------------------


def test_mentee_sends_a_request_the_mentor_is_told_by_email(
    mentee_e, mentor_e, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = create(mentee_e, mentor_e)
    assert sent.status == "open"
    expected = timezone.now() + timedelta(days=7)
    assert abs((sent.expires_at - expected).total_seconds()) < 60
    assert kinds(mentor_e.user) == ["request_received"]
    assert [m.to for m in mail.outbox] == [["mentor@example.com"]]
    assert "Mia Mentee asks you to be their mentor in Spring Cohort" in mail.outbox[0].body


def test_the_expiry_follows_the_programs_setting(chooser, mentee_e, mentor_e):
    chooser.request_expiry_days = 2
    chooser.save()
    sent = create(mentee_e, mentor_e)
    assert abs((sent.expires_at - timezone.now() - timedelta(days=2)).total_seconds()) < 60


def assert_refused(text, call):
    """The call fails with a message containing text, and no request or notice is added."""
    requests, notices = MentorshipRequest.objects.count(), Notification.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert MentorshipRequest.objects.count() == requests
    assert Notification.objects.count() == notices
    said = " ".join(caught.value.messages)
    assert text in said, said
    return caught.value


def test_only_the_mentee_can_send_their_request(mentee_e, mentor_e, outsider):
    assert_refused(
        "Only the mentee",
        lambda: request_create(mentee=mentee_e, mentor=mentor_e, message="Hi", by=outsider),
    )


def test_no_requests_where_coordinators_match(program, mentee, mentor):
    mentee_e = Enrolment.objects.get(program=program, user=mentee)
    mentor_e = Enrolment.objects.get(program=program, user=mentor)
    assert_refused("coordinators make the matches", lambda: create(mentee_e, mentor_e))


@pytest.mark.parametrize("status", ["draft", "closing", "archived"])
def test_no_requests_while_the_program_is_not_open_for_them(chooser, mentee_e, mentor_e, status):
    chooser.status = status
    chooser.save()
    assert_refused("does not take requests", lambda: create(mentee_e, mentor_e))


@pytest.mark.parametrize("message", ["", "   "])
def test_a_message_is_required(mentee_e, mentor_e, message):
    error = assert_refused("short message", lambda: create(mentee_e, mentor_e, message))
    assert "message" in error.message_dict


def test_a_message_is_at_most_2000_characters(mentee_e, mentor_e):
    assert_refused("under 2000", lambda: create(mentee_e, mentor_e, "x" * 2001))


def test_at_most_the_programs_number_of_open_requests(chooser, mentee_e, mentor_e):
    chooser.max_open_requests = 2
    chooser.save()
    create(mentee_e, mentor_e)
    create(mentee_e, add_mentor(chooser, "Bea"))
    assert_refused("2 requests waiting", lambda: create(mentee_e, add_mentor(chooser, "Cal")))


def test_no_second_open_request_to_the_same_mentor(mentee_e, mentor_e):
    create(mentee_e, mentor_e)
    assert_refused("already waiting", lambda: create(mentee_e, mentor_e))


def test_a_full_mentor_cannot_be_asked(chooser, mentee_e):
    full = add_mentor(chooser, "Fay", capacity=1)
    factories.make_mentorship(chooser, mentor=full, mentees=[add_mentee(chooser, "Other")])
    assert_refused("no seat left", lambda: create(mentee_e, full))


def test_an_excluded_pair_cannot_be_asked(chooser, mentee_e, mentor_e):
    Exclusion.objects.create(program=chooser, mentee=mentee_e, mentor=mentor_e)
    assert_refused("cannot ask Max Mentor", lambda: create(mentee_e, mentor_e))


def test_a_mentee_with_a_mentorship_cannot_ask(chooser, mentee_e, mentor_e):
    factories.make_mentorship(chooser, mentor=add_mentor(chooser, "Gus", 3), mentees=[mentee_e])
    assert_refused("already have a mentorship", lambda: create(mentee_e, mentor_e))


def test_a_mentor_who_declined_cannot_be_asked_again(mentee_e, mentor_e):
    factories.make_request(mentee_e, mentor_e, status="declined")
    assert_refused("already declined", lambda: create(mentee_e, mentor_e))


def test_an_expired_or_withdrawn_request_can_be_sent_again(mentee_e, mentor_e):
    factories.make_request(mentee_e, mentor_e, status="expired")
    factories.make_request(mentee_e, mentor_e, status="withdrawn")
    assert create(mentee_e, mentor_e).status == "open"


def test_only_mentors_of_the_program_can_be_asked(chooser, mentee_e, other_program, outsider):
    elsewhere = factories.make_enrolment(other_program, outsider, role="mentor")
    assert_refused("not a mentor in this program", lambda: create(mentee_e, elsewhere))
    fellow = add_mentee(chooser, "Fellow")
    assert_refused("not a mentor in this program", lambda: create(mentee_e, fellow))


TASKS_DEFERRED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_expiry_is_scheduled_when_the_worker_runs_tasks_later(
    mentee_e, mentor_e, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=TASKS_DEFERRED):
        backend = expire_request.get_backend()
        with django_capture_on_commit_callbacks(execute=True):
            sent = create(mentee_e, mentor_e)
        scheduled = [r for r in backend.results if r.task.name == "expire_request"]
    assert len(scheduled) == 1
    assert scheduled[0].kwargs == {"request_id": sent.pk}
    assert scheduled[0].task.run_after == sent.expires_at


# Questions -------------------------------------------------------------------------------


def test_mentor_asks_and_mentee_answers_each_is_told(
    mentee_e, mentor_e, django_capture_on_commit_callbacks
):
    sent = create(mentee_e, mentor_e)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_ask(request=sent, by=mentor_e.user, body="What is your goal for June?")
        request_reply(request=sent, by=mentee_e.user, body="Ship my first dashboard.")
    bodies = list(RequestMessage.objects.filter(request=sent).values_list("body", flat=True))
    assert bodies == ["What is your goal for June?", "Ship my first dashboard."]
    assert kinds(mentee_e.user) == ["request_question"]
    assert kinds(mentor_e.user) == ["request_received", "request_answer"]
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]


def test_only_the_mentor_asks_and_only_the_mentee_answers(mentee_e, mentor_e, outsider):
    sent = create(mentee_e, mentor_e)
    with pytest.raises(ValidationError, match="Only the mentor"):
        request_ask(request=sent, by=mentee_e.user, body="?")
    with pytest.raises(ValidationError, match="Only the mentee"):
        request_reply(request=sent, by=outsider, body="!")
    assert not RequestMessage.objects.exists()


def test_the_mentee_answers_only_once_asked(mentee_e, mentor_e):
    sent = create(mentee_e, mentor_e)
    with pytest.raises(ValidationError, match="not asked anything"):
        request_reply(request=sent, by=mentee_e.user, body="More about me")
    assert not RequestMessage.objects.exists()


def test_no_questions_on_a_decided_request(mentee_e, mentor_e):
    sent = factories.make_request(mentee_e, mentor_e, status="declined")
    with pytest.raises(ValidationError, match="no longer open"):
        request_ask(request=sent, by=mentor_e.user, body="Still there?")
    assert not RequestMessage.objects.exists()


def test_a_question_needs_words(mentee_e, mentor_e):
    sent = create(mentee_e, mentor_e)
    with pytest.raises(ValidationError, match="Write your message"):
        request_ask(request=sent, by=mentor_e.user, body="  ")
    assert not RequestMessage.objects.exists()


# Accepting --------------------------------------------------------------------------------


def test_accepting_starts_the_mentorship_and_withdraws_the_other_requests(
    chooser, mentee_e, mentor_e, django_capture_on_commit_callbacks
):
    other = add_mentor(chooser, "Bea")
    sent = create(mentee_e, mentor_e)
    elsewhere = create(mentee_e, other)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mentorship = request_accept(request=sent, by=mentor_e.user)
    assert mentorship.status == "active" and mentorship.origin == "self_match"
    members = set(
        Membership.objects.filter(mentorship=mentorship).values_list(
            "enrolment_id", "role", "response"
        )
    )
    assert members == {(mentor_e.pk, "mentor", "accepted"), (mentee_e.pk, "mentee", "accepted")}
    sent.refresh_from_db()
    assert sent.status == "accepted" and sent.mentorship == mentorship and sent.responded_at
    elsewhere.refresh_from_db()
    assert elsewhere.status == "withdrawn"
    assert elsewhere.closed_note == "Matched with another mentor"
    assert kinds(mentee_e.user) == ["request_accepted"]
    assert kinds(other.user) == ["request_received", "request_withdrawn_matched"]
    assert sorted(m.to[0] for m in mail.outbox) == ["bea@example.com", "mentee@example.com"]
    assert "Max Mentor accepted your request in Spring Cohort" in next(
        m.body for m in mail.outbox if m.to == ["mentee@example.com"]
    )


def assert_accept_refused(request, by, text):
    with pytest.raises(ValidationError) as caught:
        request_accept(request=request, by=by)
    assert text in " ".join(caught.value.messages)
    assert not Mentorship.objects.exists()
    status = request.status
    request.refresh_from_db()
    assert request.status == status and request.mentorship is None
    return caught.value


def test_only_the_mentor_asked_can_accept(mentee_e, mentor_e, coordinator):
    sent = create(mentee_e, mentor_e)
    assert_accept_refused(sent, mentee_e.user, "Only the mentor")
    assert_accept_refused(sent, coordinator, "Only the mentor")


def test_an_expired_request_cannot_be_accepted(mentee_e, mentor_e):
    late = factories.make_request(mentee_e, mentor_e, expires_in=timedelta(minutes=-1))
    assert_accept_refused(late, mentor_e.user, "expired")


@pytest.mark.parametrize("status", ["withdrawn", "declined", "expired", "accepted"])
def test_a_decided_request_cannot_be_accepted(mentee_e, mentor_e, status):
    decided = factories.make_request(mentee_e, mentor_e, status=status)
    error = assert_accept_refused(decided, mentor_e.user, "cannot go from")
    assert isinstance(error, IllegalTransition)


def test_a_full_mentor_cannot_accept(chooser, mentee_e):
    full = add_mentor(chooser, "Fay", capacity=1)
    sent = create(mentee_e, full)
    factories.make_mentorship(chooser, mentor=full, mentees=[add_mentee(chooser, "Earlier")])
    with pytest.raises(ValidationError, match="no seat left"):
        request_accept(request=sent, by=full.user)
    sent.refresh_from_db()
    assert sent.status == "open"
    assert Mentorship.objects.count() == 1


def test_a_mentee_matched_meanwhile_cannot_be_accepted(chooser, mentee_e, mentor_e):
    sent = create(mentee_e, mentor_e)
    factories.make_mentorship(chooser, mentor=add_mentor(chooser, "Gus", 2), mentees=[mentee_e])
    with pytest.raises(ValidationError, match="already has a mentorship"):
        request_accept(request=sent, by=mentor_e.user)
    sent.refresh_from_db()
    assert sent.status == "open"


def test_accepting_keeps_the_pair_score(chooser, mentee_e, mentor_e):
    asked, offered = factories.make_criterion(chooser, label="Topics")
    factories.make_answer(mentee_e, asked, ["Design", "Data"])
    factories.make_answer(mentor_e, offered, ["Data"])
    mentorship = request_accept(request=create(mentee_e, mentor_e), by=mentor_e.user)
    assert mentorship.score == pytest.approx(50)


# Declining, withdrawing ---------------------------------------------------------------------


def test_declining_needs_a_reason_and_tells_the_mentee(
    mentee_e, mentor_e, django_capture_on_commit_callbacks
):
    sent = create(mentee_e, mentor_e)
    with pytest.raises(ValidationError) as caught:
        request_decline(request=sent, by=mentor_e.user, reason=" ")
    assert "reason" in caught.value.message_dict
    sent.refresh_from_db()
    assert sent.status == "open"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_decline(request=sent, by=mentor_e.user, reason="My seats go to designers.")
    sent.refresh_from_db()
    assert sent.status == "declined" and sent.decline_reason == "My seats go to designers."
    assert kinds(mentee_e.user) == ["request_declined"]
    assert [m.to for m in mail.outbox] == [["mentee@example.com"]]


def test_only_the_mentor_declines_and_only_once(mentee_e, mentor_e):
    sent = create(mentee_e, mentor_e)
    with pytest.raises(ValidationError, match="Only the mentor"):
        request_decline(request=sent, by=mentee_e.user, reason="No")
    request_decline(request=sent, by=mentor_e.user, reason="No seat for this topic")
    with pytest.raises(IllegalTransition):
        request_decline(request=sent, by=mentor_e.user, reason="Again")


def test_the_mentee_withdraws_and_the_mentor_is_told(mentee_e, mentor_e):
    sent = create(mentee_e, mentor_e)
    with pytest.raises(ValidationError, match="Only the mentee"):
        request_withdraw(request=sent, by=mentor_e.user)
    request_withdraw(request=sent, by=mentee_e.user)
    sent.refresh_from_db()
    assert sent.status == "withdrawn"
    assert kinds(mentor_e.user) == ["request_received", "request_withdrawn"]
    with pytest.raises(IllegalTransition):
        request_withdraw(request=sent, by=mentee_e.user)


# Forwarding ---------------------------------------------------------------------------------


def choose(mentee_e, *mentors):
    for position, mentor in enumerate(mentors, start=1):
        Choice.objects.create(mentee=mentee_e, mentor=mentor, position=position)


def test_a_declined_request_goes_on_to_the_next_choice(
    chooser, mentee_e, mentor_e, django_capture_on_commit_callbacks
):
    asked_already, full, excluded, next_one, later = (
        add_mentor(chooser, name) for name in ("Ann", "Fay", "Xen", "Ned", "Lou")
    )
    factories.make_request(mentee_e, asked_already, status="expired")
    factories.make_mentorship(chooser, mentor=full, mentees=[add_mentee(chooser, "Sat")])
    Exclusion.objects.create(program=chooser, mentee=mentee_e, mentor=excluded)
    choose(mentee_e, mentor_e, asked_already, full, excluded, next_one, later)
    sent = create(mentee_e, mentor_e, "Please mentor me in data.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_decline(request=sent, by=mentor_e.user, reason="Full of data people.")
    forwarded = MentorshipRequest.objects.get(forwarded_from=sent)
    assert forwarded.mentor == next_one and forwarded.status == "open"
    assert forwarded.message == "Please mentor me in data."
    assert kinds(mentee_e.user) == ["request_declined", "request_forwarded"]
    assert kinds(next_one.user) == ["request_received"]
    assert not Notification.objects.filter(user=later.user).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mentee@example.com",
        "mentee@example.com",
        "ned@example.com",
    ]


def test_an_expired_request_goes_on_to_the_next_choice(chooser, mentee_e, mentor_e):
    next_one = add_mentor(chooser, "Ned")
    choose(mentee_e, next_one)
    late = factories.make_request(mentee_e, mentor_e, expires_in=timedelta(hours=-1))
    assert requests_expire_due() == 1
    late.refresh_from_db()
    assert late.status == "expired"
    assert MentorshipRequest.objects.get(forwarded_from=late).mentor == next_one
    assert kinds(mentee_e.user) == ["request_expired_mentee", "request_forwarded"]
    assert kinds(mentor_e.user) == ["request_expired_mentor"]


def test_nothing_is_forwarded_when_the_program_does_not_forward(chooser, mentee_e, mentor_e):
    chooser.forward_requests = False
    chooser.save()
    choose(mentee_e, add_mentor(chooser, "Ned"))
    request_decline(request=create(mentee_e, mentor_e), by=mentor_e.user, reason="No seat")
    assert MentorshipRequest.objects.count() == 1
    assert kinds(mentee_e.user) == ["request_declined"]


def test_forwarding_respects_the_open_request_limit(chooser, mentee_e, mentor_e):
    chooser.max_open_requests = 2
    chooser.save()
    choose(mentee_e, add_mentor(chooser, "Ned"))
    create(mentee_e, add_mentor(chooser, "Ann"))
    first = create(mentee_e, mentor_e)
    # Two open: declining one leaves one, so the next choice gets the freed place.
    request_decline(request=first, by=mentor_e.user, reason="No seat")
    assert MentorshipRequest.objects.filter(status="open").count() == 2
    create_third = add_mentor(chooser, "Ivy")
    with pytest.raises(ValidationError):
        create(mentee_e, create_third)


def test_forwarding_skips_when_the_limit_is_reached(chooser, mentee_e, mentor_e):
    chooser.max_open_requests = 2
    chooser.save()
    choose(mentee_e, add_mentor(chooser, "Ned"))
    create(mentee_e, add_mentor(chooser, "Ann"))
    create(mentee_e, add_mentor(chooser, "Bob"))
    # Two others are open, the most allowed: when this one expires, nothing goes on.
    late = factories.make_request(mentee_e, mentor_e, expires_in=timedelta(hours=-1))
    request_expire(request=late)
    assert not MentorshipRequest.objects.filter(forwarded_from=late).exists()


def test_nothing_is_forwarded_without_a_next_choice(mentee_e, mentor_e):
    request_decline(request=create(mentee_e, mentor_e), by=mentor_e.user, reason="No seat")
    assert MentorshipRequest.objects.count() == 1


# Expiry -------------------------------------------------------------------------------------


def test_expiry_tells_both_and_leaves_requests_not_yet_due(
    chooser, mentee_e, mentor_e, django_capture_on_commit_callbacks
):
    late = factories.make_request(mentee_e, mentor_e, expires_in=timedelta(minutes=-5))
    on_time = factories.make_request(mentee_e, add_mentor(chooser, "Ivy"))
    answered = factories.make_request(
        mentee_e, add_mentor(chooser, "Ole"), status="declined", expires_in=timedelta(days=-1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_expire_due() == 1
    for request, status in ((late, "expired"), (on_time, "open"), (answered, "declined")):
        request.refresh_from_db()
        assert request.status == status
    assert kinds(mentee_e.user) == ["request_expired_mentee"]
    assert kinds(mentor_e.user) == ["request_expired_mentor"]
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]


def test_a_request_not_yet_due_does_not_expire(mentee_e, mentor_e):
    sent = create(mentee_e, mentor_e)
    with pytest.raises(ValidationError, match="does not expire before"):
        request_expire(request=sent)
    sent.refresh_from_db()
    assert sent.status == "open"


def test_the_expiry_task_expires_a_due_request_once(mentee_e, mentor_e):
    on_time = create(mentee_e, add_mentor(mentee_e.program, "Ivy"))
    late = factories.make_request(mentee_e, mentor_e, expires_in=timedelta(seconds=-1))
    assert expire_request.call(request_id=late.pk) is True
    assert expire_request.call(request_id=late.pk) is False
    assert expire_request.call(request_id=on_time.pk) is False
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.status, on_time.status) == ("expired", "open")


def test_the_expire_requests_command_says_how_many(mentee_e, mentor_e, capsys):
    factories.make_request(mentee_e, mentor_e, expires_in=timedelta(seconds=-1))
    call_command("expire_requests")
    assert "Expired 1 request." in capsys.readouterr().out
    call_command("expire_requests")
    assert "Expired 0 requests." in capsys.readouterr().out


def test_requests_past_their_time_expire_before_a_new_one_is_sent(chooser, mentee_e, mentor_e):
    chooser.max_open_requests = 1
    chooser.save()
    late = factories.make_request(mentee_e, mentor_e, expires_in=timedelta(minutes=-1))
    again = create(mentee_e, mentor_e)
    late.refresh_from_db()
    assert late.status == "expired" and again.status == "open"
    assert kinds(mentee_e.user) == ["request_expired_mentee"]
    assert kinds(mentor_e.user) == ["request_expired_mentor", "request_received"]


def test_expiry_runs_as_of_the_time_given(mentee_e, mentor_e):
    sent = create(mentee_e, mentor_e)
    assert requests_expire_due(now=timezone.now()) == 0
    assert requests_expire_due(now=sent.expires_at + timedelta(seconds=1)) == 1
    sent.refresh_from_db()
    assert sent.status == "expired"

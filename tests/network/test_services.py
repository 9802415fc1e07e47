from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from lodestar.engagement.models import Notification
from lodestar.network.models import Introduction, Referral
from lodestar.network.services import (
    directory_listing_update,
    introduction_answer,
    introduction_propose,
    introductions_remind_due,
    referral_create,
)
from lodestar.network.states import INTRODUCTION_STATES, IntroductionStatus
from lodestar.programs.models import Enrolment
from tests import factories


def kinds(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_proposing_asks_both_people(intro, mentee, third, mentor):
    assert intro.status == IntroductionStatus.PROPOSED
    assert kinds(mentee) == ["introduction_proposed"]
    assert kinds(third) == ["introduction_proposed"]
    assert kinds(mentor) == []


def test_proposing_emails_both_people(
    pair, mentor, mentee, third, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        introduction_propose(
            mentorship=pair, introducer=mentor, mentee=mentee, other=third, note="Say hello."
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "tess@example.com"]


def test_only_the_mentor_can_introduce(pair, mentee, third):
    with pytest.raises(ValidationError, match="Only the mentor"):
        introduction_propose(
            mentorship=pair, introducer=mentee, mentee=mentee, other=third, note="Hi."
        )
    assert not Introduction.objects.exists()


def test_cannot_introduce_someone_who_is_not_your_mentee(pair, mentor, third, outsider):
    with pytest.raises(ValidationError, match="not your mentee"):
        introduction_propose(
            mentorship=pair, introducer=mentor, mentee=outsider, other=third, note="Hi."
        )
    assert not Introduction.objects.exists()


def test_cannot_introduce_the_mentee_to_themselves(pair, mentor, mentee):
    with pytest.raises(ValidationError) as error:
        introduction_propose(
            mentorship=pair, introducer=mentor, mentee=mentee, other=mentee, note="Hi."
        )
    assert "themselves" in str(error.value)
    assert not Introduction.objects.exists()


def test_cannot_introduce_to_a_stranger_who_is_not_listed(pair, mentor, mentee, outsider):
    with pytest.raises(ValidationError, match="directory or in your programs"):
        introduction_propose(
            mentorship=pair, introducer=mentor, mentee=mentee, other=outsider, note="Hi."
        )


def test_can_introduce_to_someone_listed_site_wide(pair, mentor, mentee, outsider):
    directory_listing_update(user=outsider, listed=True, scope="site")
    made = introduction_propose(
        mentorship=pair, introducer=mentor, mentee=mentee, other=outsider, note="Hi."
    )
    assert made.other == outsider


def test_a_note_is_required(pair, mentor, mentee, third):
    with pytest.raises(ValidationError):
        introduction_propose(
            mentorship=pair, introducer=mentor, mentee=mentee, other=third, note="   "
        )


def test_no_second_introduction_while_one_is_open(intro, pair, mentor, mentee, third):
    with pytest.raises(ValidationError, match="already been introduced"):
        introduction_propose(
            mentorship=pair, introducer=mentor, mentee=mentee, other=third, note="Again."
        )


def test_finished_mentorship_takes_no_introduction(pair, mentor, mentee, third):
    pair.status = "completed"
    pair.save()
    with pytest.raises(ValidationError, match="read-only"):
        introduction_propose(
            mentorship=pair, introducer=mentor, mentee=mentee, other=third, note="Hi."
        )


def test_mentee_then_other_accept_connects(intro, mentor, mentee, third):
    intro = introduction_answer(introduction=intro, user=mentee, accept=True)
    assert intro.status == IntroductionStatus.ACCEPTED_BY_MENTEE
    assert intro.mentee_answer == "accepted" and intro.other_answer == "pending"
    intro = introduction_answer(introduction=intro, user=third, accept=True)
    assert intro.status == IntroductionStatus.CONNECTED
    assert intro.connected_at is not None
    for person in (mentee, third):
        assert "introduction_connected" in kinds(person)
    assert kinds(mentor) == ["introduction_made"]  # the introducer hears both said yes


def test_other_then_mentee_accept_connects(intro, mentee, third):
    intro = introduction_answer(introduction=intro, user=third, accept=True)
    assert intro.status == IntroductionStatus.ACCEPTED_BY_OTHER
    intro = introduction_answer(introduction=intro, user=mentee, accept=True)
    assert intro.status == IntroductionStatus.CONNECTED


def test_either_side_declining_ends_it_and_only_the_introducer_hears(intro, mentor, mentee, third):
    intro = introduction_answer(introduction=intro, user=mentee, accept=True)
    intro = introduction_answer(introduction=intro, user=third, accept=False)
    assert intro.status == IntroductionStatus.DECLINED
    assert kinds(mentor) == ["introduction_declined"]
    assert kinds(mentee) == ["introduction_proposed"]  # nothing about the decline
    notice = Notification.objects.get(user=mentor)
    assert "Mia Mentee and Tess Third" in notice.params["other"]


def test_a_late_answer_after_a_decline_is_recorded_quietly(intro, mentor, mentee, third):
    introduction_answer(introduction=intro, user=mentee, accept=False)
    intro = introduction_answer(introduction=intro, user=third, accept=True)
    assert intro.status == IntroductionStatus.DECLINED
    assert intro.other_answer == "accepted"
    assert kinds(third) == ["introduction_proposed"]
    assert kinds(mentor) == ["introduction_declined"]


def test_answering_twice_is_refused(intro, mentee):
    introduction_answer(introduction=intro, user=mentee, accept=True)
    with pytest.raises(ValidationError, match="already answered"):
        introduction_answer(introduction=intro, user=mentee, accept=False)
    intro.refresh_from_db()
    assert intro.mentee_answer == "accepted"


def test_the_third_person_answers_only_for_themselves(intro, third):
    intro = introduction_answer(introduction=intro, user=third, accept=True)
    assert intro.mentee_answer == "pending"
    assert intro.other_answer == "accepted"
    assert intro.status != IntroductionStatus.CONNECTED


def test_the_introducer_and_others_cannot_answer(intro, mentor, outsider):
    for person in (mentor, outsider):
        with pytest.raises(ValidationError, match="Only the two people"):
            introduction_answer(introduction=intro, user=person, accept=True)
    intro.refresh_from_db()
    assert (intro.mentee_answer, intro.other_answer) == ("pending", "pending")


def test_state_machine_refuses_leaving_a_final_state():
    for final in (IntroductionStatus.CONNECTED, IntroductionStatus.DECLINED):
        with pytest.raises(ValidationError):
            INTRODUCTION_STATES.check(final, IntroductionStatus.PROPOSED)
    with pytest.raises(ValidationError):
        INTRODUCTION_STATES.check(IntroductionStatus.PROPOSED, IntroductionStatus.CONNECTED)


def test_reminders_go_once_to_whoever_has_not_answered(intro, mentee, third):
    introduction_answer(introduction=intro, user=mentee, accept=True)
    assert introductions_remind_due() == 0  # too early
    later = timezone.now() + timedelta(days=3, minutes=1)
    assert introductions_remind_due(now=later) == 1
    assert kinds(third) == ["introduction_reminder", "introduction_proposed"]
    assert "introduction_reminder" not in kinds(mentee)  # she has answered
    assert introductions_remind_due(now=later + timedelta(days=5)) == 0
    assert kinds(third).count("introduction_reminder") == 1


def test_no_reminder_for_finished_introductions(intro, mentee):
    introduction_answer(introduction=intro, user=mentee, accept=False)
    assert introductions_remind_due(now=timezone.now() + timedelta(days=4)) == 0


def test_remind_command(intro):
    Introduction.objects.filter(pk=intro.pk).update(created=timezone.now() - timedelta(days=4))
    out = StringIO()
    call_command("remind_introductions", stdout=out)
    assert "2 reminder(s) sent" in out.getvalue()  # the mentee and the third person
    intro.refresh_from_db()
    assert intro.reminded_at is not None


def test_referral_tells_the_mentee(pair, mentor, mentee):
    referral = referral_create(
        mentorship=pair,
        referrer=mentor,
        mentee=mentee,
        title="Junior cartographer",
        organisation="Atlas Ltd",
        link="https://example.com/job",
    )
    assert referral.pk
    assert kinds(mentee) == ["referral_made"]


def test_referral_only_by_the_mentor_for_their_mentee(pair, mentor, mentee, outsider):
    with pytest.raises(ValidationError):
        referral_create(mentorship=pair, referrer=mentee, mentee=mentee, title="Job")
    with pytest.raises(ValidationError):
        referral_create(mentorship=pair, referrer=mentor, mentee=outsider, title="Job")
    with pytest.raises(ValidationError):
        referral_create(
            mentorship=pair, referrer=mentor, mentee=mentee, title="Job", link="javascript:x"
        )
    assert not Referral.objects.exists()


def test_listing_rejects_an_unknown_scope(outsider):
    with pytest.raises(ValidationError):
        directory_listing_update(user=outsider, listed=True, scope="world")


def test_mentor_of_another_pair_cannot_use_this_mentorship(pair, program, mentee, third):
    other_mentor = factories.make_user("om@example.com", name="Olaf")
    enrolment = factories.make_enrolment(program, other_mentor, role="mentor")
    factories.make_mentorship(
        program,
        mentor=enrolment,
        mentees=[factories.make_enrolment(program, factories.make_user("x@example.com"))],
    )
    assert Enrolment.objects.filter(user=other_mentor).exists()
    with pytest.raises(ValidationError, match="not part of this mentorship"):
        introduction_propose(
            mentorship=pair, introducer=other_mentor, mentee=mentee, other=third, note="Hi."
        )

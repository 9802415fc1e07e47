"""Mutual feedback: who gives it, when, once or as often as they like, who is told, and who reads
what (the selectors hold the privacy rules)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from lodestar.engagement.models import Notification
from lodestar.evaluations import feedback
from lodestar.evaluations.models import MutualFeedback
from lodestar.mentorships.models import Mentorship
from tests import factories
from tests.evaluations.feedback_helpers import fresh, make_circle, make_pair, timed

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor, mentee)


def give(mentorship, by, about, **fields):
    values = {
        "point": "anytime",
        "rating": 4,
        "went_well": "We meet every week.",
        "could_improve": "Shorter agendas.",
        "visibility": "shared",
    }
    values.update(fields)
    return feedback.feedback_give(mentorship=mentorship, by=by, about=about, **values)


def refusal(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def set_status(mentorship, status) -> Mentorship:
    Mentorship.objects.filter(pk=mentorship.pk).update(status=status)
    return fresh(mentorship)


# --- giving feedback ---------------------------------------------------------------------------


def test_a_member_gives_feedback_and_the_person_it_is_about_is_told(pair, mentor, mentee):
    given = give(pair, mentee, mentor, rating=5)

    assert (given.author, given.about, given.rating, given.point) == (mentee, mentor, 5, "anytime")
    notice = Notification.objects.get(kind="feedback_received")
    assert notice.user == mentor
    assert notice.params["person"] == "Mia Mentee"
    assert notice.url == f"/mentorships/{pair.pk}/relationship-feedback/"
    assert not Notification.objects.filter(user=mentee).exists()


def test_feedback_for_the_coordinators_tells_nobody(pair, mentor, mentee):
    give(pair, mentee, mentor, visibility="coordinators")

    assert MutualFeedback.objects.get().visibility == "coordinators"
    assert not Notification.objects.exists()


def test_texts_are_trimmed_and_may_be_left_empty(pair, mentor, mentee):
    given = give(pair, mentor, mentee, went_well="  Good questions.  ", could_improve="")
    assert (given.went_well, given.could_improve) == ("Good questions.", "")


def test_anytime_feedback_may_be_given_again_and_again(pair, mentor, mentee):
    give(pair, mentee, mentor)
    give(pair, mentee, mentor, rating=3)
    assert MutualFeedback.objects.filter(point="anytime").count() == 2


# --- who gives it, about whom --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "other_coordinator"])
def test_only_members_give_feedback(pair, mentor, persona, request):
    error = refusal(lambda: give(pair, request.getfixturevalue(persona), mentor))
    assert error.code == "not_member"
    assert not MutualFeedback.objects.exists()


def test_feedback_is_about_another_member_of_the_same_mentorship(pair, mentor, mentee, outsider):
    for about in (outsider, mentee, None):
        error = refusal(lambda about=about: give(pair, mentee, about))
        assert error.message_dict["about"] == [
            "Give feedback to another member of this mentorship."
        ]
    assert not MutualFeedback.objects.exists()


def test_a_member_of_another_pair_is_not_someone_to_give_feedback_about(
    pair, program, mentee, coordinator
):
    other_mentor = factories.make_user("omar@example.com", name="Omar")
    other_mentee = factories.make_user("olga@example.com", name="Olga")
    make_pair(
        program,
        factories.make_enrolment(program, other_mentor, role="mentor").user,
        factories.make_enrolment(program, other_mentee).user,
    )
    error = refusal(lambda: give(pair, mentee, other_mentor))
    assert "about" in error.message_dict


@pytest.mark.parametrize("status", ["completed", "ended_early"])
def test_a_finished_mentorship_is_read_only(pair, mentor, mentee, status):
    error = refusal(lambda: give(set_status(pair, status), mentee, mentor))
    assert error.code == "read_only"
    assert not MutualFeedback.objects.exists()


def test_feedback_waits_until_the_mentorship_has_started(program, mentor, mentee):
    proposed = make_pair(program, mentor, mentee, status="proposed")
    Mentorship.objects.filter(pk=proposed.pk).update(start_date=None)
    error = refusal(lambda: give(fresh(proposed), mentee, mentor))
    assert error.message_dict["point"] == ["Feedback opens once the mentorship has started."]


# --- bad values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 6, -1, "4", 4.5, True, None])
def test_the_rating_is_a_whole_number_from_1_to_5(pair, mentor, mentee, rating):
    error = refusal(lambda: give(pair, mentee, mentor, rating=rating))
    assert error.message_dict["rating"] == ["Rate the relationship from 1 to 5."]
    assert not MutualFeedback.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("point", "someday"), ("point", ""), ("visibility", "everyone"), ("visibility", None)],
)
def test_unknown_points_and_audiences_are_refused(pair, mentor, mentee, field, value):
    error = refusal(lambda: give(pair, mentee, mentor, **{field: value}))
    assert field in error.message_dict
    assert not MutualFeedback.objects.exists()


def test_texts_longer_than_the_limit_are_refused(pair, mentor, mentee):
    error = refusal(lambda: give(pair, mentee, mentor, could_improve="x" * 3001))
    assert error.message_dict["could_improve"] == ["Keep it under 3000 characters."]


# --- the mid-point -------------------------------------------------------------------------------


def test_midpoint_feedback_opens_half_way_through(pair, mentor, mentee):
    early = timed(pair, started_days_ago=19, lasts_days=40)
    error = refusal(lambda: give(early, mentee, mentor, point="midpoint"))
    assert error.error_dict["point"][0].code == "not_open"
    assert "Mid-point feedback opens on" in error.message_dict["point"][0]

    on_the_day = timed(pair, started_days_ago=20, lasts_days=40)
    assert give(on_the_day, mentee, mentor, point="midpoint").point == "midpoint"


def test_midpoint_feedback_is_given_once_per_person(pair, mentor, mentee):
    give(pair, mentee, mentor, point="midpoint")
    error = refusal(lambda: give(pair, mentee, mentor, point="midpoint", rating=2))
    assert error.message_dict["point"] == [
        "You already gave your “Mid-point” feedback to Max Mentor."
    ]
    assert MutualFeedback.objects.get().rating == 4
    # The other member gives theirs all the same.
    give(pair, mentor, mentee, point="midpoint")


def test_in_a_circle_midpoint_feedback_is_once_per_person_it_is_about(coordinator):
    circle, guide, first, second = make_circle(coordinator)
    give(circle, guide, first, point="midpoint")
    give(circle, guide, second, point="midpoint")
    refusal(lambda: give(circle, guide, second, point="midpoint"))
    assert MutualFeedback.objects.filter(author=guide).count() == 2


def test_the_program_end_stands_in_for_a_missing_planned_end(pair, program, mentor, mentee):
    no_plan = timed(pair, started_days_ago=30, lasts_days=None)
    program.end_date = timezone.localdate() + timedelta(days=10)
    program.save(update_fields=["end_date"])
    assert feedback.midpoint(fresh(no_plan)) == timezone.localdate() - timedelta(days=10)
    give(fresh(no_plan), mentee, mentor, point="midpoint")


def test_without_any_end_date_there_is_no_midpoint(pair, mentor, mentee):
    open_ended = timed(pair, started_days_ago=300, lasts_days=None)
    error = refusal(lambda: give(open_ended, mentee, mentor, point="midpoint"))
    assert "no planned end date" in error.message_dict["point"][0]


def test_the_database_also_refuses_a_second_midpoint_feedback(pair, mentor, mentee):
    given = give(pair, mentee, mentor, point="midpoint")
    with pytest.raises(IntegrityError), transaction.atomic():
        MutualFeedback.objects.create(
            mentorship=pair, author=mentee, about=mentor, point="midpoint", rating=1
        )
    assert list(MutualFeedback.objects.all()) == [given]


# --- the end -------------------------------------------------------------------------------------


def test_end_feedback_opens_thirty_days_before_the_planned_end(pair, mentor, mentee):
    too_early = timed(pair, started_days_ago=60, lasts_days=91)
    error = refusal(lambda: give(too_early, mentee, mentor, point="end"))
    assert "30 days before the planned end" in error.message_dict["point"][0]

    last_month = timed(pair, started_days_ago=60, lasts_days=90)
    give(last_month, mentee, mentor, point="end")
    refusal(lambda: give(last_month, mentee, mentor, point="end"))


def test_end_feedback_opens_once_the_mentorship_is_closing(pair, mentor, mentee):
    open_ended = timed(pair, started_days_ago=10, lasts_days=None)
    refusal(lambda: give(open_ended, mentee, mentor, point="end"))
    assert give(set_status(open_ended, "closing"), mentee, mentor, point="end").point == "end"


def test_open_points_follow_the_calendar(pair):
    assert feedback.open_points(timed(pair, started_days_ago=1, lasts_days=100)) == ["anytime"]
    assert feedback.open_points(timed(pair, started_days_ago=50, lasts_days=100)) == [
        "midpoint",
        "anytime",
    ]
    assert feedback.open_points(timed(pair, started_days_ago=70, lasts_days=100)) == [
        "midpoint",
        "end",
        "anytime",
    ]


# --- who reads what ------------------------------------------------------------------------------


@pytest.fixture
def exchanged(pair, mentor, mentee):
    """The mentee shares feedback with the mentor and writes other feedback for the
    coordinators; the mentor shares feedback with the mentee."""
    return {
        "shared": give(pair, mentee, mentor, rating=4, went_well="Patient answers."),
        "private": give(
            pair,
            mentee,
            mentor,
            rating=2,
            went_well="",
            could_improve="Often late.",
            visibility="coordinators",
        ),
        "to_mentee": give(pair, mentor, mentee, rating=5, went_well="Great progress."),
    }


def test_a_member_reads_shared_feedback_about_them_and_all_they_wrote(
    pair, mentor, mentee, exchanged
):
    assert set(feedback.member_feedback(pair, mentor)) == {
        exchanged["shared"],
        exchanged["to_mentee"],
    }
    assert set(feedback.member_feedback(pair, mentee)) == set(exchanged.values())


def test_a_third_member_of_a_circle_reads_nothing_between_two_others(coordinator):
    circle, guide, first, second = make_circle(coordinator)
    give(circle, guide, first, went_well="Ana leads well.")
    give(circle, first, guide, visibility="coordinators")
    assert list(feedback.member_feedback(circle, second)) == []


def test_coordinators_read_every_rating_and_only_the_words_written_for_them(
    pair, coordinator, exchanged
):
    rows = {row.pk: row for row in feedback.mentorship_feedback_for_coordinator(pair, coordinator)}

    assert {row.rating for row in rows.values()} == {4, 2, 5}
    shared = rows[exchanged["shared"].pk]
    assert (shared.went_well, shared.could_improve, shared.words_shown) == ("", "", False)
    private = rows[exchanged["private"].pk]
    assert (private.could_improve, private.for_coordinators) == ("Often late.", True)
    assert rows[exchanged["to_mentee"].pk].went_well == ""


def test_a_coordinator_who_is_the_subject_does_not_read_words_about_them(coordinator, program):
    mentee = factories.make_user("mo@example.com", name="Mo")
    factories.make_enrolment(program, coordinator, role="mentor")
    factories.make_enrolment(program, mentee)
    pair = make_pair(program, coordinator, mentee)
    give(pair, mentee, coordinator, could_improve="Too busy.", visibility="coordinators")

    [row] = feedback.mentorship_feedback_for_coordinator(pair, coordinator)
    assert row.could_improve == ""
    assert row.rating == 4


def test_the_program_summary_counts_ratings_at_each_point(pair, mentor, mentee):
    give(pair, mentee, mentor, point="midpoint", rating=4)
    give(pair, mentor, mentee, point="midpoint", rating=2, visibility="coordinators")
    give(pair, mentee, mentor, rating=5)

    summary = {s.point: s for s in feedback.program_ratings(pair.program)}
    assert summary["midpoint"].given == 2
    assert summary["midpoint"].average == 3
    assert summary["midpoint"].counts == [0, 1, 0, 1, 0]
    assert summary["midpoint"].for_coordinators == 1
    assert (summary["anytime"].given, summary["anytime"].average) == (1, 5)
    assert (summary["end"].given, summary["end"].average) == (0, None)


def test_another_programs_feedback_stays_out_of_the_summary(pair, mentor, mentee, other_program):
    give(pair, mentee, mentor)
    assert all(s.given == 0 for s in feedback.program_ratings(other_program))
    assert not feedback.program_feedback_for_coordinator(other_program, mentor).exists()


# --- at the same instant -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks under real concurrency need PostgreSQL; SQLite serialises writers",
)
def test_two_midpoint_feedbacks_sent_at_once_keep_exactly_one(program, mentor, mentee):
    pair = make_pair(program, mentor, mentee)
    barrier = threading.Barrier(2)
    outcomes = []

    def send(rating):
        try:
            barrier.wait(timeout=10)
            outcomes.append(give(pair, mentee, mentor, point="midpoint", rating=rating))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(rating,)) for rating in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(o).__name__ for o in outcomes) == ["MutualFeedback", "ValidationError"]
    assert MutualFeedback.objects.filter(point="midpoint").count() == 1
    assert Notification.objects.filter(kind="feedback_received").count() == 1

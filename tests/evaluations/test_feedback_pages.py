"""The relationship feedback and progress review pages, the workspace panel and the coordinators'
summary: what each person sees, the forms, and a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.evaluations import feedback
from lodestar.evaluations.models import MutualFeedback, ProgressReview
from lodestar.mentorships import goals
from lodestar.mentorships.models import Goal
from tests.evaluations.feedback_helpers import make_circle, make_pair, timed

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor, mentee)  # 60 days into 100: the mid-point is open


@pytest.fixture
def exchanged(pair, mentor, mentee):
    give = feedback.feedback_give
    give(
        mentorship=pair,
        by=mentee,
        about=mentor,
        point="midpoint",
        rating=4,
        went_well="Patient answers.",
        could_improve="More examples.",
        visibility="shared",
    )
    give(
        mentorship=pair,
        by=mentee,
        about=mentor,
        point="anytime",
        rating=2,
        went_well="",
        could_improve="Often late to our calls.",
        visibility="coordinators",
    )
    give(
        mentorship=pair,
        by=mentor,
        about=mentee,
        point="anytime",
        rating=5,
        went_well="Great progress on the portfolio.",
        could_improve="",
        visibility="shared",
    )


def feedback_url(mentorship) -> str:
    return reverse("relationship_feedback", args=[mentorship.pk])


def reviews_url(mentorship) -> str:
    return reverse("progress_reviews", args=[mentorship.pk])


def page(client, user, address) -> str:
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


# --- the feedback page: who sees what ------------------------------------------------------------


def test_a_member_reads_feedback_shared_with_them_and_what_they_wrote(
    client, pair, mentor, mentee, exchanged
):
    as_mentor = page(client, mentor, feedback_url(pair))
    assert "Patient answers." in as_mentor
    assert "Great progress on the portfolio." in as_mentor
    assert "Often late to our calls." not in as_mentor

    as_mentee = page(client, mentee, feedback_url(pair))
    assert "Often late to our calls." in as_mentee  # they wrote it
    assert "For the coordinators only" in as_mentee


def test_a_third_member_of_a_circle_reads_nothing_between_two_others(client, coordinator):
    circle, guide, first, second = make_circle(coordinator)
    feedback.feedback_give(
        mentorship=circle,
        by=guide,
        about=first,
        point="anytime",
        rating=5,
        went_well="Ana runs our sessions well.",
    )
    content = page(client, second, feedback_url(circle))
    assert "Ana runs our sessions well." not in content
    assert "Nobody has shared feedback with you yet." in content


def test_coordinators_see_ratings_and_the_words_written_for_them_only(
    client, pair, coordinator, exchanged
):
    content = page(client, coordinator, feedback_url(pair))
    assert "Often late to our calls." in content
    assert "Patient answers." not in content
    assert "More examples." not in content
    assert "Great progress on the portfolio." not in content
    assert "4 of 5" in content and "5 of 5" in content
    assert "Give feedback" not in content


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_everyone_else_gets_a_404(client, pair, exchanged, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(feedback_url(pair)).status_code == 404
    assert client.get(reviews_url(pair)).status_code == 404
    assert client.post(feedback_url(pair), {"rating": "5"}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, pair):
    response = client.get(feedback_url(pair))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_coordinators_do_not_give_feedback_in_a_pair(client, pair, coordinator, mentor):
    client.force_login(coordinator)
    data = {"about": mentor.pk, "point": "anytime", "rating": "1", "visibility": "shared"}
    assert client.post(feedback_url(pair), data).status_code == 404
    assert not MutualFeedback.objects.exists()


# --- the feedback form ---------------------------------------------------------------------------


def test_the_form_offers_the_open_points_a_rating_group_and_explains_who_reads_it(
    client, pair, mentee
):
    content = page(client, mentee, feedback_url(pair))
    assert "<legend>How is the relationship going?</legend>" in content
    assert 'type="radio" name="rating" value="5"' in content
    assert 'value="midpoint"' in content and 'value="end"' not in content
    assert "the person it is about sees nothing of it" in content
    assert "Mid-point feedback is open for:" in content


def test_giving_feedback_through_the_page(client, pair, mentor, mentee):
    client.force_login(mentee)
    response = client.post(
        feedback_url(pair),
        {
            "about": mentor.pk,
            "point": "midpoint",
            "rating": "4",
            "went_well": "Clear advice.",
            "could_improve": "",
            "visibility": "coordinators",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == feedback_url(pair)
    assert "your feedback went to the coordinators" in response.content.decode().lower()
    given = MutualFeedback.objects.get()
    assert (given.about, given.point, given.rating, given.visibility) == (
        mentor,
        "midpoint",
        4,
        "coordinators",
    )


@pytest.mark.parametrize("rating", ["0", "6", ""])
def test_a_bad_rating_is_shown_next_to_the_field_and_saves_nothing(
    client, pair, mentor, mentee, rating
):
    client.force_login(mentee)
    response = client.post(
        feedback_url(pair),
        {"about": mentor.pk, "point": "anytime", "rating": rating, "visibility": "shared"},
    )
    assert response.status_code == 400
    assert 'id="id_rating_error"' in response.content.decode()
    assert not MutualFeedback.objects.exists()


def test_a_second_midpoint_feedback_is_refused_on_the_page(client, pair, mentor, mentee):
    data = {"about": mentor.pk, "point": "midpoint", "rating": "3", "visibility": "shared"}
    client.force_login(mentee)
    client.post(feedback_url(pair), data)
    response = client.post(feedback_url(pair), data)
    assert response.status_code == 400
    assert "You already gave your “Mid-point” feedback to Max Mentor." in response.content.decode()
    assert MutualFeedback.objects.count() == 1


def test_before_the_midpoint_the_page_says_when_it_opens(client, pair, mentee):
    timed(pair, started_days_ago=5, lasts_days=100)
    content = page(client, mentee, feedback_url(pair))
    assert "Mid-point feedback opens on" in content
    assert 'value="midpoint"' not in content


def test_a_finished_mentorship_shows_its_feedback_without_a_form(client, pair, mentor, exchanged):
    pair.status = "completed"
    pair.save(update_fields=["status"])
    content = page(client, mentor, feedback_url(pair))
    assert "Patient answers." in content
    assert "Send my feedback" not in content
    client.post(
        feedback_url(pair), {"about": 1, "point": "anytime", "rating": "3", "visibility": "shared"}
    )
    assert MutualFeedback.objects.count() == 3


# --- the coordinators' summary -------------------------------------------------------------------


def test_the_program_summary_shows_ratings_by_point_and_the_words_written_for_coordinators(
    client, program, pair, coordinator, exchanged
):
    content = page(client, coordinator, reverse("program_relationship_feedback", args=["spring"]))
    assert "Ratings at each point" in content
    assert "Often late to our calls." in content
    assert "Patient answers." not in content and "Great progress" not in content

    ours = page(
        client,
        coordinator,
        reverse("program_relationship_feedback", args=["spring"]) + "?for=coordinators",
    )
    assert ours.count(" of 5</td>") == 1
    assert "Often late to our calls." in ours


@pytest.mark.parametrize("persona", ["mentor", "outsider", "other_coordinator"])
def test_only_the_programs_coordinators_see_its_summary(client, program, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("program_relationship_feedback", args=["spring"]))
    assert response.status_code == 404


def test_the_program_page_links_to_the_summary(client, program, coordinator):
    content = page(client, coordinator, reverse("program_manage", args=["spring"]))
    assert reverse("program_relationship_feedback", args=["spring"]) in content


# --- progress reviews ----------------------------------------------------------------------------


@pytest.fixture
def talk(pair, mentee):
    return goals.goal_create(mentorship=pair, by=mentee, title="Give a conference talk")


def test_the_review_form_lists_each_open_goal(client, pair, mentee, mentor, talk):
    done = goals.goal_create(mentorship=pair, by=mentee, title="Read three books")
    goals.goal_update_progress(goal=done, by=mentee, status="achieved", progress=100)

    content = page(client, mentee, reviews_url(pair))
    assert "<legend>Give a conference talk · Mia Mentee</legend>" in content
    assert f'name="goal-{talk.pk}-status"' in content
    assert "Read three books" not in content

    as_mentor = page(client, mentor, reviews_url(pair))
    assert f'name="goal-{talk.pk}-status"' not in as_mentor
    assert f'name="goal-{talk.pk}-note"' in as_mentor


def test_a_review_through_the_page_moves_the_goal_and_shows_what_changed(
    client, pair, mentee, talk
):
    client.force_login(mentee)
    response = client.post(
        reviews_url(pair),
        {
            f"goal-{talk.pk}-status": "in_progress",
            f"goal-{talk.pk}-progress": "35",
            f"goal-{talk.pk}-note": "Talk accepted at a meetup.",
            "summary": "A good month.",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "Your progress review is recorded." in content
    assert "Not started → <strong>In progress</strong>" in content
    assert "0% → <strong>35%</strong>" in content
    assert "Talk accepted at a meetup." in content
    assert Goal.objects.get(pk=talk.pk).progress == 35


def test_progress_out_of_range_is_shown_next_to_the_field_and_changes_nothing(
    client, pair, mentee, talk
):
    client.force_login(mentee)
    response = client.post(
        reviews_url(pair),
        {f"goal-{talk.pk}-status": "in_progress", f"goal-{talk.pk}-progress": "500"},
    )
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    assert Goal.objects.get(pk=talk.pk).progress == 0
    assert not ProgressReview.objects.exists()


def test_a_move_the_goal_cannot_make_is_not_offered_nor_accepted(client, pair, mentee, talk):
    goals.goal_update_progress(goal=talk, by=mentee, status="in_progress", progress=10)
    client.force_login(mentee)
    content = client.get(reviews_url(pair)).content.decode()
    assert 'value="not_started"' not in content
    response = client.post(reviews_url(pair), {f"goal-{talk.pk}-status": "not_started"})
    assert response.status_code == 400
    assert Goal.objects.get(pk=talk.pk).status == "in_progress"
    assert not ProgressReview.objects.exists()


def test_a_mentor_may_not_move_a_mentees_goal_from_the_page(client, pair, mentor, talk):
    client.force_login(mentor)
    response = client.post(
        reviews_url(pair),
        {f"goal-{talk.pk}-status": "achieved", f"goal-{talk.pk}-note": "Great talk!"},
        follow=True,
    )
    # The mentor's form has no status for the mentee's goal: the note is kept, the goal stays.
    assert "Your progress review is recorded." in response.content.decode()
    assert Goal.objects.get(pk=talk.pk).status == "not_started"
    assert ProgressReview.objects.get().items.get().note == "Great talk!"


def test_coordinators_do_not_reach_the_reviews(client, pair, coordinator, talk):
    client.force_login(coordinator)
    assert client.get(reviews_url(pair)).status_code == 404
    assert client.post(reviews_url(pair), {"summary": "Hi"}).status_code == 404


# --- the workspace panel -------------------------------------------------------------------------


def test_the_workspace_tells_a_member_what_feedback_is_open(client, pair, mentor, mentee):
    content = page(client, mentee, reverse("mentorship_detail", args=[pair.pk]))
    assert "Feedback and progress reviews" in content
    assert "Mid-point feedback is open for:" in content
    assert feedback_url(pair) in content and reviews_url(pair) in content


def test_the_workspace_shows_coordinators_counts_not_words(client, pair, coordinator, exchanged):
    content = page(client, coordinator, reverse("mentorship_detail", args=[pair.pk]))
    assert "Feedback given</dt><dd>3</dd>" in content
    assert "3.7 of 5" in content
    assert "Patient answers." not in content and "Often late" not in content


# --- bounded queries -----------------------------------------------------------------------------


def queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_pages_take_as_many_queries_whatever_the_amount_of_feedback(
    client, pair, mentor, mentee, coordinator, talk
):
    def more(n):
        for i in range(n):
            for by, about, visibility in (
                (mentee, mentor, "shared"),
                (mentor, mentee, "coordinators"),
            ):
                feedback.feedback_give(
                    mentorship=pair,
                    by=by,
                    about=about,
                    point="anytime",
                    rating=1 + i % 5,
                    went_well=f"Note {i}",
                    visibility=visibility,
                )
            feedback.progress_review_create(
                mentorship=pair,
                by=mentee,
                summary=f"Review {i}",
                items=[
                    {
                        "goal": Goal.objects.get(pk=talk.pk),
                        "status": "in_progress",
                        "progress": 10 + i,
                        "note": "",
                    }
                ],
            )

    addresses = [
        (mentee, feedback_url(pair)),
        (mentee, reviews_url(pair)),
        (mentee, reverse("mentorship_detail", args=[pair.pk])),
        (coordinator, feedback_url(pair)),
        (coordinator, reverse("program_relationship_feedback", args=["spring"])),
        (coordinator, reverse("mentorship_detail", args=[pair.pk])),
    ]
    more(1)
    few = []
    for user, address in addresses:
        client.force_login(user)
        few.append(queries(client, address))
    more(8)
    many = []
    for user, address in addresses:
        client.force_login(user)
        many.append(queries(client, address))
    assert many == few

"""The rules of the library, recommendations and feedback on work, straight on the services."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lodestar.engagement.models import Notification
from lodestar.growth import services
from lodestar.growth.models import FeedbackComment, Recommendation, Resource, WorkFeedbackRequest
from lodestar.growth.states import FeedbackStatus
from lodestar.mentorships.models import Mentorship
from tests import factories
from tests.growth.conftest import EXE, PDF, ask, upload

pytestmark = pytest.mark.django_db


# Resources -------------------------------------------------------------------------------------


def test_coordinator_adds_a_tagged_resource(resource, program):
    assert resource.program == program
    assert [t.name for t in resource.tags.all()] == ["Communication"]


def test_mentor_may_add_to_their_programs_library(program, mentor):
    added = services.resource_add(
        program=program, by=mentor, kind="book", title="The Mentor’s Guide", url="https://x.org"
    )
    assert added.added_by == mentor


@pytest.mark.parametrize("who", ["mentee", "outsider", "other_coordinator"])
def test_others_may_not_add_resources(request, program, who):
    person = request.getfixturevalue(who)
    with pytest.raises(ValidationError):
        services.resource_add(
            program=program, by=person, kind="book", title="Nope", url="https://x.org"
        )
    assert not Resource.objects.exists()


def test_site_wide_resources_are_for_superusers(coordinator):
    with pytest.raises(ValidationError):
        services.resource_add(
            program=None, by=coordinator, kind="book", title="X", url="https://x.org"
        )
    admin = factories.make_user("admin@example.com", is_superuser=True)
    assert (
        services.resource_add(
            program=None, by=admin, kind="book", title="X", url="https://x.org"
        ).program
        is None
    )


def test_resource_needs_title_and_a_link_or_file(program, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.resource_add(program=program, by=coordinator, kind="nope", title=" ", url="")
    assert set(caught.value.message_dict) == {"title", "kind", "url"}
    with pytest.raises(ValidationError) as caught:
        services.resource_add(
            program=program, by=coordinator, kind="article", title="X", url="javascript:alert(1)"
        )
    assert "url" in caught.value.message_dict
    assert not Resource.objects.exists()


def test_resource_file_of_a_bad_type_is_refused(program, coordinator, media):
    with pytest.raises(ValidationError) as caught:
        services.resource_add(
            program=program, by=coordinator, kind="file", title="X", file=upload("x.exe", EXE)
        )
    assert "file" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.resource_add(
            program=program, by=coordinator, kind="file", title="X", file=upload("x.pdf", EXE)
        )
    assert "file" in caught.value.message_dict
    assert not Resource.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_resource_file_too_large_is_refused(program, coordinator, settings):
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        services.resource_add(
            program=program, by=coordinator, kind="file", title="X", file=upload("x.pdf", PDF)
        )
    assert "file" in caught.value.message_dict


def test_resource_with_a_good_file(program, coordinator):
    added = services.resource_add(
        program=program, by=coordinator, kind="template", title="X", file=upload("plan.pdf", PDF)
    )
    assert added.file_name == "plan.pdf"
    assert added.file_type == "application/pdf"
    assert "plan" not in added.file.name


def test_coordinator_curates_mentor_does_not(resource, coordinator, mentor, other_coordinator):
    services.resource_set_hidden(resource=resource, by=coordinator, hidden=True)
    resource.refresh_from_db()
    assert resource.hidden
    for person in (mentor, other_coordinator):
        with pytest.raises(ValidationError):
            services.resource_set_hidden(resource=resource, by=person, hidden=False)
        with pytest.raises(ValidationError):
            services.resource_edit(
                resource=resource, by=person, kind="book", title="Hacked", url="https://x.org"
            )
    resource.refresh_from_db()
    assert resource.hidden and resource.title == "Giving feedback well"
    services.resource_edit(
        resource=resource,
        by=coordinator,
        kind="video",
        title="Feedback",
        url="https://y.org",
        tags=["Listening"],
    )
    resource.refresh_from_db()
    assert (resource.kind, resource.title) == ("video", "Feedback")
    assert [t.name for t in resource.tags.all()] == ["Listening"]


# Recommendations -------------------------------------------------------------------------------


def test_mentor_recommends_to_their_mentee(
    resource, pair, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rec = services.recommendation_create(
            resource=resource, mentorship=pair, by=mentor, to=mentee, note="Read part 2"
        )
    assert rec.status == "new"
    notice = Notification.objects.get(user=mentee)
    assert notice.kind == "resource_recommended"
    assert notice.params["title"] == "Giving feedback well"
    assert [m.to for m in mail.outbox] == [[mentee.email]]


def test_recommending_twice_is_refused(resource, pair, mentor, mentee):
    services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=mentee)
    with pytest.raises(ValidationError):
        services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=mentee)
    assert Recommendation.objects.count() == 1


def test_non_mentor_cannot_recommend(resource, pair, mentee, outsider, coordinator):
    for person in (mentee, outsider, coordinator):
        with pytest.raises(ValidationError):
            services.recommendation_create(resource=resource, mentorship=pair, by=person, to=mentee)
    assert not Recommendation.objects.exists()


def test_cannot_recommend_to_someone_not_their_mentee(
    resource, pair, mentor, other_member, outsider
):
    for person in (other_member, outsider, mentor):
        with pytest.raises(ValidationError):
            services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=person)
    assert not Recommendation.objects.exists()


def test_cannot_recommend_hidden_or_other_programs_resource(
    resource, pair, mentor, mentee, other_program, other_coordinator
):
    foreign = services.resource_add(
        program=other_program,
        by=other_coordinator,
        kind="book",
        title="Elsewhere",
        url="https://x.org",
    )
    with pytest.raises(ValidationError):
        services.recommendation_create(resource=foreign, mentorship=pair, by=mentor, to=mentee)
    services.resource_set_hidden(
        resource=resource, by=pair.program.coordinators.first(), hidden=True
    )
    with pytest.raises(ValidationError):
        services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=mentee)
    assert not Recommendation.objects.exists()


def test_finished_mentorship_is_read_only(resource, pair, mentor, mentee):
    Mentorship.objects.filter(pk=pair.pk).update(status="completed")
    pair.refresh_from_db()
    with pytest.raises(ValidationError):
        services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=mentee)
    with pytest.raises(ValidationError):
        ask(pair, mentee)


def test_mentee_tracks_and_rates(resource, pair, mentor, mentee):
    rec = services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=mentee)
    services.recommendation_update(recommendation=rec, by=mentee, status="in_progress")
    services.recommendation_update(recommendation=rec, by=mentee, status="done", rating=5)
    rec.refresh_from_db()
    assert (rec.status, rec.rating) == ("done", 5)


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_rating_out_of_range_is_refused(resource, pair, mentor, mentee, rating):
    rec = services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=mentee)
    with pytest.raises(ValidationError) as caught:
        services.recommendation_update(recommendation=rec, by=mentee, status="done", rating=rating)
    assert "rating" in caught.value.message_dict
    rec.refresh_from_db()
    assert (rec.status, rec.rating) == ("new", None)


def test_only_the_recipient_updates(resource, pair, mentor, mentee):
    rec = services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=mentee)
    with pytest.raises(ValidationError):
        services.recommendation_update(recommendation=rec, by=mentor, status="done")
    with pytest.raises(ValidationError):
        services.recommendation_update(recommendation=rec, by=mentee, status="bogus")


# Feedback on work ------------------------------------------------------------------------------


def test_mentee_asks_and_the_mentor_is_told(
    pair, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = ask(pair, mentee)
    assert item.status == FeedbackStatus.OPEN
    notice = Notification.objects.get(user=mentor)
    assert notice.kind == "feedback_requested"
    assert [m.to for m in mail.outbox] == [[mentor.email]]


def test_mentor_cannot_ask_for_feedback(pair, mentor):
    with pytest.raises(ValidationError):
        ask(pair, mentor)
    assert not WorkFeedbackRequest.objects.exists()


def test_outsider_cannot_ask(pair, outsider):
    with pytest.raises(ValidationError):
        ask(pair, outsider)


def test_request_needs_the_work(pair, mentee):
    with pytest.raises(ValidationError) as caught:
        ask(pair, mentee, title="", question="", text="", link="ftp://x")
    assert {"title", "question", "link"} <= set(caught.value.message_dict)
    assert not WorkFeedbackRequest.objects.exists()


def test_request_with_a_bad_file_is_refused(pair, mentee):
    with pytest.raises(ValidationError) as caught:
        ask(pair, mentee, text="", file=upload("cv.pdf", EXE))
    assert "file" in caught.value.message_dict
    assert not WorkFeedbackRequest.objects.exists()


def test_request_with_a_file(pair, mentee):
    item = ask(pair, mentee, text="", file=upload("cv.pdf", PDF))
    assert item.file_name == "cv.pdf"


def test_first_mentor_answer_moves_to_answered(
    pair, mentor, mentee, django_capture_on_commit_callbacks
):
    item = ask(pair, mentee)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_comment_add(request=item, by=mentor, body="Shorten it.")
    item.refresh_from_db()
    assert item.status == FeedbackStatus.ANSWERED and item.answered_at is not None
    assert Notification.objects.get(user=mentee).kind == "feedback_answered"
    first = item.answered_at
    services.feedback_comment_add(request=item, by=mentor, body="And add numbers.")
    item.refresh_from_db()
    assert item.answered_at == first
    assert Notification.objects.filter(kind="feedback_answered").count() == 1


def test_follow_up_reopens_and_close_is_final(pair, mentor, mentee):
    item = ask(pair, mentee)
    services.feedback_comment_add(request=item, by=mentee, body="Also the title?")
    item.refresh_from_db()
    assert item.status == FeedbackStatus.OPEN
    services.feedback_comment_add(request=item, by=mentor, body="Fine.")
    services.feedback_comment_add(request=item, by=mentee, body="One more thing")
    item.refresh_from_db()
    assert item.status == FeedbackStatus.OPEN
    services.feedback_request_close(request=item, by=mentee)
    item.refresh_from_db()
    assert item.status == FeedbackStatus.CLOSED and item.closed_at is not None
    with pytest.raises(ValidationError):
        services.feedback_comment_add(request=item, by=mentor, body="Late answer")
    with pytest.raises(ValidationError):
        services.feedback_request_close(request=item, by=mentee)
    assert FeedbackComment.objects.count() == 3


def test_only_the_asker_closes(pair, mentor, mentee):
    item = ask(pair, mentee)
    with pytest.raises(ValidationError):
        services.feedback_request_close(request=item, by=mentor)
    item.refresh_from_db()
    assert item.status == FeedbackStatus.OPEN


def test_empty_comment_is_refused(pair, mentor, mentee):
    item = ask(pair, mentee)
    with pytest.raises(ValidationError):
        services.feedback_comment_add(request=item, by=mentor, body="  ")
    item.refresh_from_db()
    assert item.status == FeedbackStatus.OPEN and not FeedbackComment.objects.exists()

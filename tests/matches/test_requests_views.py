"""The request pages, persona by persona: the mentee, the mentor, a coordinator (read-only, no
message contents), and everyone else (404)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from lodestar.matches.models import MentorshipRequest, RequestMessage
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "I am nervous about switching careers at 40."


@pytest.fixture
def chooser(program):
    program.matching_mode = "mentee_choice"
    program.save()
    return program


@pytest.fixture
def mentee_e(chooser, mentee):
    return Enrolment.objects.get(program=chooser, user=mentee)


@pytest.fixture
def mentor_e(chooser, mentor):
    return Enrolment.objects.get(program=chooser, user=mentor)


@pytest.fixture
def req(mentee_e, mentor_e):
    sent = factories.make_request(mentee_e, mentor_e, message=SECRET)
    RequestMessage.objects.create(request=sent, author=mentor_e.user, body="Which industry?")
    return sent


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


# Seeing a request -----------------------------------------------------------------------------


def test_mentee_sees_their_request_and_the_thread(client, mentee, req):
    response, content = page(client, mentee, reverse("request_detail", args=[req.pk]))
    assert response.status_code == 200
    assert "Your request to Max Mentor" in content
    assert SECRET in content and "Which industry?" in content
    assert "Answer the mentor" in content and "Withdraw this request" in content
    assert "Accept and become" not in content


def test_mentor_sees_the_mentee_profile_and_answers_but_not_sensitive_ones(
    client, mentor, mentee, chooser, mentee_e, req
):
    profile = mentee.profile
    profile.headline = "Designer moving into data"
    profile.languages = ["en", "fr"]
    profile.save()
    goals = factories.make_question(chooser, label="What do you want to achieve?")
    private = factories.make_question(chooser, label="Do you have a disability?", sensitive=True)
    factories.make_answer(mentee_e, goals, "Lead a data team")
    factories.make_answer(mentee_e, private, "Deaf")
    _response, content = page(client, mentor, reverse("request_detail", args=[req.pk]))
    assert "Mia Mentee asks you to mentor them" in content
    assert "Designer moving into data" in content and "English, French" in content
    assert "What do you want to achieve?" in content and "Lead a data team" in content
    assert "disability" not in content and "Deaf" not in content
    assert SECRET in content
    assert "Accept and become Mia Mentee’s mentor" in content
    assert "Decline this request" in content and "Ask a question" in content


def test_coordinator_sees_status_and_dates_but_no_message(client, coordinator, req):
    response, content = page(client, coordinator, reverse("request_detail", args=[req.pk]))
    assert response.status_code == 200
    assert "Request from Mia Mentee to Max Mentor" in content
    assert "Waiting for the mentor" in content
    assert SECRET not in content and "Which industry?" not in content
    assert (
        "<form"
        not in content.split("<main", 1)[1]
        .split("</main>")[0]
        .replace('action="/accounts/logout/"', "")
        or "Accept" not in content
    )
    assert "Accept and become" not in content and "Withdraw this request" not in content


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_anyone_else_gets_a_404(client, req, persona, request):
    response, _content = page(
        client, request.getfixturevalue(persona), reverse("request_detail", args=[req.pk])
    )
    assert response.status_code == 404
    for action in ("request_accept", "request_withdraw", "request_ask"):
        assert client.post(reverse(action, args=[req.pk]), {"body": "x"}).status_code == 404
    req.refresh_from_db()
    assert req.status == "open"


def test_anonymous_visitors_are_asked_to_log_in(client, req, chooser):
    for url in (
        reverse("request_detail", args=[req.pk]),
        reverse("my_requests"),
        reverse("mentor_recommendations", args=[chooser.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_an_open_request_past_expiry_shows_as_expired_and_cannot_be_accepted(
    client, mentor, mentee_e, mentor_e
):
    late = factories.make_request(mentee_e, mentor_e, expires_in=timedelta(minutes=-1))
    response, content = page(client, mentor, reverse("request_detail", args=[late.pk]))
    assert "it can no longer be accepted" in content
    assert "Accept and become" not in content
    response = client.post(reverse("request_accept", args=[late.pk]), follow=True)
    assert "expired" in response.content.decode()
    assert not Mentorship.objects.exists()


# Lists ----------------------------------------------------------------------------------------


def test_my_requests_lists_sent_and_received_open_first(
    client, chooser, mentee_e, mentor_e, mentor
):
    old = factories.make_request(
        mentee_e,
        factories.make_enrolment(
            chooser, factories.make_user("ola@example.com", name="Ola Older"), role="mentor"
        ),
        status="declined",
    )
    MentorshipRequest.objects.filter(pk=old.pk).update(
        created_at=old.created_at + timedelta(days=1)
    )
    factories.make_request(mentee_e, mentor_e)
    _response, content = page(client, mentee_e.user, reverse("my_requests"))
    sent = content.split("Requests you sent")[1]
    assert sent.index("Max Mentor") < sent.index("Ola Older")
    assert "Nobody has asked you" in content
    client.logout()
    _response, content = page(client, mentor, reverse("my_requests"))
    assert "Mia Mentee" in content.split("Requests you received")[1].split("Requests you sent")[0]


# Acting ---------------------------------------------------------------------------------------


def test_mentor_accepts_and_lands_on_the_mentorship(client, mentor, req):
    client.force_login(mentor)
    response = client.post(reverse("request_accept", args=[req.pk]))
    mentorship = Mentorship.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("mentorship_detail", args=[mentorship.pk])
    req.refresh_from_db()
    assert req.status == "accepted"


def test_mentor_declines_with_a_reason_or_is_asked_for_one(client, mentor, mentee, req):
    client.force_login(mentor)
    response = client.post(reverse("request_decline", args=[req.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "open"
    response = client.post(
        reverse("request_decline", args=[req.pk]),
        {"reason": "I only mentor engineers."},
        follow=True,
    )
    assert "You declined Mia Mentee’s request" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "declined"
    client.force_login(mentee)
    content = client.get(reverse("request_detail", args=[req.pk])).content.decode()
    assert "I only mentor engineers." in content


def test_mentor_asks_and_mentee_replies_through_the_page(client, mentor, mentee, req):
    client.force_login(mentor)
    client.post(reverse("request_ask", args=[req.pk]), {"body": "How many hours a week?"})
    client.force_login(mentee)
    response = client.post(reverse("request_reply", args=[req.pk]), {"body": "Two."}, follow=True)
    assert "Your answer is sent." in response.content.decode()
    bodies = list(req.messages.values_list("body", flat=True))
    assert bodies == ["Which industry?", "How many hours a week?", "Two."]


def test_mentee_withdraws(client, mentee, req):
    client.force_login(mentee)
    response = client.post(reverse("request_withdraw", args=[req.pk]), follow=True)
    assert "Your request is withdrawn." in response.content.decode()
    req.refresh_from_db()
    assert req.status == "withdrawn"


def test_coordinator_cannot_act_on_a_request(client, coordinator, req):
    client.force_login(coordinator)
    response = client.post(reverse("request_accept", args=[req.pk]), follow=True)
    assert "Only the mentor asked can accept." in response.content.decode()
    response = client.post(reverse("request_ask", args=[req.pk]), {"body": "Hi"})
    assert SECRET not in response.content.decode()
    req.refresh_from_db()
    assert req.status == "open" and req.messages.count() == 1
    assert not Mentorship.objects.exists()


# Sending a request ----------------------------------------------------------------------------


def test_mentee_sends_a_request_from_the_mentor_page(client, chooser, mentee, mentor_e):
    url = reverse("request_new", args=[chooser.slug, mentor_e.pk])
    response, content = page(client, mentee, url)
    assert "Ask Max Mentor to mentor you" in content
    assert "Seats left" in content
    response = client.post(url, {"message": "I want to learn data storytelling."})
    sent = MentorshipRequest.objects.get()
    assert response.url == reverse("request_detail", args=[sent.pk])
    assert sent.message == "I want to learn data storytelling."


def test_a_refused_request_shows_why_and_sends_nothing(client, chooser, mentee, mentor_e, mentee_e):
    mentor_e.capacity = 1
    mentor_e.save()
    factories.make_mentorship(
        chooser,
        mentor=mentor_e,
        mentees=[factories.make_enrolment(chooser, factories.make_user("sat@example.com"))],
    )
    client.force_login(mentee)
    response = client.post(
        reverse("request_new", args=[chooser.slug, mentor_e.pk]), {"message": "Please?"}
    )
    assert response.status_code == 200
    assert "Max Mentor has no seat left" in response.content.decode()
    assert not MentorshipRequest.objects.exists()


def test_the_request_page_is_only_for_mentees_of_a_choosing_program(
    client, chooser, mentor, mentor_e, outsider, program
):
    url = reverse("request_new", args=[chooser.slug, mentor_e.pk])
    for user in (mentor, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"message": "Hi"}).status_code == 404
    assert not MentorshipRequest.objects.exists()


def test_lists_show_an_open_request_past_its_time_as_expired(
    client, chooser, mentee, mentee_e, mentor_e
):
    factories.make_request(mentee_e, mentor_e, expires_in=timedelta(minutes=-1))
    client.force_login(mentee)
    for url in (reverse("my_requests"), reverse("mentor_recommendations", args=[chooser.slug])):
        content = client.get(url).content.decode()
        assert "Expired" in content and "Waiting for the mentor" not in content
    content = client.get(reverse("mentor_recommendations", args=[chooser.slug])).content.decode()
    assert "You have 0 requests waiting" in content
    assert reverse("request_new", args=[chooser.slug, mentor_e.pk]) in content

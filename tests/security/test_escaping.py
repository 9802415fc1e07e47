"""Whatever people type is shown as text, never run: a script planted in a message, a goal, a
profile, a recommendation's note or an intake question's help text comes back escaped."""

from lodestar.accounts.services import profile_update
from lodestar.growth import services as growth
from lodestar.mentorships.goals import goal_create
from lodestar.messaging.services import message_send
from tests import factories

PAYLOAD = '<script>alert("owned")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def assert_shown_as_text(response) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert ESCAPED in html


def test_a_message(client, pair, mentee, mentor):
    message_send(mentorship=pair, author=mentee, body=PAYLOAD)
    client.force_login(mentor)
    assert_shown_as_text(client.get(f"/mentorships/{pair.pk}/messages/"))


def test_a_goal(client, pair, mentee, mentor):
    goal_create(mentorship=pair, by=mentee, title=PAYLOAD[:190])
    client.force_login(mentor)
    html = client.get(f"/mentorships/{pair.pk}/goals/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;owned&quot;)" in html


def test_a_profile(client, pair, mentee, mentor):
    profile_update(user=mentee, data={"bio": PAYLOAD, "headline": PAYLOAD[:140]})
    client.force_login(mentor)
    assert_shown_as_text(client.get(f"/people/{mentee.pk}/"))
    client.force_login(mentee)
    assert_shown_as_text(client.get("/profile/"))


def test_a_recommendation_note(client, pair, program, mentor, mentee):
    resource = growth.resource_add(
        program=program, by=mentor, kind="article", title="Reading", url="https://example.org/"
    )
    growth.recommendation_create(
        resource=resource, mentorship=pair, by=mentor, to=mentee, note=PAYLOAD
    )
    client.force_login(mentee)
    assert_shown_as_text(client.get(f"/mentorships/{pair.pk}/resources/"))


def test_an_intake_questions_help_text(client, program, mentee):
    factories.make_question(program, label="Your goals?", help_text=PAYLOAD[:300])
    client.force_login(mentee)
    assert_shown_as_text(client.get(f"/programs/{program.slug}/intake/"))

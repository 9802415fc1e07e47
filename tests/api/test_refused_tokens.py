"""A token that is no good: refused with 401, written to the audit trail (without its secret),
and counted against the caller's address, which past API_TOKEN_FAILURE_RATE cools off."""

from lodestar.audit.models import AuditEvent
from lodestar.mentorships.states import MentorshipStatus

from .conftest import assert_problem, bearer

PROGRAMS = "/api/v1/programs/"
GUESSER = "203.0.113.50"
NEIGHBOUR = "198.51.100.9"


def refused() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb="token_refused").order_by("id"))


def call(client, secret: str, address: str = GUESSER):
    return client.get(PROGRAMS, HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=address)


def test_a_wrong_secret_is_refused_and_audited_with_its_prefix_only(client, program, mentee):
    real = bearer(mentee)["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    prefix = real.split("_")[1]
    guess = f"lsk_{prefix}_not-the-secret"

    assert_problem(call(client, guess), 401)

    [event] = refused()
    assert event.ip == GUESSER
    assert event.actor is None
    assert event.details == {"prefix": prefix, "method": "GET"}
    assert "not-the-secret" not in str(event.details) + event.actor_label + event.target_label


def test_a_malformed_token_is_audited_with_no_prefix(client, program):
    assert_problem(call(client, "hunter2"), 401)
    assert [e.details["prefix"] for e in refused()] == [""]


def test_a_good_token_is_not_counted_as_a_refusal(client, program, mentee, settings):
    settings.API_TOKEN_FAILURE_RATE = "2/minute"
    headers = bearer(mentee)
    for _ in range(4):
        assert client.get(PROGRAMS, REMOTE_ADDR=GUESSER, **headers).status_code == 200
    assert refused() == []


def test_past_the_limit_the_address_cools_off_even_with_a_good_token(
    client, program, mentee, settings
):
    settings.API_TOKEN_FAILURE_RATE = "3/minute"
    good = bearer(mentee)["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    for n in range(3):
        assert_problem(call(client, f"lsk_0000000{n}_guess"), 401)

    response = call(client, good)
    body = assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert_problem(call(client, "lsk_00000009_guess"), 429)
    # The trail holds the refusals within the limit, not every attempt after it.
    assert len(refused()) == 3
    assert response["Retry-After"] in body["detail"]

    # Another address is not held back by the guesser.
    assert call(client, good, address=NEIGHBOUR).status_code == 200


def test_a_refused_token_changes_nothing_on_a_write(client, pair):
    response = client.post(
        f"/api/v1/mentorships/{pair.pk}/pause/",
        HTTP_AUTHORIZATION="Bearer lsk_12345678_guess",
        REMOTE_ADDR=GUESSER,
    )
    assert_problem(response, 401)
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.ACTIVE
    assert [e.details for e in refused()] == [{"prefix": "12345678", "method": "POST"}]

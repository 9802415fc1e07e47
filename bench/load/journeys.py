"""What each load user does, free of locust so that the test suite can run it (tests/bench/):
the task functions take the user, whose `client` has locust's request interface (get and post
with name, allow_redirects and catch_response) and whose `person` is a LOAD_PEOPLE entry.

No redirect is followed: a read must answer 200, a write 302; anything else is a failure. A
write first opens the page with its form and posts the form's CSRF token back, as a browser.
One refusal is the product doing its job, not a failure: a meeting proposed at a time the pair
already has one is answered with the form and "You already have a meeting then". The user
picks another time, as a person would (the load users all work in a few dozen pairs, whose
calendars fill up over a run).
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
MESSAGES = [
    "Thanks, that is really helpful.",
    "See you on Thursday.",
    "I have updated the goal, could you have a look?",
    "Here is what I learned this week.",
]


TAKEN, REFUSED, FAILED = "taken", "refused", "failed"


class Browsing:
    """read/write for a user class with `client` and `person`."""

    client: object
    person: dict
    program: str

    def read(self, url: str, name: str) -> bytes | None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} (expected 200)")
                return None
            return r.content

    def write(self, url: str, name: str, data: dict, *, refusal: bytes | None = None) -> str:
        """Post the form: TAKEN, REFUSED or FAILED. A 200 page that says `refusal` is the
        product's clear answer to a request it must refuse, which is not a failure."""
        with self.client.post(
            url, name=name, data=data, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code == 302:
                return TAKEN
            if refusal and r.status_code == 200 and refusal in r.content:
                return REFUSED
            r.failure(f"{r.status_code} (expected 302)")
            return FAILED

    @staticmethod
    def token(page: bytes | None) -> str | None:
        found = CSRF.search(page or b"")
        return found.group(1).decode() if found else None

    @property
    def workspace_url(self) -> str:
        return f"/mentorships/{self.person['mentorship']}/"


# --- mentees and mentors ------------------------------------------------------------------


def dashboard(user: Browsing) -> None:
    user.read("/dashboard/", "dashboard")


def workspace(user: Browsing) -> None:
    user.read(user.workspace_url, "workspace")


def thread(user: Browsing) -> None:
    user.read(user.workspace_url + "messages/", "messages")


def meetings(user: Browsing) -> None:
    user.read(user.workspace_url + "meetings/", "meetings")


def send_message(user: Browsing) -> None:
    url = user.workspace_url + "messages/"
    token = user.token(user.read(url, "messages"))
    if token:
        body = random.choice(MESSAGES)
        user.write(url, "messages: send", {"csrfmiddlewaretoken": token, "body": body})


def check_in(user: Browsing) -> None:
    url = user.workspace_url + "check-in/"
    page = user.read(url, "check-in")
    # The form is there only when a check-in is due and not sent yet.
    if page and b'name="mood"' in page:
        user.write(
            url,
            "check-in: send",
            {
                "csrfmiddlewaretoken": user.token(page),
                "mood": random.randint(2, 5),
                "progress": "Finished the first draft.",
                "blockers": "",
            },
        )


CLASH = b"You already have a meeting then"
PROPOSAL_ATTEMPTS = 3


def proposal_time() -> datetime:
    """A half hour among the next year's (in the person's zone, UTC here)."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(
        days=random.randint(20, 360), hours=random.randint(0, 23), minutes=random.choice([0, 30])
    )


def schedule_meeting(user: Browsing) -> None:
    url = user.workspace_url + "meetings/new/"
    token = user.token(user.read(url, "meetings: new"))
    if not token:
        return
    for _ in range(PROPOSAL_ATTEMPTS):
        data = {
            "csrfmiddlewaretoken": token,
            "slot": "other",
            "when": proposal_time().strftime("%Y-%m-%dT%H:%M"),
            "duration": 60,
            "mode": "video",
            "place": "",
            "agenda": "Progress on my goals",
        }
        if user.write(url, "meetings: propose", data, refusal=CLASH) != REFUSED:
            return


MEMBER_TASKS = {
    dashboard: 4,
    workspace: 3,
    thread: 4,
    meetings: 2,
    send_message: 2,
    check_in: 1,
    schedule_meeting: 1,
}


# --- the steps between the ceiling and the mix (bench/load/run.py) ----------------------


def signed_in_bare(user: Browsing) -> None:
    """The bare view with a session: what loading the session and the person costs."""
    user.read("/bench/bare/", "bare, signed in")


def layout_only(user: Browsing) -> None:
    """The layout every page extends, with nothing in it (bench/load/urls.py): the floor under
    every page a signed-in person opens."""
    user.read("/bench/layout/", "layout, signed in")


# --- coordinators -------------------------------------------------------------------------


def program_dashboard(user: Browsing) -> None:
    user.read(f"/coordinate/{user.program}/dashboard/", "coordinate: dashboard")


def participants(user: Browsing) -> None:
    user.read(f"/coordinate/{user.program}/participants/", "coordinate: participants")


def pairs(user: Browsing) -> None:
    user.read(f"/coordinate/{user.program}/mentorships/", "coordinate: mentorships")


def program_checkins(user: Browsing) -> None:
    user.read(f"/coordinate/{user.program}/check-ins/", "coordinate: check-ins")


COORDINATOR_TASKS = {program_dashboard: 3, participants: 3, pairs: 1, program_checkins: 1}

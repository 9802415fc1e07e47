"""The load test's users, for locust (run by bench/load/run.py; see bench/README.md).

    LOAD_PEOPLE=var/bench/load/people-sqlite.json locust -f bench/load/locustfile.py \\
        --host http://127.0.0.1:8000 MenteeUser MentorUser CoordinatorUser

Mentees and mentors of running pairs read their dashboard, their workspace, the message thread
and the meetings, and write: a message, their check-in when one is due, a meeting proposal.
A few coordinators read the program dashboard, the participants, the pairs and the check-ins
(bench/load/journeys.py). BareUser asks for the bare view only: the ceiling of the same server
and client. SignedInBareUser and LayoutUser measure the steps between the two: the bare view
with a signed-in session, and the layout every page extends (its navigation with the unread
counts) with nothing in it.

Each user plays its own person (the next one of LOAD_PEOPLE, written by run.py), already signed
in through the session run.py wrote: a session cookie, no login.

LOAD_THINK="1,3": the think time between two requests of a user, and before its first one, in
seconds (run.py sets it per run: "0,0" for the ceiling and the saturated mix).
"""

from __future__ import annotations

import itertools
import json
import os
from http.cookiejar import Cookie

from locust import FastHttpUser, between, constant, task

from bench.load.journeys import (
    COORDINATOR_TASKS,
    MEMBER_TASKS,
    Browsing,
    layout_only,
    signed_in_bare,
)


def _think():
    low, high = (float(x) for x in os.environ.get("LOAD_THINK", "1,3").split(","))
    return between(low, high)


class People:
    """The persons of LOAD_PEOPLE, handed out in turn so that no two users play the same one."""

    def __init__(self) -> None:
        self.data: dict = {}
        self._turns: dict[str, itertools.cycle] = {}

    def next(self, role: str) -> dict:
        if not self.data:
            with open(os.environ["LOAD_PEOPLE"]) as file:
                self.data = json.load(file)
            for kind in ("mentee", "mentor"):
                mine = [m for m in self.data["members"] if m["role"] == kind]
                self._turns[kind] = itertools.cycle(mine)
            self._turns["coordinator"] = itertools.cycle(self.data["coordinators"])
        return next(self._turns[role])


PEOPLE = People()


def session_cookie(host: str, key: str) -> Cookie:
    return Cookie(
        version=0, name="sessionid", value=key, port=None, port_specified=False,
        domain=host, domain_specified=False, domain_initial_dot=False, path="/",
        path_specified=True, secure=False, expires=None, discard=True, comment=None,
        comment_url=None, rest={"HttpOnly": None},
    )  # fmt: skip


class SignedIn(Browsing, FastHttpUser):
    abstract = True
    wait_time = _think()
    role = ""

    def on_start(self) -> None:
        self.person = PEOPLE.next(self.role)
        self.program = PEOPLE.data["program"]
        host = self.host.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
        self.client.cookiejar.set_cookie(session_cookie(host, self.person["session"]))
        # A think time before the first request too, as for every later one: people using the
        # site are at different points of their reading, so 50 of them do not all click within
        # the same second (none for the users that do not think).
        self.wait()


class MenteeUser(SignedIn):
    weight = 5
    role = "mentee"
    tasks = MEMBER_TASKS


class MentorUser(SignedIn):
    weight = 4
    role = "mentor"
    tasks = MEMBER_TASKS


class CoordinatorUser(SignedIn):
    # A program has a few coordinators, not a share of its participants.
    fixed_count = 2
    role = "coordinator"
    tasks = COORDINATOR_TASKS


class BareUser(FastHttpUser):
    """The ceiling: no think time, no session, no database."""

    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare/", name="bare")


class Step(SignedIn):
    """A step between the ceiling and the mix: one request over and over, as a mentee."""

    abstract = True
    wait_time = constant(0)
    role = "mentee"


class SignedInBareUser(Step):
    tasks = [signed_in_bare]


class LayoutUser(Step):
    tasks = [layout_only]

"""Every endpoint × every role, generated from the API's own list of operations: an endpoint
added without a rule here fails `test_every_endpoint_has_a_rule`.

A rule is the status each role gets on one resource of a running program (private to its
people): 401 for anonymous callers, 404 for anyone who may not know the resource exists, 409
where the caller may act but the state forbids it (resuming a mentorship that is not paused).
"""

import json

import pytest

from lodestar.api.api import api
from lodestar.mentorships.models import Goal
from lodestar.programs.states import ProgramStatus

from .conftest import bearer

ROLES = ("anonymous", "mentee", "mentor", "other_member", "outsider", "coordinator", "site_admin")


def rule(anonymous=401, *, members, coordinators, others=404) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "mentee": members,
        "mentor": members,
        "other_member": others,
        "outsider": others,
        "coordinator": coordinators,
        "site_admin": coordinators,
    }


RULES = {
    # Lists answer everyone signed in, with what they may see (tested in test_endpoints.py).
    "programs_list": rule(members=200, coordinators=200, others=200),
    "programs_get": rule(members=200, coordinators=200),
    "programs_enrolments": rule(members=404, coordinators=200),
    "mentorships_list": rule(members=200, coordinators=200, others=200),
    "mentorships_get": rule(members=200, coordinators=200),
    "mentorships_pause": rule(members=200, coordinators=200),
    "mentorships_resume": rule(members=409, coordinators=409),
    # Goals and meetings are the pair's content: their pages are for members only.
    "goals_list": rule(members=200, coordinators=404),
    # The goal is the mentee's: the mentor may see it but not move it (the service refuses).
    "goals_progress": {**rule(members=200, coordinators=404), "mentor": 400},
    "meetings_list": rule(members=200, coordinators=404),
}

# What a write sends, so that the rule tests who may do it rather than a missing body.
BODIES = {"goals_progress": {"status": "in_progress", "progress": 40}}


def operations() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]: (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_endpoint_has_a_rule():
    assert set(operations()) == set(RULES)


@pytest.fixture
def people(coordinator, mentor, mentee, other_member, site_admin, outsider):
    return {
        "anonymous": None,
        "coordinator": coordinator,
        "mentor": mentor,
        "mentee": mentee,
        "other_member": other_member,
        "site_admin": site_admin,
        "outsider": outsider,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(RULES))
def test_each_role_gets_exactly_its_access(
    client, program, pair, mentee, people, operation_id, role
):
    program.status = ProgramStatus.RUNNING
    program.save(update_fields=["status"])
    goal = Goal.objects.create(mentorship=pair, owner=mentee, title="Speak at a meetup")
    method, path = operations()[operation_id]
    url = (
        path.replace("{slug}", program.slug)
        .replace("{mentorship_id}", str(pair.pk))
        .replace("{goal_id}", str(goal.pk))
    )
    user = people[role]
    headers = bearer(user) if user else {}
    if operation_id in BODIES:
        headers.update(data=json.dumps(BODIES[operation_id]), content_type="application/json")
    response = client.generic(method, url, **headers)
    assert response.status_code == RULES[operation_id][role], response.content

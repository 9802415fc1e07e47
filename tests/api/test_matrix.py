"""Every endpoint × every role, generated from the API's own list of operations: an endpoint
added without a rule in one of the `rules_*.py` modules fails `test_every_endpoint_has_a_rule`.

A rule is the status each role gets on one resource of a running program (private to its
people): 401 for anonymous callers, 404 for anyone who may not know the resource exists, 409
where the caller may act but the state forbids it (resuming a mentorship that is not paused).
"""

import functools
import importlib
import json
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from lodestar.api.api import api
from lodestar.mentorships.models import Goal
from lodestar.programs.states import ProgramStatus

from .conftest import bearer
from .matrix import ROLES

MODULES = [
    importlib.import_module(f"{__package__}.{info.name}")
    for info in pkgutil.iter_modules([str(Path(__file__).parent)])
    if info.name.startswith("rules_")
]
RULES = {name: statuses for module in MODULES for name, statuses in module.RULES.items()}
BODIES = {name: body for module in MODULES for name, body in getattr(module, "BODIES", {}).items()}


@functools.cache  # building the schema takes a third of a second; every case needs it
def operations() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]: (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_endpoint_has_a_rule():
    assert set(operations()) == set(RULES)


def test_no_operation_has_two_rules():
    names = [name for module in MODULES for name in module.RULES]
    assert len(names) == len(set(names))


def test_every_rule_names_every_role():
    for name, statuses in RULES.items():
        assert set(statuses) == set(ROLES), name


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(RULES))
def test_each_role_gets_exactly_its_access(
    client, program, pair, mentee, people, operation_id, role
):
    program.status = ProgramStatus.RUNNING
    program.save(update_fields=["status"])
    goal = Goal.objects.create(mentorship=pair, owner=mentee, title="Speak at a meetup")
    world = SimpleNamespace(program=program, pair=pair, goal=goal, people=people, role=role)
    values = {"slug": program.slug, "mentorship_id": pair.pk, "goal_id": goal.pk}
    for module in MODULES:
        if hasattr(module, "placeholders") and operation_id in module.RULES:
            values.update(module.placeholders(world))
    method, path = operations()[operation_id]
    url = path
    for name, value in values.items():
        url = url.replace("{" + name + "}", str(value))
    assert "{" not in url, f"no value for a placeholder of {path}"
    user = people[role]
    headers = bearer(user) if user else {}
    if operation_id in BODIES:
        headers.update(data=json.dumps(BODIES[operation_id]), content_type="application/json")
    response = client.generic(method, url, **headers)
    assert response.status_code == RULES[operation_id][role], response.content

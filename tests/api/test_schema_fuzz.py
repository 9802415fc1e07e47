"""Schemathesis against the live schema: every operation is called with its examples and with
generated inputs, valid and invalid, and in stateful sequences that follow the links it infers
(an id in one response used in the next request's path). No answer may be a server error, and
every answer must match what the schema declares: status, media type, headers and body.

The cases are bounded (a few per operation, short sequences) and deterministic, so the test
takes seconds and fails the same way twice."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from lodestar.mentorships.models import Goal
from lodestar.programs.states import ProgramStatus

from .conftest import bearer

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": 10, "deterministic": True},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": 8},
        },
        "checks": {
            # Valid by the schema is not valid by the rules: a service may still refuse (a goal
            # moved backwards from achieved, a meeting in the past) with a 400 problem.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 429]
            },
        },
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)

ROLES = ("mentee", "coordinator")
# Whose token the next call carries; set by each test (and each generated case) before calling.
CALLER: dict[str, str] = {}


@schema.auth(refresh_interval=None, retry_on=[])
class TokenAuth:
    """The caller's token, given to Schemathesis as the API's authentication, so that its
    checks know what valid credentials are (and try the calls without them too)."""

    def get(self, case, context):
        return CALLER["token"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


HYPOTHESIS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
    database=None,
)


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Schemathesis calls the WSGI app itself, whose request_finished signal would close the
    database connection mid-test (fatal on PostgreSQL); Django's test client disconnects it in
    the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def world(request, settings, program, pair, mentee, coordinator):
    """A running program with a pair and a goal, and a read-write token for each role; the
    rate limit is lifted so that a hundred calls in a test are not throttled."""
    settings.API_RATE_LIMIT = "100000/minute"
    program.status = ProgramStatus.RUNNING
    program.save(update_fields=["status"])
    goal = Goal.objects.create(mentorship=pair, owner=mentee, title="Speak at a meetup")
    caller = {"mentee": mentee, "coordinator": coordinator}[request.param]
    # Schemathesis asks for the credentials as it generates a case, before the test body runs.
    CALLER["token"] = bearer(caller)["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    return {"slug": program.slug, "mentorship_id": pair.pk, "goal_id": goal.pk}


@pytest.mark.django_db
@schema.parametrize()
@schema.given(real_ids=st.booleans())
@HYPOTHESIS
def test_every_answer_is_declared_and_none_is_a_server_error(case, real_ids, world):
    if real_ids and case.path_parameters:
        # Half the cases aim at objects that exist, so that successes are checked too, not
        # only the 404s that random ids meet.
        for name, value in case.path_parameters.items():
            # Only a value of the right type is swapped: an invalid one (a negative case) must
            # stay invalid, or the check that it is refused would see a valid request.
            if name in world and type(value) is type(world[name]):
                case.path_parameters[name] = world[name]
    case.call_and_validate()


def test_sequences_of_calls_stay_within_the_schema(world):
    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            for name in case.path_parameters or {}:
                if name in world and not isinstance(case.path_parameters[name], int):
                    case.path_parameters[name] = world[name]
            return {}

    Workflow.run(
        settings=settings(HYPOTHESIS, max_examples=8, stateful_step_count=8, derandomize=True)
    )

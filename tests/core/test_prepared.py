"""PreparedQuery: compiled once, answers as the ORM does for every argument, one query a call."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from lodestar.accounts.models import User
from lodestar.core.context_processors import _is_coordinator
from lodestar.core.prepared import PreparedQuery
from lodestar.programs.models import Program
from tests.factories import make_program, make_user

pytestmark = pytest.mark.django_db


def programs_of(user: int, other: int):
    return Program.objects.filter(Q(coordinators=user) | Q(coordinators=other)).distinct()


@pytest.fixture
def people():
    ada, bea, cy = (make_user(f"{n}@example.com") for n in ("ada", "bea", "cy"))
    make_program(coordinator=ada, name="First")
    make_program(coordinator=ada, name="Second")
    make_program(coordinator=bea, name="Third")
    return ada, bea, cy


def test_each_call_answers_for_its_own_arguments(people):
    ada, bea, cy = people
    query = PreparedQuery(programs_of, "user", "other")
    for user, other in [(ada, cy), (bea, cy), (cy, cy), (ada, bea), (cy, ada)]:
        expected = programs_of(user.pk, other.pk)
        assert query.count(user=user.pk, other=other.pk) == expected.count()
        assert query.exists(user=user.pk, other=other.pk) == expected.exists()
        got = sorted(row[0] for row in query.rows(user=user.pk, other=other.pk))
        assert got == sorted(expected.values_list("pk", flat=True))


def test_one_query_a_call_and_the_sql_is_built_once(people, monkeypatch):
    ada, bea, _ = people
    built = []
    query = PreparedQuery(
        lambda user: built.append(user) or Program.objects.filter(coordinators=user), "user"
    )
    assert query.count(user=ada.pk) == 2
    with CaptureQueriesContext(connection) as queries:
        assert query.count(user=bea.pk) == 1
    assert len(queries.captured_queries) == 1
    assert len(built) == 1  # the second call only swapped the argument in


def test_wrong_arguments_are_refused_before_any_query(people):
    query = PreparedQuery(lambda user: Program.objects.filter(coordinators=user), "user")
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(TypeError, match="expected arguments"):
            query.count(person=1)
        with pytest.raises(TypeError, match="must be an integer"):
            query.count(user="1")
        with pytest.raises(TypeError, match="must be an integer"):
            query.count(user=None)
    assert queries.captured_queries == []


def test_a_query_that_ignores_an_argument_is_a_mistake_said_at_once():
    query = PreparedQuery(lambda user: User.objects.filter(is_active=True), "user")
    with pytest.raises(ValueError, match="does not use"):
        query.exists(user=1)


def test_navigation_coordinator_flag_follows_each_person(people):
    ada, bea, cy = people
    creator = make_user("dee@example.com", can_create_programs=True)
    assert [_is_coordinator(u) for u in (ada, bea, cy, creator)] == [True, True, False, True]
    creator.is_active = False
    creator.save()
    assert _is_coordinator(User.objects.get(pk=creator.pk)) is False

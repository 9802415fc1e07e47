"""Every coordinator screen of a program is for its coordinators only: 404 for anyone else."""

import pytest
from django.urls import reverse

from lodestar.programs.models import Question
from lodestar.programs.states import ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db

# (URL name, method, whether the URL names a question)
COORDINATOR_PAGES = [
    ("program_manage", "get", False),
    ("program_edit", "get", False),
    ("program_edit", "post", False),
    ("program_transition", "post", False),
    ("program_coordinators", "get", False),
    ("program_coordinators", "post", False),
    ("question_list", "get", False),
    ("question_create", "get", False),
    ("question_create", "post", False),
    ("question_edit", "get", True),
    ("question_edit", "post", True),
    ("question_delete", "get", True),
    ("question_delete", "post", True),
    ("question_move", "post", True),
]
POST_DATA = {"to_status": "matching", "direction": "down", "action": "add", "name": "Taken over"}


@pytest.fixture
def question(program):
    factories.make_question(program, label="Second")
    return factories.make_question(program, label="Goals", position=0)


def url_for(name, program, question, needs_question):
    args = [program.slug, question.pk] if needs_question else [program.slug]
    return reverse(name, args=args)


@pytest.mark.parametrize("persona", ["mentor", "mentee", "outsider", "other_coordinator"])
@pytest.mark.parametrize(("name", "method", "needs_question"), COORDINATOR_PAGES)
def test_people_who_do_not_coordinate_the_program_get_404(
    request, client, program, question, persona, name, method, needs_question
):
    client.force_login(request.getfixturevalue(persona))
    url = url_for(name, program, question, needs_question)
    response = getattr(client, method)(url, POST_DATA)
    assert response.status_code == 404
    program.refresh_from_db()
    assert program.status == ProgramStatus.ENROLLING
    assert program.name == "Spring Cohort"
    assert Question.objects.filter(pk=question.pk, position=0).exists()


@pytest.mark.parametrize(("name", "method", "needs_question"), COORDINATOR_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    client, program, question, name, method, needs_question
):
    response = getattr(client, method)(url_for(name, program, question, needs_question), POST_DATA)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "needs_question"), COORDINATOR_PAGES)
def test_the_coordinator_can_use_every_page(
    client, coordinator, program, question, name, method, needs_question
):
    client.force_login(coordinator)
    response = getattr(client, method)(url_for(name, program, question, needs_question), POST_DATA)
    assert response.status_code in (200, 302)


def test_the_programs_list_and_create_page_need_a_login(client, db):
    for name in ("coordinator_programs", "program_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

"""A sensitive question's answers are used only in aggregate: never shown person by person."""

from django.urls import reverse

from lodestar.programs.models import Enrolment
from lodestar.programs.services.exports import participants_export_csv
from tests import factories


def _answered_sensitive(program, mentee):
    question = factories.make_question(
        program,
        label="Which group do you identify with?",
        kind="single_choice",
        choices=["Group A", "Group B"],
        sensitive=True,
    )
    enrolment = Enrolment.objects.get(program=program, user=mentee)
    factories.make_answer(enrolment, question, "Group B")
    return enrolment


def test_participant_page_does_not_show_a_sensitive_answer(client, coordinator, program, mentee):
    enrolment = _answered_sensitive(program, mentee)
    client.force_login(coordinator)
    response = client.get(reverse("participant_detail", args=[program.slug, enrolment.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Group B" not in content
    assert "Which group do you identify with?" not in content
    assert "used only in aggregate" in content


def test_export_leaves_out_sensitive_questions(program, mentee):
    _answered_sensitive(program, mentee)
    exported = participants_export_csv(program=program)
    assert "mentee@example.com" in exported
    assert "Group B" not in exported
    assert "Which group do you identify with?" not in exported

"""The whole path of a person a coordinator imports: CSV row → email → password → in."""

import re

from django.core import mail

from lodestar.programs.models import Answer, Enrolment, Invitation
from lodestar.programs.services.imports import import_commit
from lodestar.programs.states import EnrolmentStatus
from tests import factories

GOOD_PASSWORD = "a-long-pass-phrase-of-mine"


def test_an_imported_newcomer_sets_a_password_from_the_email_and_keeps_their_answers(
    client, coordinator, program, django_capture_on_commit_callbacks
):
    goal = factories.make_question(program, label="Main goal", role="mentee")
    csv_text = "email,name,role,Main goal\nnew.person@example.com,Nadia New,mentee,Lead a team\n"
    with django_capture_on_commit_callbacks(execute=True):
        import_commit(program=program, text=csv_text, by=coordinator)

    (email,) = [m for m in mail.outbox if m.to == ["new.person@example.com"]]
    link = re.search(r"http://testserver(/invitations/[^/\s]+/)", email.body).group(1)
    page = client.get(link)
    assert "Set my password and join" in page.content.decode()

    response = client.post(link, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user__email="new.person@example.com")
    assert enrolment.status == EnrolmentStatus.APPROVED
    assert Answer.objects.get(enrolment=enrolment, question=goal).value == "Lead a team"
    assert Invitation.objects.get(email="new.person@example.com").accepted_at is not None
    assert client.get("/dashboard/").status_code == 200
    assert enrolment.user.check_password(GOOD_PASSWORD)

from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lodestar.core.emails import send_templated_email
from tests import factories


def invite_someone(program):
    send_templated_email(
        to="newcomer@example.com",
        template="invitation",
        context={
            "program": program,
            "role_label": "Mentee",
            "accept_url": "http://testserver/invitations/abc/",
            "expires_at": program.created_at,
        },
    )


def test_email_goes_out_only_after_the_transaction_commits(db, django_capture_on_commit_callbacks):
    program = factories.make_program(name="Spring Cohort")
    with django_capture_on_commit_callbacks(execute=True):
        invite_someone(program)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.com"]
    assert message.subject == "[Lodestar] You are invited to join Spring Cohort"
    assert "http://testserver/invitations/abc/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Accept the invitation" in html


def test_with_the_database_backend_the_worker_sends_queued_email(transactional_db, settings):
    # A real commit (transactional_db): the worker closes its database connection between jobs.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    program = factories.make_program(name="Spring Cohort")
    invite_someone(program)
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

"""The audit trail is append-only: the model, its manager and the database itself refuse to
change or delete an event — raw SQL included. The one change allowed is Django's SET_NULL when
the actor's account is deleted, and the event still names them."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from lodestar.audit import triggers
from lodestar.audit.models import AppendOnlyError, AuditEvent
from lodestar.audit.services import record
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(coordinator, program):
    return record("exported", actor=coordinator, target=program, details={"report": "x"})


def test_an_event_cannot_be_saved_again(event):
    event.target_label = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).target_label == "Spring Cohort"


def test_an_event_cannot_be_deleted_through_the_orm(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(target_label="forged")
    assert AuditEvent.objects.get(pk=event.pk).target_label == "Spring Cohort"


def test_the_database_refuses_an_orm_update_that_goes_around_the_manager(event):
    # The plain manager every model has underneath: only the trigger stands in the way.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).update(target_label="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk)._raw_delete(connection.alias)
    assert AuditEvent.objects.get(pk=event.pk).target_label == "Spring Cohort"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET target_label = 'forged'",
        "UPDATE audit_auditevent SET verb = 'erased'",
        "UPDATE audit_auditevent SET ip = '10.0.0.1'",
        "UPDATE audit_auditevent SET actor_label = ''",
        "UPDATE audit_auditevent SET details = '{}'",
        "UPDATE audit_auditevent SET actor_id = NULL, target_label = 'forged'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_raw_sql_updates_and_deletes(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.verb, kept.target_label, kept.details) == (
        "exported",
        "Spring Cohort",
        {"report": "x"},
    )
    assert kept.actor_label == "Cora Coordinator <coordinator@example.com>"


@pytest.mark.parametrize(
    "sql",
    ["TRUNCATE audit_auditevent", "TRUNCATE accounts_user CASCADE"],
    ids=["the table", "a cascade from the people it names"],
)
# Committed rows: PostgreSQL will not truncate what the same transaction has pending checks on.
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_truncating_the_audit_table(event, sql):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite has none)")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_pointing_an_event_at_another_person(event, outsider):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = %s", [outsider.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_id == event.actor_id


def test_deleting_a_person_keeps_their_events_with_their_name(event, coordinator):
    other = factories.make_user("gone@example.com", name="Gone Person")
    record("token_created", actor=other, target=other)
    other.delete()
    kept = AuditEvent.objects.get(verb="token_created")
    assert kept.actor_id is None
    assert kept.actor_label == "Gone Person <gone@example.com>"
    assert kept.target_label == "Gone Person <gone@example.com>"


def test_deleting_a_program_keeps_its_events(event, program):
    program.delete()
    kept = AuditEvent.objects.get(verb="exported")
    assert kept.program_id is None
    assert kept.target_label == "Spring Cohort"


def test_the_triggers_are_installed_and_cover_every_column():
    names = triggers.installed(connection)
    expected = {
        "sqlite": ["audit_auditevent_no_delete", "audit_auditevent_no_update"],
        "postgresql": ["audit_auditevent_append_only", "audit_auditevent_no_truncate"],
    }[connection.vendor]
    assert names == expected
    columns = {f.column for f in AuditEvent._meta.concrete_fields}
    # A new column must be added to triggers.FIXED_COLUMNS (and the triggers reinstalled).
    assert columns == set(triggers.FIXED_COLUMNS) | set(triggers.NULLABLE_KEYS)


def test_django_admin_shows_events_but_cannot_add_change_or_delete(client, event, db):
    admin = factories.make_user("root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    page = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert page.status_code == 200  # the view page, read-only
    assert b'name="_save"' not in page.content
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_whole_database(coordinator, program):
    # Tests that reset the database between them, and an operator resetting a development
    # database, go through `flush`: it may empty the audit table too.
    record("exported", actor=coordinator, target=program)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    # ...and only while it runs.
    person = factories.make_user("after@example.com")
    record("token_created", actor=person, target=person)
    emptying = {"postgresql": "TRUNCATE audit_auditevent", "sqlite": "DELETE FROM audit_auditevent"}
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute(emptying[connection.vendor])
    assert AuditEvent.objects.count() == 1

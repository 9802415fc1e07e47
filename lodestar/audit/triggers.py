"""Database triggers that keep the audit table append-only, for SQLite and PostgreSQL.

An UPDATE is aborted unless it only sets `actor_id`, `program_id` or `target_type_id` to NULL
(what Django's SET_NULL does when that user, program or content type is deleted); a DELETE is
aborted, and on PostgreSQL a TRUNCATE too (of the table, or cascading from a table it refers
to) — except while `manage.py flush` empties the whole database (see `flushing` below), and
for events older than the cutoff the retention job names (see `pruning`: AUDIT_KEEP_DAYS).

The SQLite UPDATE trigger names the table's columns: a migration that adds a column must install
the triggers again (`migrations.RunPython(triggers.install, triggers.uninstall)` after its
schema change; SQLite's table rebuild on an altered column drops them too). A test checks that
every column is covered and that the triggers exist after all migrations.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

TABLE = "audit_auditevent"
NULLABLE_KEYS = ("actor_id", "program_id", "target_type_id")
# Every other column: these must not change at all.
FIXED_COLUMNS = (
    "id",
    "at",
    "actor_label",
    "verb",
    "target_id",
    "target_label",
    "ip",
    "details",
)
MESSAGE = "audit events are append-only"
SQLITE_FLUSH_FUNCTION = "lodestar_audit_flushing"
# PostgreSQL: the session setting `flush` turns on for its TRUNCATE (see flushing()).
POSTGRESQL_FLUSH_SETTING = "lodestar.audit_flushing"
# The cutoff of the retention job: older events may be deleted while it is set (pruning()).
SQLITE_PRUNE_FUNCTION = "lodestar_audit_pruning_before"
POSTGRESQL_PRUNE_SETTING = "lodestar.audit_pruning_before"

_state = threading.local()


@contextmanager
def flushing(connection=None):
    """Let this thread's SQLite connections delete audit rows, and `connection`, on PostgreSQL,
    truncate them: used by `flush` only (tests that empty the database between them; an
    operator resetting a development database)."""
    _state.flushing = True
    postgresql = connection is not None and connection.vendor == "postgresql"
    try:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute(f"SET {POSTGRESQL_FLUSH_SETTING} = 'on'")
        yield
    finally:
        _state.flushing = False
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute(f"RESET {POSTGRESQL_FLUSH_SETTING}")


@contextmanager
def pruning(before, connection):
    """Let `connection` delete the events recorded before `before` (an aware datetime), and
    only those, for the length of the block, which must run inside transaction.atomic()."""
    if not connection.in_atomic_block:
        raise RuntimeError("pruning() must run inside transaction.atomic()")
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        _set_prune_setting(connection, before.isoformat())
    # SQLite compares the stored text: the cutoff in the very format Django stores.
    _state.pruning_before = connection.ops.adapt_datetimefield_value(before)
    try:
        yield
        # Local to the transaction, which may go on after the block: cleared now. (After an
        # error the rollback that follows clears it.)
        if postgresql:
            _set_prune_setting(connection, "")
    finally:
        _state.pruning_before = None


def _set_prune_setting(connection, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [POSTGRESQL_PRUNE_SETTING, value])


def _is_flushing() -> int:
    return 1 if getattr(_state, "flushing", False) else 0


def _pruning_before() -> str | None:
    return getattr(_state, "pruning_before", None)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: the functions the SQLite DELETE trigger asks. Outside
    Lodestar (the sqlite3 shell) they do not exist, so the DELETE fails there too."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FLUSH_FUNCTION, 0, _is_flushing)
        connection.connection.create_function(SQLITE_PRUNE_FUNCTION, 0, _pruning_before)


def _sqlite_create() -> list[str]:
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FIXED_COLUMNS)
    nulled = " AND ".join(f"(NEW.{c} IS OLD.{c} OR NEW.{c} IS NULL)" for c in NULLABLE_KEYS)
    return [
        f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        WHEN NOT ({unchanged} AND {nulled})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        WHEN {SQLITE_FLUSH_FUNCTION}() = 0
            AND NOT (OLD.at < IFNULL({SQLITE_PRUNE_FUNCTION}(), ''))
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ]


def _sqlite_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
        f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
    ]


def _postgresql_create() -> list[str]:
    # The whole row but the three keys, compared as JSON: a column added later is covered too.
    minus = "".join(f" - '{c}'" for c in NULLABLE_KEYS)
    nulled = " AND ".join(
        f"(NEW.{c} IS NOT DISTINCT FROM OLD.{c} OR NEW.{c} IS NULL)" for c in NULLABLE_KEYS
    )
    return [
        f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE'
               AND (to_jsonb(NEW){minus}) = (to_jsonb(OLD){minus})
               AND {nulled} THEN
                RETURN NEW;
            END IF;
            IF TG_OP = 'DELETE' AND OLD.at < NULLIF(
                current_setting('{POSTGRESQL_PRUNE_SETTING}', true), ''
            )::timestamptz THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()""",
        # Row triggers do not see TRUNCATE; a statement trigger does, cascades included.
        f"""CREATE OR REPLACE FUNCTION {TABLE}_no_truncate() RETURNS trigger AS $$
        BEGIN
            IF current_setting('{POSTGRESQL_FLUSH_SETTING}', true) = 'on' THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_no_truncate()""",
    ]


def _postgresql_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
        f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
        f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
        f"DROP FUNCTION IF EXISTS {TABLE}_no_truncate()",
    ]


def create_sql(vendor: str) -> list[str]:
    return {"sqlite": _sqlite_create, "postgresql": _postgresql_create}.get(vendor, list)()


def drop_sql(vendor: str) -> list[str]:
    return {"sqlite": _sqlite_drop, "postgresql": _postgresql_drop}.get(vendor, list)()


def install(apps, schema_editor) -> None:
    """RunPython forward step: (re)create the triggers for this database."""
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)
    for statement in create_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def installed(connection) -> list[str]:
    """The names of the audit triggers present in this database (for the tests and checks)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
        else:
            return []
        return sorted(row[0] for row in cursor.fetchall())

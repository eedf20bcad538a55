"""The database itself refuses to change or delete audit entries (docs/security.md, L2).

PostgreSQL: a row trigger raises on UPDATE and on DELETE, unless the transaction has set
`kompass.audit_purge` to "on" (`SET LOCAL`, through `purging()`), which only the deletion of a
whole Kommune does (`services.purge_kommune_audit`). A statement trigger refuses TRUNCATE under
the same condition (migration 0006); `manage.py flush` (the test database between transactional
tests) sets it, as it empties every table.

SQLite has no session settings: its UPDATE trigger always aborts, and its DELETE trigger asks the
SQL function `kompass_audit_purging()`, which this module registers on every connection Django opens
and which answers from `purging()`. A client that does not know the function (the sqlite3 shell)
cannot delete at all. `manage.py flush` (the test database between transactional tests) empties
every table and counts as a purge.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.backends.signals import connection_created

TABLE = "audit_auditentry"

_purging: ContextVar[bool] = ContextVar("kompass_audit_purging", default=False)

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION kompass_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('kompass.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'Protokolleintraege sind unveraenderlich: ' || TG_OP || ' auf ' || TG_TABLE_NAME,
        ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION kompass_audit_append_only();
"""
POSTGRES_TRUNCATE = f"""
CREATE OR REPLACE FUNCTION kompass_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('kompass.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'Protokolleintraege sind unveraenderlich: ' || TG_OP || ' auf ' || TG_TABLE_NAME,
        ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION kompass_audit_append_only();
"""
POSTGRES_TRUNCATE_DROP = f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};"
POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS kompass_audit_append_only();
"""
SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'Protokolleintraege sind unveraenderlich'); END""",
    f"""CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} WHEN NOT kompass_audit_purging()
    BEGIN SELECT RAISE(ABORT, 'Protokolleintraege sind unveraenderlich'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]


def create(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    elif vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def drop(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


@contextlib.contextmanager
def purging() -> Iterator[None]:
    """Allow DELETE of audit rows inside this block (the caller holds a transaction)."""
    token = _purging.set(True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('kompass.audit_purge', 'on', true)")
    try:
        yield
    finally:
        _purging.reset(token)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('kompass.audit_purge', 'off', true)")


def _is_purging() -> int:
    return 1 if _purging.get() else 0


def create_truncate_guard(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRUNCATE)


def drop_truncate_guard(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRUNCATE_DROP)


def _on_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    if connection.vendor == "sqlite":
        connection.connection.create_function("kompass_audit_purging", 0, _is_purging)
    ops = connection.ops
    if getattr(ops, "_kompass_flush_wrapped", False):
        return
    plain_flush = ops.execute_sql_flush

    def execute_sql_flush(sql_list: Any) -> None:
        # `flush` empties every table of the database: it counts as a purge of every log.
        token = _purging.set(True)
        try:
            if connection.vendor == "postgresql":
                with transaction.atomic(using=connection.alias):
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config('kompass.audit_purge', 'on', true)")
                    plain_flush(sql_list)
            else:
                plain_flush(sql_list)
        finally:
            _purging.reset(token)

    ops.execute_sql_flush = execute_sql_flush
    ops._kompass_flush_wrapped = True


def connect_signals() -> None:
    connection_created.connect(_on_connect, dispatch_uid="kompass.audit.triggers")

"""Moving models between apps changed no table: a database migrated from the schema before the
move (Membership and OperatorAccess in accounts, Feedback in core) ends up identical to a fresh
one, and its rows are read through the models in their new apps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

from kompass.tenancy.models import Membership, OperatorAccess
from kompass.ui.models import Feedback

# The last migration of each of our apps before the move (commit d2289a6).
BEFORE_THE_MOVE = [
    ("core", "0001_initial"),
    ("tenancy", "0001_initial"),
    ("accounts", "0002_initial"),
    ("org", "0001_initial"),
    ("audit", "0002_object_history_index"),
    ("roles", "0002_catalogue_notes"),
]
OURS = {app for app, _name in BEFORE_THE_MOVE} | {"ui"}


def _sqlite(tmp_path: Path, name: str) -> BaseDatabaseWrapper:
    # The `db` fixture stays the default database: a third-party data migration
    # (django_tasks_db 0016) queries the default connection instead of the one being migrated.
    alias = f"migrations_{name}"
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / f"{name}.sqlite3")}
    configured = connections.configure_settings({"default": dict(sqlite), alias: sqlite})
    connections.settings[alias] = configured[alias]
    return connections[alias]


def _migrate(connection: BaseDatabaseWrapper, targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _leaves(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _before_the_move(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """Our apps as before the move; Django's and third-party apps at their newest."""
    others = [(app, name) for app, name in _leaves(connection) if app in {"auth", "contenttypes", "sessions", "axes"}]
    return BEFORE_THE_MOVE + others


def _schema(connection: BaseDatabaseWrapper) -> dict[str, Any]:
    """Tables, columns and constraints, without the names SQLite generates."""
    found: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == "django_migrations":
                continue
            columns = [
                (c.name, c.type_code, c.null_ok) for c in connection.introspection.get_table_description(cursor, table)
            ]
            constraints = sorted(
                repr((tuple(c["columns"]), c["primary_key"], c["unique"], c["foreign_key"], c["index"], c["check"]))
                for c in connection.introspection.get_constraints(cursor, table).values()
            )
            found[table] = (columns, constraints)
    return found


@pytest.fixture
def databases(
    tmp_path: Path, db: Any, django_db_blocker: Any
) -> Iterator[tuple[BaseDatabaseWrapper, BaseDatabaseWrapper]]:
    with django_db_blocker.unblock():
        old, fresh = _sqlite(tmp_path, "old"), _sqlite(tmp_path, "fresh")
        yield old, fresh
        for connection in (old, fresh):
            connection.close()
            del connections.settings[connection.alias]
            del connections[connection.alias]


def _rows_before_the_move(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tenancy_kommune (name, slug, kommune_type, bundesland, population, ags, created_at, version)"
            " VALUES ('Altstadt', 'altstadt', 'stadt', 'NW', 1000, '05111000', '2026-11-01', 1)"
        )
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined) VALUES ('!', 0, 'zoë', 'Zoë', 'Łukasiewicz', '', 0, 1, '2026-11-01')"
        )
        cursor.execute(
            "INSERT INTO accounts_membership (user_id, kommune_id, role, created_at) VALUES (1, 1, 'admin', '2026-11-01')"
        )
        cursor.execute(
            "INSERT INTO accounts_operatoraccess (kommune_id, operator_id, operator_name, reason, granted_at,"
            " expires_at) VALUES (1, 1, 'Zoë Łukasiewicz', 'Störung 4711', '2026-11-01', '2026-11-01')"
        )
        cursor.execute(
            "INSERT INTO core_feedback (created_at, page_url, message, email) VALUES ('2026-11-01', '/', 'Kontrast', '')"
        )


def test_a_database_from_before_the_move_ends_up_identical_to_a_fresh_one(
    databases: tuple[BaseDatabaseWrapper, BaseDatabaseWrapper],
) -> None:
    old, fresh = databases
    _migrate(old, _before_the_move(old))
    tables_before = set(_schema(old))
    assert {"accounts_membership", "accounts_operatoraccess", "core_feedback"} <= tables_before
    _rows_before_the_move(old)

    _migrate(old, _leaves(old))
    _migrate(fresh, _leaves(fresh))

    schema = _schema(old)
    assert schema == _schema(fresh)
    assert tables_before <= set(schema)  # the move dropped no table
    state = MigrationExecutor(old).loader.project_state().apps
    assert {m._meta.db_table for m in state.get_models() if m._meta.managed} <= set(schema)
    assert Membership.objects.using(old.alias).for_kommune(1).get().role == "admin"
    assert OperatorAccess.objects.using(old.alias).for_kommune(1).get().reason == "Störung 4711"
    assert Feedback.objects.using(old.alias).get().message == "Kontrast"


def test_the_moved_models_keep_their_tables() -> None:
    assert Membership._meta.db_table == "accounts_membership"
    assert OperatorAccess._meta.db_table == "accounts_operatoraccess"
    assert Feedback._meta.db_table == "core_feedback"
    assert (Membership._meta.app_label, Feedback._meta.app_label) == ("tenancy", "ui")

"""R2: every migration of the project can be undone, and applying them again gives the same schema.

An empty database is migrated forward to the newest state, then every app of the project back to
zero (Django plans the order across the apps), then forward again. The schema before and after
must be equal, and after the way back no table of the project may be left. On PostgreSQL the test
uses a database of its own next to the test database (dropped afterwards); on SQLite a file.
A migration without a way back (`RunPython` without `reverse_code`, `RunSQL` without
`reverse_sql`) fails this test with Django's IrreversibleError.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

from kompass.tenancy.tests.test_migrations import _schema

pytestmark = pytest.mark.slow

ALIAS = "migrations_reversible"


def _project_apps() -> list[str]:
    return [config.label for config in apps.get_app_configs() if config.name.startswith("kompass.")]


def _postgres_admin(statement: str) -> None:
    import psycopg
    from psycopg import sql

    settings = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql.SQL(statement).format(sql.Identifier(settings["NAME"] + "_rev")))


@pytest.fixture
def empty_database(tmp_path: Path, db: Any, django_db_blocker: Any) -> Iterator[BaseDatabaseWrapper]:
    with django_db_blocker.unblock():
        settings = dict(connection.settings_dict)
        if connection.vendor == "postgresql":
            _postgres_admin("DROP DATABASE IF EXISTS {}")
            _postgres_admin("CREATE DATABASE {}")
            settings["NAME"] = settings["NAME"] + "_rev"
        else:
            settings["NAME"] = str(tmp_path / "reversible.sqlite3")
        connections.settings[ALIAS] = connections.configure_settings({"default": settings, ALIAS: settings})[ALIAS]
        try:
            yield connections[ALIAS]
        finally:
            connections[ALIAS].close()
            del connections.settings[ALIAS]
            del connections[ALIAS]
            if connection.vendor == "postgresql":
                _postgres_admin("DROP DATABASE IF EXISTS {}")


def _migrate_to_newest(database: BaseDatabaseWrapper) -> None:
    executor = MigrationExecutor(database)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_every_migration_of_the_project_can_be_undone_and_redone(empty_database: BaseDatabaseWrapper) -> None:
    _migrate_to_newest(empty_database)
    newest = _schema(empty_database)
    ours = _project_apps()
    prefixes = tuple(f"{label}_" for label in ours)
    assert any(table.startswith(prefixes) for table in newest), "the project's tables exist"

    executor = MigrationExecutor(empty_database)
    executor.migrate([(label, None) for label in ours if executor.loader.graph.leaf_nodes(label)])
    left = [table for table in _schema(empty_database) if table.startswith(prefixes)]
    assert left == [], f"tables left after undoing every migration: {left}"

    _migrate_to_newest(empty_database)
    assert _schema(empty_database) == newest

"""Trigram indexes for searching people and units by any part of a name (PostgreSQL only).

The person list's search and the combobox behind every person field filter with `icontains`,
which Django writes as `UPPER(column::text) LIKE UPPER('%…%')` on PostgreSQL. A B-tree cannot
serve a pattern with a leading wildcard; a GIN index with `gin_trgm_ops` on exactly that
expression can (a surname search at Großstadt scale: ~40 ms scan → under 1 ms). `pg_trgm` is a
trusted extension (PostgreSQL 13+): the database owner may create it.

SQLite has no trigram indexes and scans; at 20,000 people that stays within the page budget. The
indexes are no part of the models (no `Meta.indexes`): `GinIndex` would be created on SQLite too,
so the migration writes the SQL only where `schema_editor.connection.vendor == "postgresql"`, and
`makemigrations --check` stays clean.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (index name, table, column): every column `icontains` searches on the list pages and in the combobox.
SEARCHED = (
    ("person_first_name_trgm", "org_person", "first_name"),
    ("person_last_name_trgm", "org_person", "last_name"),
    ("person_email_trgm", "org_person", "email"),
    ("person_function_trgm", "org_person", "function_title"),
    ("orgunit_code_trgm", "org_orgunit", "code"),
    ("orgunit_name_trgm", "org_orgunit", "name"),
)


def create_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in SEARCHED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in SEARCHED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_orgunit_natural_sort_key"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]

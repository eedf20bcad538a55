"""Row counts and content hashes of every table, read the same way before a backup and after a restore.

The manifest of a backup (docs/operations.md, "Sicherung und Wiederherstellung") records, per table,
how many rows it holds and a SHA-256 over its rows in primary-key order, so a restore can prove that
it brought back exactly what was saved (docs/security.md R1). Values are hashed as the database
driver returns them: a backup and its restore run on the same backend, which the restore checks.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import connection

# Read in chunks so a table of a Großstadt does not have to fit in memory.
_CHUNK = 2000


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def table_digest(cursor: Any, table: str, quote: Any, order_by: str) -> dict[str, Any]:
    """`{"rows": n, "sha256": …}` of one table, read through `cursor` in the order `order_by`."""
    digest = hashlib.sha256()
    rows = 0
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order_by}")  # noqa: S608 - names from introspection
    while chunk := cursor.fetchmany(_CHUNK):
        for row in chunk:
            digest.update("\x1f".join(_text(value) for value in row).encode("utf-8"))
            digest.update(b"\x1e")
        rows += len(chunk)
    return {"rows": rows, "sha256": digest.hexdigest()}


def _order_by(cursor: Any, table: str) -> str:
    key = connection.introspection.get_primary_key_column(cursor, table)
    if key:
        return connection.ops.quote_name(key)
    width = len(connection.introspection.get_table_description(cursor, table))
    return ", ".join(str(n) for n in range(1, width + 1))


def database_digests() -> dict[str, dict[str, Any]]:
    """Every table of the default database (also those without a model, such as the cache)."""
    with connection.cursor() as cursor:
        tables = sorted(t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_"))
        return {
            table: table_digest(cursor, table, connection.ops.quote_name, _order_by(cursor, table)) for table in tables
        }


def sqlite_file_digests(path: str) -> dict[str, dict[str, Any]]:
    """The same digests of an SQLite file (a backup), read with the type conversions Django uses."""
    import sqlite3

    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    source = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        cursor = source.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        tables = [row[0] for row in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(f"PRAGMA table_info({quote(table)})")
            columns = cursor.fetchall()
            keys = [column[1] for column in columns if column[5] == 1]
            order = quote(keys[0]) if len(keys) == 1 else ", ".join(str(n) for n in range(1, len(columns) + 1))
            result[table] = table_digest(cursor, table, quote, order)
        return result
    finally:
        source.close()


def differences(expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> list[str]:
    """German lines for every table whose count or hash differs, or that is missing or extra."""
    lines = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            lines.append(f"{table}: fehlt nach der Wiederherstellung")
        elif table not in expected:
            lines.append(f"{table}: nicht in der Sicherung")
        elif expected[table] != found[table]:
            lines.append(
                f"{table}: {found[table]['rows']} statt {expected[table]['rows']} Zeilen"
                if expected[table]["rows"] != found[table]["rows"]
                else f"{table}: Inhalt weicht ab (Prüfsumme)"
            )
    return lines

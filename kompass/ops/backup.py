"""Backup and restore of the whole instance: database, uploaded files and a manifest (docs/security.md R1).

A backup is one tar file, `kompass-sicherung-<UTC time>.tar`, holding

- `manifest.json`: app version, database backend (and server version on PostgreSQL), time, the
  applied migrations per app, and per table its row count and content hash (`tables.py`);
- `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite, the online
  backup API, which copies a consistent state while the app keeps running);
- `media/…`: the files under `MEDIA_ROOT`.

The manifest describes exactly the state in the dump: on PostgreSQL the counts are read in the
transaction whose snapshot `pg_dump --snapshot` dumps, on SQLite from the copied file.

A restore refuses an archive from another backend and one whose migration state is newer than the
code (a migration the code does not know); it replaces the database and the media files, proves
counts and hashes against the manifest, migrates an older state forward and then runs the
`AFTER_RESTORE` hooks (the erasure journal: an erased person stays erased, docs/security.md D4).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from kompass.core.extensions import AFTER_RESTORE
from kompass.ops import tables

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media"
FORMAT = 1


class RestoreRefused(Exception):
    """The archive does not fit this installation; the message is German and nothing was changed."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    migrated: bool
    hooks: list[str]
    seconds: float


def app_version() -> str:
    """The version in pyproject.toml, the one place the project names it."""
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unbekannt"


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _pg_env() -> dict[str, str]:
    conf = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if conf.get(name):
            env[key] = str(conf[name])
    env["PGDATABASE"] = str(conf["NAME"])
    return env


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603 - fixed argument list, no shell
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} ist fehlgeschlagen: {result.stderr.strip()[-2000:]}")


def _manifest(digests: dict[str, Any], server: str = "") -> dict[str, Any]:
    return {
        "format": FORMAT,
        "app_version": app_version(),
        "backend": connection.vendor,
        "server_version": server,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "migrations": applied_migrations(),
        "tables": digests,
    }


def _dump_postgresql(target: Path) -> dict[str, Any]:
    """pg_dump of the snapshot the manifest is read in, so both describe the same state."""
    connection.close()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server = cursor.fetchone()
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
        return _manifest(tables.database_digests(), server)


def _dump_sqlite(target: Path) -> dict[str, Any]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return _manifest(tables.sqlite_file_digests(str(target)))


def backup(output_dir: Path) -> Path:
    """Write one archive into `output_dir` and return its path."""
    if connection.in_atomic_block:
        raise RuntimeError("Eine Sicherung läuft nicht innerhalb einer Transaktion.")
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = output_dir / f"kompass-sicherung-{stamp}.tar"
    with tempfile.TemporaryDirectory() as scratch:
        if connection.vendor == "postgresql":
            dump = Path(scratch) / PG_DUMP
            manifest = _dump_postgresql(dump)
        elif connection.vendor == "sqlite":
            dump = Path(scratch) / SQLITE_DUMP
            manifest = _dump_sqlite(dump)
        else:
            raise RuntimeError(f"Datenbank {connection.vendor} wird nicht unterstützt.")
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
            tar.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname=MEDIA)
        partial.rename(archive)  # a half-written archive never carries the final name
    return archive


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


# --- restore -------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise RestoreRefused(f"{archive} ist keine lesbare Sicherung von Kommunalkompass ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreRefused(f"{archive}: unbekanntes Format der Sicherung.")
    return manifest


def check_compatible(manifest: dict[str, Any]) -> None:
    """Refuse another backend and a migration state the code does not know (a newer version)."""
    if manifest.get("backend") != connection.vendor:
        raise RestoreRefused(
            f"Die Sicherung stammt aus einer {manifest.get('backend')}-Datenbank, diese Installation nutzt "
            f"{connection.vendor}. Eine Sicherung lässt sich nur in dieselbe Art von Datenbank zurückspielen."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in sorted(manifest.get("migrations", {}).items())
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise RestoreRefused(
            f"Die Sicherung (Version {manifest.get('app_version')}) ist neuer als diese Installation "
            f"(Version {app_version()}): Der Code kennt die Migrationen {', '.join(unknown[:5])}"
            f"{' …' if len(unknown) > 5 else ''} nicht. Bitte zuerst die passende Version einspielen."
        )


def _drop_all_tables() -> None:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")


def _load_postgresql(dump: Path) -> None:
    with transaction.atomic():
        _drop_all_tables()
    connection.close()  # pg_restore works in its own session; ours must hold no lock
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
          f"--dbname={connection.settings_dict['NAME']}", str(dump)])  # fmt: skip


def _load_sqlite(dump: Path) -> None:
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces every page, also of an in-memory database
    finally:
        source.close()


def _restore_media(tar: tarfile.TarFile) -> None:
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.rmtree(media)
    media.mkdir(parents=True, exist_ok=True)
    members = [m for m in tar.getmembers() if m.name.startswith(f"{MEDIA}/")]
    with tempfile.TemporaryDirectory() as scratch:
        tar.extractall(scratch, members=members, filter="data")  # refuses absolute paths and links out
        if members:
            shutil.copytree(Path(scratch) / MEDIA, media, dirs_exist_ok=True)


def restore(archive: Path) -> RestoreReport:
    """Replace database and media files with the archive's; raise RestoreRefused before any change."""
    started = time.monotonic()
    manifest = read_manifest(archive)
    check_compatible(manifest)
    if connection.in_atomic_block:
        raise RuntimeError("Eine Wiederherstellung läuft nicht innerhalb einer Transaktion.")
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive, "r") as tar:
        name = PG_DUMP if connection.vendor == "postgresql" else SQLITE_DUMP
        try:
            tar.extract(name, scratch, filter="data")
        except KeyError as exc:
            raise RestoreRefused(f"{archive}: die Datenbank fehlt in der Sicherung.") from exc
        dump = Path(scratch) / name
        (_load_postgresql if connection.vendor == "postgresql" else _load_sqlite)(dump)
        _restore_media(tar)
    _clear_process_caches()
    found = tables.database_digests()
    problems = tables.differences(manifest["tables"], found)
    if problems:
        raise RuntimeError("Die Wiederherstellung weicht von der Sicherung ab:\n" + "\n".join(problems))
    migrated = _needs_migration()
    if migrated:
        call_command("migrate", interactive=False, verbosity=0)
    hooks = [hook.key for hook in AFTER_RESTORE]
    for hook in AFTER_RESTORE:
        hook.run()
    return RestoreReport(tables=len(found), migrated=migrated, hooks=hooks, seconds=time.monotonic() - started)


def _needs_migration() -> bool:
    """Whether the restored state is older than the code (a migration still to apply)."""
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _clear_process_caches() -> None:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()

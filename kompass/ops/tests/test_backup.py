"""Restore drill (docs/security.md R1): back up, change and delete data, restore, compare with the manifest.

Runs on the test database's backend: SQLite through the online backup API, PostgreSQL through
pg_dump/pg_restore into the test database itself.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kompass.conftest import build_world
from kompass.core.extensions import AFTER_RESTORE, AfterRestore
from kompass.factories import KommuneFactory
from kompass.ops import backup, tables
from kompass.org.models import OrgUnit, Person


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "kommunen" / "1").mkdir(parents=True)
    (root / "kommunen" / "1" / "bericht.pdf").write_bytes(b"%PDF-1.7 Sachstandsbericht")
    settings.MEDIA_ROOT = root
    return root


def _rewrite_manifest(archive: Path, target: Path, change: Any) -> Path:
    """A copy of `archive` whose manifest `change` has altered."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name == backup.MANIFEST and data is not None:
                manifest = json.load(data)
                change(manifest)
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                copy.addfile(member, io.BytesIO(raw))
            else:
                copy.addfile(member, data)
    return target


@pytest.mark.django_db(transaction=True)
def test_restore_drill_brings_back_every_row_and_file_as_the_manifest_says(tmp_path: Path, media: Path) -> None:
    world = build_world()
    archive = backup.backup(tmp_path / "sicherung")
    manifest = backup.read_manifest(archive)
    assert manifest["backend"] == connection.vendor
    assert manifest["app_version"] == backup.app_version() != "unbekannt"
    assert "0001_initial" in manifest["migrations"]["org"]
    assert manifest["tables"]["org_person"]["rows"] == Person.unscoped_objects.count() == 3
    assert manifest["tables"] == tables.database_digests()

    # Damage: change a name, delete a unit tree, add a Kommune, lose a file and gain another.
    Person.unscoped_objects.filter(pk=world.alice.pk).update(last_name="Überschrieben")
    Person.unscoped_objects.filter(pk=world.bruno.pk).delete()
    OrgUnit.unscoped_objects.filter(pk=world.sachgebiet.pk).delete()
    KommuneFactory(slug="nach-der-sicherung")
    (media / "kommunen" / "1" / "bericht.pdf").unlink()
    (media / "fremd.txt").write_text("nach der Sicherung")
    damaged = tables.differences(manifest["tables"], tables.database_digests())
    assert any(line.startswith("org_person") for line in damaged)
    assert any(line.startswith("tenancy_kommune: 3 statt 2") for line in damaged)

    report = backup.restore(archive)

    assert tables.database_digests() == manifest["tables"]
    assert report.tables == len(manifest["tables"]) and not report.migrated
    assert Person.objects.for_kommune(world.kommune).get(pk=world.alice.pk).last_name == "Amtsleiterin"
    assert (media / "kommunen" / "1" / "bericht.pdf").read_bytes() == b"%PDF-1.7 Sachstandsbericht"
    assert not (media / "fremd.txt").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_runs_the_after_restore_hooks(tmp_path: Path, media: Path) -> None:
    build_world()
    archive = backup.backup(tmp_path)
    ran: list[int] = []
    AFTER_RESTORE.register(
        AfterRestore(key="test.count", label="Test", run=lambda: ran.append(Person.unscoped_objects.count()))
    )
    try:
        call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    finally:
        AFTER_RESTORE.unregister("test.count")
    assert ran == [3]  # after the data was back


@pytest.mark.django_db
def test_a_backup_newer_than_the_code_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    build_world()
    before = tables.database_digests()
    manifest = backup._manifest(before)
    manifest["migrations"]["org"].append("0099_aus_der_zukunft")
    archive = tmp_path / "neu.tar"
    with tarfile.open(archive, "w") as tar:
        backup._add_bytes(tar, backup.MANIFEST, json.dumps(manifest).encode())

    with pytest.raises(CommandError, match=r"neuer als diese Installation.*org\.0099_aus_der_zukunft"):
        call_command("restore", str(archive), "--yes")
    assert tables.database_digests() == before


@pytest.mark.django_db
def test_a_backup_of_another_backend_is_refused(tmp_path: Path) -> None:
    manifest = backup._manifest({})
    manifest["backend"] = "oracle"
    archive = tmp_path / "fremd.tar"
    with tarfile.open(archive, "w") as tar:
        backup._add_bytes(tar, backup.MANIFEST, json.dumps(manifest).encode())
    with pytest.raises(backup.RestoreRefused, match="oracle-Datenbank"):
        backup.restore(archive)


def test_a_file_that_is_no_backup_is_refused_in_german(tmp_path: Path) -> None:
    junk = tmp_path / "kein-archiv.tar"
    junk.write_bytes(b"kein tar")
    with pytest.raises(CommandError, match="keine lesbare Sicherung"):
        call_command("restore", str(junk), "--yes")


@pytest.mark.django_db(transaction=True)
def test_restore_without_confirmation_changes_nothing(tmp_path: Path, media: Path) -> None:
    build_world()
    archive = backup.backup(tmp_path)
    KommuneFactory(slug="bleibt")
    before = tables.database_digests()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert tables.database_digests() == before


@pytest.mark.django_db(transaction=True)
def test_the_backup_command_names_the_archive(tmp_path: Path, media: Path) -> None:
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path), stdout=out)
    archive = next(tmp_path.glob("kompass-sicherung-*.tar"))
    assert str(archive) in out.getvalue()
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {backup.MANIFEST, "media/kommunen/1/bericht.pdf"} <= names
    assert (backup.PG_DUMP if connection.vendor == "postgresql" else backup.SQLITE_DUMP) in names


@pytest.mark.django_db(transaction=True)
def test_an_older_backup_is_restored_and_migrated_forward(tmp_path: Path, media: Path) -> None:
    """A backup taken before a migration: restored as it was (counts and hashes), then migrated."""
    build_world()
    call_command("migrate", "axes", "0009", verbosity=0)  # the state of an older release
    try:
        archive = backup.backup(tmp_path)
        assert "0010_accessattemptexpiration" not in backup.read_manifest(archive)["migrations"]["axes"]
        call_command("migrate", verbosity=0)

        report = backup.restore(archive)
    finally:
        call_command("migrate", verbosity=0)
    assert report.migrated
    assert not backup._needs_migration()
    assert "axes_accessattemptexpiration" in connection.introspection.table_names()
    assert Person.unscoped_objects.count() == 3

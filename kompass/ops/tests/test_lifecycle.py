"""A Kommune leaves and comes back: complete export, complete deletion, import (docs/security.md T7)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from kompass.accounts.models import User
from kompass.conftest import World, build_world
from kompass.ops import services, tenant_data
from kompass.tenancy.models import Kommune, Membership


def _members(archive: Path) -> dict[str, Any]:
    """The archive's contents, comparable across an import: rows as parsed JSON, join rows without
    their own ids (they get new ones), the manifest without its time."""
    result: dict[str, Any] = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest.pop("created_at")
                result[member.name] = manifest
            elif member.name.endswith(".jsonl"):
                lines = [json.loads(line) for line in data.decode().splitlines() if line]
                if member.name.startswith("joins/"):
                    lines = sorted((line.pop("pk"), line)[1]["fields"].items() for line in lines)
                result[member.name] = lines
            else:
                result[member.name] = data
    return result


def _residue(kommune_id: int) -> dict[str, int]:
    """Rows anywhere that still point at the Kommune: its own tables and the join tables."""
    found = {}
    for fk in tenant_data.kommune_foreign_keys():
        count = fk.model._base_manager.filter(**{fk.attname: kommune_id}).count()
        if count:
            found[fk.model._meta.label] = count
    for fk in tenant_data.dependents(tenant_data.owned_models()):
        if fk.related_model is not Kommune:
            count = fk.model._base_manager.filter(**{f"{fk.name}__kommune_id": kommune_id}).count()
            if count:
                found[f"{fk.model._meta.label}.{fk.name}"] = count
    if Kommune._base_manager.filter(pk=kommune_id).exists():
        found["tenancy.Kommune"] = 1
    return found


def _counts(kommune_id: int) -> dict[str, int]:
    return {m._meta.label: m._base_manager.filter(kommune_id=kommune_id).count() for m in tenant_data.owned_models()}


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_kommune_is_exported_deleted_without_residue_and_imported_equal(tmp_path: Path) -> None:
    from kompass.demo.kommunen import load_demo

    load_demo()
    kommune = Kommune.objects.get(slug="musterstadt")
    neighbour = Kommune.objects.get(slug="kleinhausen")
    prefix = tenant_data.kommune_storage_prefix(kommune.pk)
    default_storage.save(f"{prefix}berichte/sachstand.pdf", ContentFile(b"%PDF Sachstand Musterstadt"))
    default_storage.save(f"{tenant_data.kommune_storage_prefix(neighbour.pk)}x.pdf", ContentFile(b"Kleinhausen"))
    cache.set(f"{tenant_data.kommune_cache_prefix('agenda-public', kommune.pk)}overview:de", "Musterstadt")
    cache.set(f"{tenant_data.kommune_cache_prefix('agenda-public', neighbour.pk)}overview:de", "Kleinhausen")
    neighbour_before = _counts(neighbour.pk)
    assert sum(_counts(kommune.pk).values()) > 500  # units, people, roles, assessment, agenda, audit

    first = services.kommune_export(kommune, tmp_path / "a")
    report = services.kommune_delete(kommune)

    assert _residue(kommune.pk) == {}
    assert list(tenant_data.storage_files(prefix)) == []
    assert cache.get(f"agenda-public:{kommune.pk}:overview:de") is None and report.cache_entries == 1
    assert cache.get(f"agenda-public:{neighbour.pk}:overview:de") == "Kleinhausen"
    assert _counts(neighbour.pk) == neighbour_before
    assert default_storage.exists(f"{tenant_data.kommune_storage_prefix(neighbour.pk)}x.pdf")

    imported = services.kommune_import(first)
    second = services.kommune_export(imported, tmp_path / "b")

    before, after = _members(first), _members(second)
    assert before.keys() == after.keys()
    assert {name: after[name] for name in after if after[name] != before[name]} == {}
    assert default_storage.open(f"{prefix}berichte/sachstand.pdf").read() == b"%PDF Sachstand Musterstadt"
    assert any(name.startswith("joins/") and before[name] for name in before), "the demo has many-to-many links"
    assert any(name.startswith("globals/roles.") for name in before), "catalogue entries are referenced"


@pytest.mark.django_db
def test_an_import_into_an_instance_that_has_the_kommune_is_refused_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    archive = services.kommune_export(world.kommune, tmp_path)
    users = User.objects.count()
    with pytest.raises(CommandError, match="gibt es in dieser Installation schon"):
        call_command("import_kommune", str(archive))
    assert User.objects.count() == users


@pytest.mark.django_db
def test_missing_accounts_are_created_without_password_and_references_remapped(world: World, tmp_path: Path) -> None:
    world.admin.is_superuser = True
    world.admin.save()
    archive = services.kommune_export(world.kommune, tmp_path)
    services.kommune_delete(world.kommune)
    old_id = world.admin.pk
    User.objects.filter(pk=world.admin.pk).delete()
    User.objects.create_user(username="platzhalter")  # takes a new id, so the account's id differs

    kommune = services.kommune_import(archive)

    admin = User.objects.get(username="admin")
    assert admin.pk != old_id and not admin.has_usable_password() and not admin.is_superuser
    membership = Membership.objects.for_kommune(kommune).get(user=admin)
    assert membership.role == "admin"
    assert User.objects.get(username="editor").pk == world.editor.pk  # existing accounts are matched


@pytest.mark.django_db
def test_the_export_holds_no_password_hash_or_token(world: World, tmp_path: Path) -> None:
    archive = services.kommune_export(world.kommune, tmp_path)
    with tarfile.open(archive) as tar:
        raw = b"".join(tar.extractfile(m).read() for m in tar.getmembers())  # type: ignore[union-attr]
    assert world.admin.password.encode() not in raw
    assert b'"password"' not in raw and b'"last_login"' not in raw and b'"is_superuser"' not in raw
    assert b"GEHEIM-Nachbar" not in raw  # the other Kommune's rows stay out
    assert b"Alice" in raw


@pytest.mark.django_db
def test_deleting_a_kommune_leaves_no_row_and_spares_the_other(world: World) -> None:
    other_before = _counts(world.other.pk)
    out = io.StringIO()
    call_command("delete_kommune", "teststadt", "--yes", stdout=out)
    assert "Teststadt gelöscht" in out.getvalue()
    assert _residue(world.kommune.pk) == {}
    assert _counts(world.other.pk) == other_before


@pytest.mark.django_db
def test_delete_needs_confirmation_and_a_known_kommune(world: World) -> None:
    with pytest.raises(CommandError, match=r"endgültig.*--yes"):
        call_command("delete_kommune", "teststadt")
    assert Kommune.objects.filter(slug="teststadt").exists()
    with pytest.raises(CommandError, match="Keine Kommune"):
        call_command("delete_kommune", "gibt-es-nicht", "--yes")
    with pytest.raises(CommandError, match="Keine Kommune"):
        call_command("export_kommune", "gibt-es-nicht")


def test_a_file_that_is_no_export_is_refused_in_german(tmp_path: Path) -> None:
    junk = tmp_path / "x.tar"
    junk.write_bytes(b"kein Archiv")
    with pytest.raises(services.ImportRefused, match="kein lesbarer Export"):
        services.kommune_import(junk)


@pytest.mark.django_db
def test_the_export_command_writes_an_archive_named_after_the_kommune(tmp_path: Path) -> None:
    build_world()
    out = io.StringIO()
    call_command("export_kommune", "teststadt", "--output", str(tmp_path), stdout=out)
    archive = next(tmp_path.glob("kommune-teststadt-*.tar"))
    assert str(archive) in out.getvalue()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["kommune"]["slug"] == "teststadt" and manifest["rows"]["org.Person"] == 2


@pytest.mark.django_db
def test_the_audit_log_goes_only_through_the_audit_layers_purge(world: World) -> None:
    """The audit log refuses deletes except through `purge_kommune_audit` (docs/security.md L2):
    the deletion calls it with the Kommune's id, and no audit row of the Kommune is left."""
    from kompass.audit import services as audit_services
    from kompass.audit.models import AuditEntry

    assert AuditEntry.objects.for_kommune(world.kommune).exists()
    purge = getattr(audit_services, "purge_kommune_audit", None)
    if purge is None:  # the audit layer without its own purge: the rows go with the Kommune's other rows
        report = services.kommune_delete(world.kommune)
        assert not report.audit_purged
    else:
        with mock.patch.object(audit_services, "purge_kommune_audit", wraps=purge) as spy:
            report = services.kommune_delete(world.kommune)
        spy.assert_called_once_with(world.kommune.pk)
        assert report.audit_purged
    assert AuditEntry.unscoped_objects.filter(kommune_id=world.kommune.pk).count() == 0
    assert AuditEntry.unscoped_objects.filter(kommune_id=world.other.pk).exists()

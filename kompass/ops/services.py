"""A Kommune's lifecycle on the platform: complete export, import and complete deletion (docs/security.md T7).

`kommune_export` writes one tar: `manifest.json`, `rows/<model>.jsonl` (Django's JSON-lines
serialisation of every row of every tenant model, the Kommune itself first), `globals/<model>.jsonl`
(the global rows those reference: the member accounts without password, login times or rights,
and the shipped catalogue entries), `joins/<model>.jsonl` (the many-to-many links) and `files/…`
(everything below the Kommune's storage prefix).

`kommune_import` reads such an archive into an instance that does not have that Kommune (an empty
one, or one it was deleted from). Accounts and catalogue entries are matched by their natural key
(user name; the unique fields of a catalogue entry) or created, and every reference to them is
remapped; new accounts get no usable password (their people set one through "Passwort vergessen"
or log in through single sign-on). The Kommune's own rows keep their ids: several columns hold ids
as text (the materialised path of the unit tree, the object id of audit entries, stored survey
results), which a generic remapping cannot see, so an import whose ids are taken is refused before
anything is written.

`kommune_delete` removes every row of the Kommune in one transaction — its audit log only here,
through `audit.services.purge_kommune_audit` — then its files and its cache entries.
"""

from __future__ import annotations

import io
import json
import logging
import tarfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dt_time
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models.deletion import CASCADE, SET_NULL

from kompass.audit import services as audit_services
from kompass.ops import tenant_data
from kompass.ops.backup import app_version, applied_migrations
from kompass.tenancy.models import Kommune

logger = logging.getLogger("kompass.security")

FORMAT = 1
# The fields of an account that leave the instance; never the password hash, login times or rights.
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "date_joined")
# Columns of tenant tables that are secrets, not data, are not exported. The SHA-256 of a survey or
# invitation link (`token_hash`) is exported: the links keep working after a move, and the hash
# does not give the link back.
SECRET_FIELD_NAMES = ("token", "secret", "password")


class ImportRefused(Exception):
    """The archive cannot be imported here; the message is German and nothing was written."""


@dataclass
class DeletionReport:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    cache_entries: int = 0
    audit_purged: bool = False


# --- deletion ------------------------------------------------------------------------------------


def _purge_audit(kommune_id: int) -> bool:
    """The audit log is removed only here and only through the audit layer's own purge (docs/security.md L2)."""
    purge = getattr(audit_services, "purge_kommune_audit", None)
    if purge is None:
        return False
    purge(kommune_id)
    return True


def _delete_dependents(kommune_id: int, owned: list[type[models.Model]], report: DeletionReport) -> None:
    for fk in tenant_data.dependents(owned):
        target = fk.related_model
        if target is Kommune:
            rows = fk.model._base_manager.filter(**{fk.attname: kommune_id})
        else:
            rows = fk.model._base_manager.filter(**{f"{fk.name}__kommune_id": kommune_id})
        on_delete = getattr(fk.remote_field, "on_delete", CASCADE)
        if on_delete is SET_NULL:
            rows.update(**{fk.attname: None})
        else:  # CASCADE and the join tables; PROTECT from a global table would be a design error
            report.rows[fk.model._meta.label] = report.rows.get(fk.model._meta.label, 0) + rows._raw_delete("default")


def _delete_task_queue(kommune_id: int) -> None:
    """Queued and finished background jobs of the Kommune (their first argument is its id)."""
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    from kompass.tasks.runner import is_kommune_task

    for result in DBTaskResult.objects.only("id", "task_path", "args_kwargs").iterator():
        args = (result.args_kwargs or {}).get("args") or []
        if not args or args[0] != kommune_id:
            continue
        try:
            task = import_string(result.task_path)
        except ImportError:
            continue
        if is_kommune_task(task):
            result.delete()


def kommune_delete(kommune: Kommune) -> DeletionReport:
    """Delete the Kommune with every row, file and cache entry of it (docs/security.md T7). Not undoable: the
    operator exports first (`manage.py export_kommune`)."""
    kommune_id = kommune.pk
    report = DeletionReport()
    owned = tenant_data.owned_models()
    with transaction.atomic():
        report.audit_purged = _purge_audit(kommune_id)
        _delete_dependents(kommune_id, owned, report)
        for model in owned:
            deleted = model._base_manager.filter(kommune_id=kommune_id)._raw_delete("default")
            report.rows[model._meta.label] = report.rows.get(model._meta.label, 0) + deleted
        _delete_task_queue(kommune_id)
        Kommune._base_manager.filter(pk=kommune_id)._raw_delete("default")
    for name in list(tenant_data.storage_files(tenant_data.kommune_storage_prefix(kommune_id))):
        default_storage.delete(name)
        report.files += 1
    report.cache_entries = tenant_data.delete_cache_entries(kommune_id)
    logger.info("kommune_deleted kommune=%s rows=%s files=%s", kommune_id, sum(report.rows.values()), report.files)
    return report


# --- export --------------------------------------------------------------------------------------


def _exported_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in SECRET_FIELD_NAMES]


def _join_tables(model: type[models.Model]) -> list[tuple[Any, str]]:
    """The auto-created join tables of a tenant model's many-to-many fields, with the column of the
    model's side (they are written apart: the related managers of tenant models are fail-closed)."""
    return [
        (m2m.remote_field.through, m2m.m2m_field_name())
        for m2m in model._meta.many_to_many
        if cast(Any, m2m.remote_field.through)._meta.auto_created
    ]


def _plain(value: Any) -> Any:
    """JSON for what Django's serialiser leaves as objects; times keep their microseconds (Django's
    JSON encoder would cut them to milliseconds, and the round trip would not be exact)."""
    if isinstance(value, datetime | date | dt_time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _serialise(rows: Iterable[models.Model], fields: list[str]) -> bytes:
    items = serializers.serialize("python", rows, fields=fields)
    return "".join(json.dumps(item, default=_plain, ensure_ascii=False) + "\n" for item in items).encode("utf-8")


def _deserialise(data: bytes) -> Iterator[Any]:
    items = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    return serializers.deserialize("python", items)


def _global_rows(references: dict[type[models.Model], set[Any]]) -> dict[str, bytes]:
    """The referenced global rows and, in turn, the global rows those reference (catalogue → entry)."""
    user_model = get_user_model()
    pending = {model: set(ids) for model, ids in references.items() if ids}
    done: dict[type[models.Model], set[Any]] = {}
    while pending:
        model, ids = pending.popitem()
        ids -= done.setdefault(model, set())
        if not ids:
            continue
        done[model] |= ids
        if model is user_model:
            continue
        for fk in tenant_data.global_references(model):
            values = set(model._base_manager.filter(pk__in=ids).values_list(fk.attname, flat=True)) - {None}
            pending.setdefault(tenant_data.target(fk), set()).update(values)
    result = {}
    for model, ids in done.items():
        fields = list(USER_FIELDS) if model is user_model else _exported_fields(model)
        rows = model._base_manager.filter(pk__in=ids).order_by("pk")
        result[model._meta.label] = _serialise(rows, fields)
    return result


def kommune_export(kommune: Kommune, output_dir: Path) -> Path:
    """Write the complete export of one Kommune and return the archive's path (docs/security.md T7)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = output_dir / f"kommune-{kommune.slug}-{stamp}.tar"
    counts: dict[str, int] = {}
    references: dict[type[models.Model], set[Any]] = {}
    with transaction.atomic(), tarfile.open(archive, "w") as tar:
        _add(tar, "rows/tenancy.Kommune.jsonl", _serialise([kommune], _exported_fields(Kommune)))
        for model in tenant_data.tenant_models():
            rows = model._base_manager.filter(kommune_id=kommune.pk).order_by("pk")
            counts[model._meta.label] = rows.count()
            _add(tar, f"rows/{model._meta.label}.jsonl", _serialise(rows, _exported_fields(model)))
            for fk in tenant_data.global_references(model):
                values = set(rows.values_list(fk.attname, flat=True)) - {None}
                references.setdefault(tenant_data.target(fk), set()).update(values)
            for through, side in _join_tables(model):
                links = through._base_manager.filter(**{f"{side}__kommune_id": kommune.pk}).order_by("pk")
                _add(tar, f"joins/{through._meta.label}.jsonl", _serialise(links, _exported_fields(through)))
        for label, data in _global_rows(references).items():
            _add(tar, f"globals/{label}.jsonl", data)
        prefix = tenant_data.kommune_storage_prefix(kommune.pk)
        files = list(tenant_data.storage_files(prefix))
        for name in files:
            with default_storage.open(name, "rb") as handle:
                _add(tar, f"files/{name.removeprefix(prefix)}", handle.read())
        manifest = {
            "format": FORMAT,
            "kind": "kommune",
            "app_version": app_version(),
            "migrations": applied_migrations(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "kommune": {"id": kommune.pk, "slug": kommune.slug, "name": kommune.name},
            "rows": counts,
            "files": len(files),
        }
        _add(tar, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    logger.info("kommune_exported kommune=%s rows=%s files=%s", kommune.pk, sum(counts.values()), len(files))
    return archive


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


# --- import --------------------------------------------------------------------------------------


def _read(tar: tarfile.TarFile, name: str) -> bytes:
    member = tar.extractfile(name)
    if member is None:
        raise KeyError(name)
    return member.read()


def _identity(model: type[models.Model]) -> tuple[str, ...]:
    """The natural key a global row is matched by: a unique field, else the first unique set."""
    if model is get_user_model():
        return ("username",)
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key:
            return (f.attname,)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None:
            return tuple(cast(Any, model._meta.get_field(name)).attname for name in constraint.fields)
    for together in model._meta.unique_together:
        return tuple(cast(Any, model._meta.get_field(name)).attname for name in together)
    return tuple(f.attname for f in model._meta.concrete_fields if not f.primary_key)


def _remap(obj: models.Model, maps: dict[type[models.Model], dict[Any, Any]]) -> None:
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model in maps:
            value = getattr(obj, f.attname)
            if value is not None:
                setattr(obj, f.attname, maps[tenant_data.target(f)][value])


def _import_globals(tar: tarfile.TarFile, names: list[str]) -> dict[type[models.Model], dict[Any, Any]]:
    """Match or create the global rows; returns old id → id here, per model."""
    user_model = get_user_model()
    loaded = {name: list(_deserialise(_read(tar, name))) for name in names}
    by_model = {
        apps.get_model(name.removeprefix("globals/").removesuffix(".jsonl")): rows for name, rows in loaded.items()
    }
    maps: dict[type[models.Model], dict[Any, Any]] = {}
    # A catalogue before its entries: models without references to other global models first.
    order = sorted(
        by_model, key=lambda m: len([fk for fk in tenant_data.global_references(m) if fk.related_model in by_model])
    )
    for model in order:
        maps[model] = {}
        for item in by_model[model]:
            obj = item.object
            old = obj.pk
            _remap(obj, maps)
            key = {name: getattr(obj, name) for name in _identity(model)}
            found = model._base_manager.filter(**key).values_list("pk", flat=True).first()
            if found is None:
                obj.pk = None
                if model is user_model:
                    obj.set_unusable_password()  # type: ignore[attr-defined]
                obj.save(force_insert=True)
                found = obj.pk
            maps[model][old] = found
    return maps


def _check_free(kommune_row: Any, rows: dict[type[models.Model], list[Any]]) -> None:
    kommune = kommune_row.object
    if Kommune.objects.filter(models.Q(slug=kommune.slug) | models.Q(ags=kommune.ags)).exists():
        raise ImportRefused(f"Die Kommune „{kommune.name}“ ({kommune.slug}) gibt es in dieser Installation schon.")
    everything: dict[type[models.Model], list[Any]] = {Kommune: [kommune_row], **rows}
    taken = [
        model._meta.verbose_name
        for model, items in everything.items()
        if items and model._base_manager.filter(pk__in=[item.object.pk for item in items]).exists()
    ]
    if taken:
        raise ImportRefused(
            "Die Kennungen der Daten sind hier schon vergeben "
            f"({', '.join(str(name) for name in taken[:5])}). Importieren Sie in eine leere Installation."
        )


def _save_rows(rows: dict[type[models.Model], list[Any]], maps: dict[type[models.Model], dict[Any, Any]]) -> None:
    for model, items in rows.items():
        objects = []
        for item in items:
            _remap(item.object, maps)
            objects.append(item.object)
        _insert_raw(model, objects)


def _insert_raw(model: type[models.Model], objects: list[models.Model]) -> None:
    """INSERT as stored: `raw` keeps `auto_now`/`auto_now_add` times instead of stamping today."""
    fields = list(model._meta.local_concrete_fields)
    size = max(1, connection.ops.bulk_batch_size(fields, objects) or 500)
    for start in range(0, len(objects), size):
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True, using="default")  # type: ignore[attr-defined]


def _save_joins(tar: tarfile.TarFile, names: list[str], maps: dict[type[models.Model], dict[Any, Any]]) -> None:
    """The join rows get new ids (nothing refers to them); their ends are remapped like any row."""
    for name in names:
        through = apps.get_model(name.removeprefix("joins/").removesuffix(".jsonl"))
        links = []
        for item in _deserialise(_read(tar, name)):
            item.object.pk = None
            _remap(item.object, maps)
            links.append(item.object)
        through._base_manager.bulk_create(links, batch_size=500)


def kommune_import(archive: Path) -> Kommune:
    """Import a Kommune exported by `kommune_export`; raise ImportRefused before any write."""
    try:
        tar = tarfile.open(archive, "r")  # noqa: SIM115 - closed by the `with tar` below
    except (OSError, tarfile.TarError) as exc:
        raise ImportRefused(f"{archive} ist kein lesbarer Export einer Kommune ({exc}).") from exc
    with tar:
        try:
            manifest = json.loads(_read(tar, "manifest.json"))
        except (KeyError, ValueError) as exc:
            raise ImportRefused(f"{archive}: das Manifest fehlt oder ist unlesbar.") from exc
        if manifest.get("kind") != "kommune" or manifest.get("format") != FORMAT:
            raise ImportRefused(f"{archive} ist kein Export einer Kommune in einem bekannten Format.")
        if manifest.get("migrations") != applied_migrations():
            raise ImportRefused(
                f"Der Export stammt von Version {manifest.get('app_version')} mit einem anderen Datenbankstand; "
                f"diese Installation ist Version {app_version()}. "
                "Bitte in eine Installation desselben Stands importieren."
            )
        names = tar.getnames()
        with transaction.atomic():
            kommune_row = next(_deserialise(_read(tar, "rows/tenancy.Kommune.jsonl")))
            rows = {
                model: list(_deserialise(_read(tar, f"rows/{model._meta.label}.jsonl")))
                for model in tenant_data.tenant_models()
                if f"rows/{model._meta.label}.jsonl" in names
            }
            _check_free(kommune_row, rows)
            maps = _import_globals(tar, [n for n in names if n.startswith("globals/")])
            _insert_raw(Kommune, [kommune_row.object])
            _save_rows(rows, maps)
            _save_joins(tar, [n for n in names if n.startswith("joins/")], maps)
            _reset_sequences([Kommune, *rows, *maps])
            kommune: Kommune = Kommune.objects.get(pk=kommune_row.object.pk)
        prefix = tenant_data.kommune_storage_prefix(kommune.pk)
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith("files/"):
                default_storage.save(prefix + member.name.removeprefix("files/"), ContentFile(_read(tar, member.name)))
    logger.info("kommune_imported kommune=%s rows=%s", kommune.pk, sum(len(v) for v in rows.values()))
    return kommune


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    """PostgreSQL: rows were written with their ids, so the id sequences must move past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)

"""Where a Kommune's data lives, found generically through the model registry (docs/security.md T5, T7).

The ops layer knows no domain app: it finds a Kommune's rows through `TenantModel` (every
tenant-owned table), the tables that otherwise point at the Kommune (API tokens, task runs), the
join tables of many-to-many fields between them, and the global rows they reference (accounts,
shipped catalogues). Files of a Kommune live under `kommune_storage_prefix`, cache entries of a
Kommune carry its id as the second part of the key (`"<namespace>:<kommune id>:…"`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection, models

from kompass.tenancy.models import Kommune
from kompass.tenancy.scoping import TenantModel


def kommune_storage_prefix(kommune_id: int) -> str:
    """SECURITY: every stored file of a Kommune lives below this prefix, nothing else does (docs/security.md T5)."""
    return f"kommunen/{int(kommune_id)}/"


def kommune_cache_prefix(namespace: str, kommune_id: int) -> str:
    """The start of every cache key a Kommune's data is kept under (docs/security.md T5): `agenda-public:7:`."""
    return f"{namespace}:{int(kommune_id)}:"


def target(fk: Any) -> type[models.Model]:
    """The model a foreign key points at (typed: never the unresolved "self" after start-up)."""
    return cast(type[models.Model], fk.related_model)


def tenant_models() -> list[type[models.Model]]:
    """Every concrete tenant-owned model (a non-null `kommune` and the fail-closed manager)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and not model._meta.proxy and not model._meta.abstract
    ]


def kommune_foreign_keys() -> list[models.ForeignKey]:
    """Every foreign key to the Kommune, of tenant models and of global tables alike."""
    return [
        field
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is Kommune
    ]


def owned_models() -> list[type[models.Model]]:
    """Every model with a foreign key to the Kommune (tenant models, API tokens, task runs …)."""
    seen: dict[str, type[models.Model]] = {}
    for field in kommune_foreign_keys():
        seen.setdefault(field.model._meta.label, field.model)
    return list(seen.values())


def dependents(owned: list[type[models.Model]]) -> list[models.ForeignKey]:
    """Foreign keys of tables *without* a Kommune column that point at a Kommune's rows
    (many-to-many join tables, global tables referencing tenant rows)."""
    owned_set = set(owned) | {Kommune}
    return [
        field
        for model in apps.get_models(include_auto_created=True)
        if model not in owned_set and not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model in owned_set
    ]


def global_references(model: type[models.Model]) -> list[models.ForeignKey]:
    """Foreign keys of a tenant model to global tables (accounts, catalogues), not to the Kommune."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and target(field) is not Kommune
        and not issubclass(target(field), TenantModel)
    ]


def storage_files(prefix: str) -> Iterator[str]:
    """Every file name below `prefix` in the default storage (none when the folder does not exist)."""
    try:
        folders, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from storage_files(f"{prefix}{folder}/")


def delete_cache_entries(kommune_id: int) -> int:
    """Delete the cache entries kept for a Kommune (keys `"<namespace>:<id>:…"`); returns how many.

    The database cache (production) and the local-memory cache (development) are searched; other
    backends keep the entries until they expire, and a new Kommune never gets an old id."""
    pattern = re.compile(rf"^[^:]*:\d+:[^:]+:{int(kommune_id)}:")  # KEY_PREFIX:version:namespace:id:
    backend = str(settings.CACHES["default"]["BACKEND"])
    if backend.endswith("DatabaseCache"):
        table = connection.ops.quote_name(str(settings.CACHES["default"]["LOCATION"]))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key LIKE %s", [f"%:{int(kommune_id)}:%"])  # noqa: S608 - table name from settings
            keys = [key for (key,) in cursor.fetchall() if pattern.match(key)]
            for key in keys:
                cursor.execute(f"DELETE FROM {table} WHERE cache_key = %s", [key])  # noqa: S608 - table name from settings
        return len(keys)
    store = getattr(cache, "_cache", None)
    if isinstance(store, dict):
        keys = [key for key in list(store) if pattern.match(key)]
        for key in keys:
            store.pop(key, None)
        return len(keys)
    return 0

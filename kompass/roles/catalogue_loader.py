"""Loading the shipped catalogues (`catalogue/*.toml`) into the database, idempotently.

A role catalogue file holds one version; once loaded, a version is never changed — a changed
file must carry a new version number (the loader refuses otherwise), so that every Kommune's
adopted version stays reproducible. The activity catalogue is updated in place by key.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from kompass.core.catalogues import upsert_by_key
from kompass.roles.models import ActivityTemplate, Catalogue, CatalogueRelation, CatalogueRole, RoleContent

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
ROLE_FIELDS = list(RoleContent.CONTENT_FIELDS)


class CatalogueFileError(ValueError):
    pass


@dataclass
class LoadResult:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    activities_created: int = 0
    activities_updated: int = 0


def _role_values(raw: dict[str, Any]) -> dict[str, Any]:
    values = {name: raw[name] for name in ROLE_FIELDS if name in raw}
    values.setdefault("kind", "intern")
    values["time_share_percent"] = raw.get("time_share_percent")
    return values


def _load_role_catalogue(data: dict[str, Any], digest: str, result: LoadResult) -> None:
    meta = data["catalogue"]
    label = f"{meta['key']} {meta['version']}"
    existing = Catalogue.objects.filter(key=meta["key"], version=meta["version"]).first()
    if existing is not None:
        if existing.content_hash != digest:
            raise CatalogueFileError(
                f"Katalog {label} wurde geändert, ohne die Version zu erhöhen. Bitte eine neue Version vergeben."
            )
        result.unchanged.append(label)
        return
    catalogue = Catalogue.objects.create(
        key=meta["key"],
        version=meta["version"],
        name=meta["name"],
        description=meta.get("description", ""),
        source=meta.get("source", ""),
        content_hash=digest,
    )
    CatalogueRole.objects.bulk_create(
        CatalogueRole(catalogue=catalogue, key=raw["key"], **_role_values(raw)) for raw in data.get("roles", [])
    )
    CatalogueRelation.objects.bulk_create(
        CatalogueRelation(
            catalogue=catalogue,
            from_key=raw["from"],
            to_key=raw["to"],
            relation_type=raw["type"],
            note=raw.get("note", ""),
            source=raw.get("source", ""),
            confidence=raw["confidence"],
        )
        for raw in data.get("relations", [])
    )
    result.loaded.append(label)


def _load_activities(data: dict[str, Any], result: LoadResult) -> None:
    version = data["catalogue"]["version"]
    existing = {a.key: a for a in ActivityTemplate.objects.all()}
    for position, raw in enumerate(data.get("activities", [])):
        values = {
            "name": raw["name"],
            "description": raw.get("description", ""),
            "note": raw.get("note", ""),
            "default_raci": raw.get("raci", {}),
            "source": raw.get("source", ""),
            "confidence": raw["confidence"],
            "position": position,
            "version": version,
        }
        outcome = upsert_by_key(ActivityTemplate, existing, raw["key"], values)
        result.activities_created += outcome == "created"
        result.activities_updated += outcome == "updated"


@transaction.atomic
def load_catalogues(directory: Path = CATALOGUE_DIR) -> LoadResult:
    """Load every catalogue file in `directory`; a second call changes nothing."""
    result = LoadResult()
    for path in sorted(directory.glob("*.toml")):
        raw_bytes = path.read_bytes()
        try:
            data = tomllib.loads(raw_bytes.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CatalogueFileError(f"{path.name}: {exc}") from exc
        if "activities" in data:
            _load_activities(data, result)
        else:
            _load_role_catalogue(data, hashlib.sha256(raw_bytes).hexdigest(), result)
    return result


def load_summary() -> str:
    """What `manage.py load_catalogues` says about the role catalogues (the registered loader)."""
    result = load_catalogues()
    loaded = ", ".join(result.loaded) or "keine"
    unchanged = ", ".join(result.unchanged) or "keine"
    return (
        f"geladen: {loaded}; unverändert: {unchanged}. Aktivitäten: "
        f"{result.activities_created} neu, {result.activities_updated} aktualisiert."
    )


def latest_catalogue(key: str) -> Catalogue | None:
    """The newest loaded version of a catalogue (versions compare numerically: 2026.10 > 2026.9)."""
    versions = list(Catalogue.objects.filter(key=key))
    if not versions:
        return None
    return max(versions, key=lambda c: tuple(int(p) if p.isdigit() else 0 for p in c.version.split(".")))

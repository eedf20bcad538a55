"""Loading the shipped framework catalogue and measure templates (`catalogue/*.toml`), idempotently.

`orientierungsrahmen.toml` holds one version of the framework tree; once loaded, a version is never
changed — a changed file must carry a new version number (the loader refuses otherwise), so every
Kommune's adopted version stays reproducible. `massnahmen.toml` (measure templates) is updated in
place by key. `kommunentypen.toml` is read when needed (`kommunentypen.py`), not stored.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from kompass.core.catalogues import upsert_by_key
from kompass.framework.models import (
    CatalogueCriterion,
    CatalogueDimension,
    CatalogueField,
    FrameworkCatalogue,
    MeasureTemplate,
)

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
FRAMEWORK_FILE = "orientierungsrahmen.toml"
MEASURES_FILE = "massnahmen.toml"
LEVEL_COUNT = 5


class CatalogueFileError(ValueError):
    pass


@dataclass
class LoadResult:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    measures_created: int = 0
    measures_updated: int = 0


def _read(path: Path) -> tuple[dict[str, Any], str]:
    raw = path.read_bytes()
    try:
        return tomllib.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueFileError(f"{path.name}: {exc}") from exc


def _check_tree(data: dict[str, Any], name: str) -> None:
    dimensions = {d["key"] for d in data.get("dimensions", [])}
    seen: set[str] = set()
    for raw in data.get("fields", []):
        key = raw["key"]
        if key in seen:
            raise CatalogueFileError(f"{name}: Feld {key!r} kommt zweimal vor.")
        seen.add(key)
        if raw["dimension"] not in dimensions:
            raise CatalogueFileError(f"{name}: Feld {key!r} nennt die unbekannte Dimension {raw['dimension']!r}.")
        criteria = raw.get("criteria", [])
        if raw.get("assessable", True) and not 3 <= len(criteria) <= 6:
            raise CatalogueFileError(f"{name}: Feld {key!r} hat {len(criteria)} Kriterien (erlaubt: 3 bis 6).")
        for criterion in criteria:
            if len(criterion.get("levels", [])) != LEVEL_COUNT:
                raise CatalogueFileError(
                    f"{name}: Kriterium {key}/{criterion['key']} braucht genau {LEVEL_COUNT} Stufenbeschreibungen."
                )


def _load_framework(path: Path, result: LoadResult) -> None:
    data, digest = _read(path)
    meta = data["catalogue"]
    label = f"{meta['key']} {meta['version']}"
    existing = FrameworkCatalogue.objects.filter(key=meta["key"], version=meta["version"]).first()
    if existing is not None:
        if existing.content_hash != digest:
            raise CatalogueFileError(
                f"Katalog {label} wurde geändert, ohne die Version zu erhöhen. Bitte eine neue Version vergeben."
            )
        result.unchanged.append(label)
        return
    _check_tree(data, path.name)
    catalogue = FrameworkCatalogue.objects.create(
        key=meta["key"],
        version=meta["version"],
        name=meta["name"],
        description=meta.get("description", ""),
        source=meta.get("source", ""),
        level_names=list(meta.get("level_names", [])),
        decisions=list(data.get("decisions", [])),
        content_hash=digest,
    )
    CatalogueDimension.objects.bulk_create(
        CatalogueDimension(
            catalogue=catalogue,
            key=raw["key"],
            name=raw["name"],
            description=raw.get("description", ""),
            source=raw.get("source", ""),
            confidence=raw["confidence"],
            position=raw.get("position", index),
        )
        for index, raw in enumerate(data.get("dimensions", []), start=1)
    )
    fields, criteria = [], []
    for index, raw in enumerate(data.get("fields", []), start=1):
        fields.append(
            CatalogueField(
                catalogue=catalogue,
                dimension_key=raw["dimension"],
                key=raw["key"],
                name=raw["name"],
                description=raw.get("description", ""),
                assessable=raw.get("assessable", True),
                optional=raw.get("optional", False),
                source=raw.get("source", ""),
                confidence=raw["confidence"],
                confidence_note=raw.get("confidence_note", ""),
                position=index,
            )
        )
        for position, crit in enumerate(raw.get("criteria", []), start=1):
            criteria.append(
                CatalogueCriterion(
                    catalogue=catalogue,
                    field_key=raw["key"],
                    key=crit["key"],
                    name=crit["name"],
                    question=crit["question"],
                    levels=list(crit["levels"]),
                    source=crit.get("source", ""),
                    confidence=crit["confidence"],
                    position=position,
                )
            )
    CatalogueField.objects.bulk_create(fields)
    CatalogueCriterion.objects.bulk_create(criteria)
    result.loaded.append(label)


def _load_measures(path: Path, result: LoadResult) -> None:
    data, _digest = _read(path)
    version = data.get("meta", {}).get("version", "")
    existing = {m.key: m for m in MeasureTemplate.objects.all()}
    for position, raw in enumerate(data.get("measures", []), start=1):
        values = {
            "name": raw["name"],
            "description": raw.get("description", "").strip(),
            "field_keys": list(raw.get("fields", [])),
            "max_level": int(raw.get("max_level", 3)),
            "effort": raw.get("effort", "mittel"),
            "kommunentypen": list(raw.get("kommunentypen", [])),
            "source": raw.get("source", ""),
            "confidence": raw["confidence"],
            "position": position,
            "version": version,
        }
        outcome = upsert_by_key(MeasureTemplate, existing, raw["key"], values)
        result.measures_created += outcome == "created"
        result.measures_updated += outcome == "updated"


@transaction.atomic
def load_framework(directory: Path = CATALOGUE_DIR) -> LoadResult:
    """Load the framework catalogue(s) and the measure templates; a second call changes nothing."""
    result = LoadResult()
    for path in sorted(directory.glob("orientierungsrahmen*.toml")):
        _load_framework(path, result)
    measures = directory / MEASURES_FILE
    if measures.exists():
        _load_measures(measures, result)
    return result


def load_summary() -> str:
    result = load_framework()
    loaded = ", ".join(result.loaded) or "keine"
    unchanged = ", ".join(result.unchanged) or "keine"
    return (
        f"geladen: {loaded}; unverändert: {unchanged}. Maßnahmenvorlagen: "
        f"{result.measures_created} neu, {result.measures_updated} aktualisiert."
    )


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def latest_catalogue(key: str = "orientierungsrahmen") -> FrameworkCatalogue | None:
    """The newest loaded version (versions compare numerically: 2026.10 > 2026.9)."""
    versions = list(FrameworkCatalogue.objects.filter(key=key))
    return max(versions, key=lambda c: _version_key(c.version)) if versions else None

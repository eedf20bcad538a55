"""The Kommunentypen of ÖFIT and KGSt (2020) and the short questionnaire that places a Kommune among them.

`catalogue/kommunentypen.toml` holds the four types (Die Bedächtigen, Die Optimierer, Die
Serviceorientierten, Die Community Manager) with description, strengths, next steps, source and
confidence, and the items: goals the Verwaltungsvorstand rates from 1 (unwichtig) to 5 (sehr
wichtig), each belonging to one type. The file is read when needed and cached, not stored in the
database: a Kommune's answers (`assessment.TypeProfile`) name the items by key.

Scoring (`type_scores`, `nearest_types`) follows the file's own proposal: a type's score is the
mean of its items; the nearest type is the one with the highest score, and equal scores are all
named — the study grouped Kommunen by their priority goals, it did not publish a formula, so the
items and the scoring are our derivation (the file's `meta.note` says so and the page shows it).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompass.framework.catalogue_loader import CATALOGUE_DIR, CatalogueFileError

TYPES_FILE = CATALOGUE_DIR / "kommunentypen.toml"
SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class KommuneType:
    key: str
    name: str
    description: str
    strengths: str
    next_steps: str
    source: str
    confidence: str


@dataclass(frozen=True)
class TypeItem:
    """One goal of the questionnaire, rated 1–5; it counts for one type."""

    key: str
    type_key: str
    text: str
    source: str
    confidence: str


@dataclass(frozen=True)
class TypeCatalogue:
    version: str
    name: str
    source: str
    note: str
    question: str
    scale: tuple[str, ...]  # the five answer labels, "1 – unwichtig" … "5 – sehr wichtig"
    types: tuple[KommuneType, ...]
    items: tuple[TypeItem, ...]

    def type(self, key: str) -> KommuneType | None:
        return next((t for t in self.types if t.key == key), None)

    def items_of(self, type_key: str) -> list[TypeItem]:
        return [item for item in self.items if item.type_key == type_key]

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


def _text(raw: Mapping[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueFileError(f"{where}: {name!r} fehlt.")
    return value.strip()


def _parse(data: Mapping[str, Any], name: str) -> TypeCatalogue:
    meta = data.get("meta", {})
    types = tuple(
        KommuneType(
            key=_text(raw, "key", name),
            name=_text(raw, "name", name),
            description=_text(raw, "description", name),
            strengths=_text(raw, "strengths", name),
            next_steps=_text(raw, "next_steps", name),
            source=_text(raw, "source", name),
            confidence=_text(raw, "confidence", name),
        )
        for raw in data.get("types", [])
    )
    items = tuple(
        TypeItem(
            key=_text(raw, "key", name),
            type_key=_text(raw, "type", name),
            text=_text(raw, "text", name),
            source=_text(raw, "source", name),
            confidence=_text(raw, "confidence", name),
        )
        for raw in data.get("items", [])
    )
    scale = tuple(str(label) for label in meta.get("scale", []))
    catalogue = TypeCatalogue(
        version=_text(meta, "version", name),
        name=_text(meta, "name", name),
        source=_text(meta, "source", name),
        note=str(meta.get("note", "")).strip(),
        question=_text(meta, "question", name),
        scale=scale,
        types=types,
        items=items,
    )
    _check(catalogue, name)
    return catalogue


def _check(catalogue: TypeCatalogue, name: str) -> None:
    if len(catalogue.scale) != len(SCALE):
        raise CatalogueFileError(f"{name}: die Skala braucht genau {len(SCALE)} Stufen.")
    type_keys = [t.key for t in catalogue.types]
    item_keys = list(catalogue.item_keys)
    for label, keys in (("Typ", type_keys), ("Frage", item_keys)):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise CatalogueFileError(f"{name}: {label} {twice[0]!r} kommt zweimal vor.")
    for item in catalogue.items:
        if item.type_key not in type_keys:
            raise CatalogueFileError(f"{name}: Frage {item.key!r} nennt den unbekannten Typ {item.type_key!r}.")
    empty = [t.key for t in catalogue.types if not catalogue.items_of(t.key)]
    if empty:
        raise CatalogueFileError(f"{name}: Typ {empty[0]!r} hat keine Fragen.")


@functools.cache
def load(path: Path = TYPES_FILE) -> TypeCatalogue:
    """The types and items of a Kommunentypen file (read once per process and path)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueFileError(f"{path.name}: {exc}") from exc
    return _parse(data, path.name)


def catalogue() -> TypeCatalogue:
    """The shipped Kommunentypen (`catalogue/kommunentypen.toml`)."""
    return load(TYPES_FILE)


def type_scores(catalogue: TypeCatalogue, answers: Mapping[str, Any]) -> dict[str, float | None]:
    """Each type's score: the mean of its items' ratings (1–5), rounded to two decimals.

    Source: the scoring proposed in `kommunentypen.toml` (our derivation: ÖFIT and KGSt (2020)
    published the types and their priority goals, not their questions or weights). Items without
    a valid rating are left out; a type without any rated item has no score (None)."""
    scores: dict[str, float | None] = {}
    for kind in catalogue.types:
        values = [answers.get(item.key) for item in catalogue.items_of(kind.key)]
        rated = [int(v) for v in values if isinstance(v, int) and not isinstance(v, bool) and v in SCALE]
        scores[kind.key] = round(sum(rated) / len(rated), 2) if rated else None
    return scores


def nearest_types(scores: Mapping[str, float | None]) -> list[str]:
    """The type or types with the highest score; equal scores are all named (in catalogue order),
    so a tie — and the answers "everything matters equally" (all 1s or all 5s) — is shown as such
    rather than decided arbitrarily. Empty when no type has a score."""
    rated = {key: score for key, score in scores.items() if score is not None}
    if not rated:
        return []
    best = max(rated.values())
    return [key for key, score in rated.items() if score == best]

"""What may go to the Papierkorb: `TRASHABLE`, filled by the domain apps in their registrations.

The trash app names no domain app. An entry says which model it is, how an object is named in the
list, which capability restoring it needs, and — optionally — a domain rule that runs before a
restore (`before_restore(kommune, objects)`: it may adjust the rows about to come back, e.g. a
unit's tree path after its parent moved, or refuse with a `ValidationError` in German).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from kompass.core.registry import Registry


@dataclass(frozen=True)
class Trashable:
    key: str  # the model's `label_lower`, e.g. "org.person"
    model: type[models.Model]
    noun: Any  # "Person", lazily translated: the column "Art" of the list
    label: Callable[[Any], str]  # the object's name in the list
    capability: str  # the capability's value restoring needs, e.g. "edit_people"
    before_restore: Callable[[Any, list[models.Model]], None] | None = None
    order: int = 100


def _validate(item: Trashable) -> None:
    if item.key != item.model._meta.label_lower:
        raise ImproperlyConfigured(f"trashable {item.key!r}: the key must be {item.model._meta.label_lower!r}")
    if not callable(item.label) or not str(item.noun).strip() or not item.capability:
        raise ImproperlyConfigured(f"trashable {item.key!r}: noun, label and capability are required")


TRASHABLE: Registry[Trashable] = Registry("trash.trashable", _validate)


def entry_for(obj: models.Model) -> Trashable:
    entry = TRASHABLE.get(obj._meta.label_lower)
    if entry is None:
        raise ImproperlyConfigured(f"{obj._meta.label} is not registered in TRASHABLE")
    return entry

"""What apps above the audit log tell it about their models (registered in `AppConfig.ready`).

The log and every object's "Verlauf" show field labels and the names of referenced objects
(`presentation.py`). Most labels come from the models' German `verbose_name`; an app adds labels
for audited names its models do not label (a list field, a relation's end), says how a referenced
object of its models is named when `str()` is not the right name (a person by her display name),
how the items of a list field are named where the stored key is no word (a role's markers), and
names the global tables whose rows any Kommune's log may name (catalogues shared by all
Kommunen). Without such an entry a global row is shown by its id only — the safe default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from kompass.core.registry import Registry
from kompass.tenancy.scoping import TenantModel


@dataclass(frozen=True)
class AuditLabels:
    """One app's additions to the audit presentation."""

    key: str  # the app's label, e.g. "roles"
    field_labels: Mapping[str, Any] = field(default_factory=dict)  # audited name → German label
    shared_models: tuple[type[models.Model], ...] = ()  # global tables, rows nameable in every log
    # How a referenced object is named in the log, where `str(obj)` is not its name.
    object_names: Mapping[type[models.Model], Callable[[Any], str]] = field(default_factory=dict)
    # How one item of a list field is named, by (model, field name): stored keys never show.
    item_names: Mapping[tuple[type[models.Model], str], Callable[[Any], str]] = field(default_factory=dict)


def _validate(item: AuditLabels) -> None:
    for name, label in item.field_labels.items():
        if not name or not str(label).strip():
            raise ImproperlyConfigured(f"audit labels {item.key!r}: empty label for {name!r}")
    for model in item.shared_models:
        if not (isinstance(model, type) and issubclass(model, models.Model)):
            raise ImproperlyConfigured(f"audit labels {item.key!r}: {model!r} is no model")
        if issubclass(model, TenantModel):
            # SECURITY: a Kommune's rows are never "shared"; they are looked up inside the Kommune.
            raise ImproperlyConfigured(f"audit labels {item.key!r}: {model.__name__} belongs to a Kommune")
    for model, presenter in item.object_names.items():
        if not (isinstance(model, type) and issubclass(model, models.Model)) or not callable(presenter):
            raise ImproperlyConfigured(f"audit labels {item.key!r}: object name for {model!r} is not callable")
    for (model, name), presenter in item.item_names.items():
        if not (isinstance(model, type) and issubclass(model, models.Model)) or not callable(presenter):
            raise ImproperlyConfigured(f"audit labels {item.key!r}: item name for {model!r}.{name} is not callable")


AUDIT_LABELS: Registry[AuditLabels] = Registry("audit.labels", _validate)


def field_label(name: str) -> str | None:
    for item in AUDIT_LABELS:
        if name in item.field_labels:
            return str(item.field_labels[name])
    return None


def is_shared(model: type[models.Model]) -> bool:
    return any(model in item.shared_models for item in AUDIT_LABELS)


def object_name(obj: models.Model) -> str:
    """The name the log gives a referenced object: its app's presenter, else `str(obj)`."""
    for item in AUDIT_LABELS:
        name = item.object_names.get(type(obj))
        if name is not None:
            return str(name(obj))
    return str(obj)


def item_namer(model: type[models.Model], name: str) -> Callable[[Any], str] | None:
    """How the items of the list field `model.name` are named, or None: shown as stored."""
    for item in AUDIT_LABELS:
        namer = item.item_names.get((model, name))
        if namer is not None:
            return namer
    return None

"""Shipped catalogue data: how sure an item is (`Confidence`), and rows updated in place by key
(activity templates, measure templates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    """How well an item of a shipped catalogue is supported: *belegt* (a source says so),
    *abgeleitet* (our inference from sources), or the Kommune's own decision."""

    BELEGT = "belegt", _("belegt")
    ABGELEITET = "abgeleitet", _("abgeleitet")
    EIGENE = "eigene", _("eigene Festlegung")


def upsert_by_key(
    model: type[models.Model], existing: Mapping[str, Any], key: str, values: Mapping[str, Any]
) -> str | None:
    """Create the row with `key`, or update it where `values` differ; "created", "updated" or None
    (unchanged), so a second load of the same file changes nothing."""
    current = existing.get(key)
    if current is None:
        model._default_manager.create(key=key, **values)
        return "created"
    if all(getattr(current, name) == value for name, value in values.items()):
        return None
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    return "updated"

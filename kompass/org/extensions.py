"""What other apps add to the pages of the org app (filled in their `AppConfig.ready`).

`UNIT_BADGES`: markup beside each unit of the org tree, e.g. the holders of key roles (roles app).
A provider gets the Kommune and the tree's root nodes (`selectors.TreeNode`) and appends escaped,
safe markup to `node.extra_html`; it must cost a fixed number of queries for the whole tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from kompass.core.registry import Registry

if TYPE_CHECKING:
    from kompass.tenancy.models import Kommune


@dataclass(frozen=True)
class UnitBadges:
    """Badges another app shows beside every unit of the org tree."""

    key: str
    attach: Callable[[Kommune, Iterable[Any]], None]
    order: int = 0


def _validate(item: UnitBadges) -> None:
    if not callable(item.attach):
        raise ImproperlyConfigured(f"unit badges {item.key!r}: attach is not callable")


UNIT_BADGES: Registry[UnitBadges] = Registry("org.unit_badges", _validate)


def attach_unit_badges(kommune: Kommune, roots: list[Any]) -> None:
    """Let every registered app add its badges to the tree's nodes."""
    for provider in UNIT_BADGES:
        provider.attach(kommune, roots)

"""What other apps add to the pages of the org app (filled in their `AppConfig.ready`).

`UNIT_BADGES`: markup beside each unit of the org tree, e.g. the holders of key roles (roles app).
A provider gets the Kommune and the tree's root nodes (`selectors.TreeNode`) and appends escaped,
safe markup to `node.extra_html`; it must cost a fixed number of queries for the whole tree.

`PERSON_SECTIONS`: sections of the person page, e.g. the person's role assignments (roles app).
A section names its template and a function that returns the template's context for the acting
member and the person; it must cost a fixed number of queries, however much the person holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from kompass.core.registry import Registry

if TYPE_CHECKING:
    from kompass.org.models import Person
    from kompass.tenancy.context import TenantContext
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


@dataclass(frozen=True)
class PersonSection:
    """A section another app adds to the person page (below the person's own data)."""

    key: str
    template: str
    context: Callable[[TenantContext, Person], dict[str, Any]]
    order: int = 0


def _validate_section(item: PersonSection) -> None:
    if not callable(item.context):
        raise ImproperlyConfigured(f"person section {item.key!r}: context is not callable")
    if not item.template.endswith(".html"):
        raise ImproperlyConfigured(f"person section {item.key!r}: template {item.template!r} is not an HTML template")


PERSON_SECTIONS: Registry[PersonSection] = Registry("org.person_sections", _validate_section)


@dataclass(frozen=True)
class RenderedSection:
    key: str
    template: str
    data: dict[str, Any]


def person_sections(ctx: TenantContext, person: Person) -> list[RenderedSection]:
    """The registered sections of the person page with their context, in their order."""
    return [RenderedSection(s.key, s.template, s.context(ctx, person)) for s in PERSON_SECTIONS]

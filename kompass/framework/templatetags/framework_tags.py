"""Template helpers of the framework pages: level descriptors with their names, confidence texts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

CONFIDENCE_HELP = {
    "belegt": _("durch eine öffentliche Quelle gedeckt (Veröffentlichung, Gesetz oder dokumentiertes Praxisbeispiel)"),
    "abgeleitet": _(
        "eigene Ableitung oder eigener Vorschlag von Kommunalkompass; vor einer verbindlichen Festlegung prüfen"
    ),
    "eigene": _("von Ihrer Kommune selbst festgelegt, ohne Katalogquelle"),
}


@register.filter
def named_levels(levels: Any, names: Any) -> list[tuple[int, str, str]]:
    """(level, level name, descriptor) for each of the five levels, e.g. (1, "Einstieg", "…")."""
    names = list(names or [])
    return [
        (index, names[index - 1] if index <= len(names) else "", str(text))
        for index, text in enumerate(levels or [], start=1)
    ]


@register.filter
def confidence_help(confidence: str | None) -> str:
    """The one-sentence meaning of a confidence ("belegt", "abgeleitet", "eigene"); "" if unknown."""
    text = CONFIDENCE_HELP.get(confidence or "")
    return str(text) if text is not None else ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or None: names looked up by key (a Kommunentyp's name)."""
    return mapping.get(key) if hasattr(mapping, "get") else None

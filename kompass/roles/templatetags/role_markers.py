"""Template filters of the role pages: a role's markers as the role profile shows them ("Zählt … als: CDO,
ISB") and what a confidence ("belegt", "abgeleitet") means."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from kompass.roles.markers import check_markers_of

register = template.Library()


@register.filter
def check_marker_labels(markers: Iterable[str] | None) -> str:
    """The short German names of the check markers among `markers`, in a fixed order; "" if none."""
    return ", ".join(str(marker.short) for marker in check_markers_of(markers))


# What the confidence of a catalogue text means, in one sentence each (docs/glossary.md).
CONFIDENCE_HELP = {
    "belegt": _("durch eine öffentliche Quelle gedeckt (Veröffentlichung, Gesetz oder dokumentiertes Praxisbeispiel)"),
    "abgeleitet": _(
        "eigene Ableitung oder eigener Vorschlag von Kommunalkompass; vor einer verbindlichen Festlegung prüfen"
    ),
    "eigene": _("von Ihrer Kommune selbst festgelegt, ohne Katalogquelle"),
}


@register.filter
def confidence_help(confidence: str | None) -> str:
    """The one-sentence meaning of a confidence ("belegt", "abgeleitet", "eigene"); "" if unknown."""
    text = CONFIDENCE_HELP.get(confidence or "")
    return str(text) if text is not None else ""


@register.filter
def has_groups(roles: Iterable[Any]) -> bool:
    """Whether any role of a catalogue belongs to a group (only the IT-PLR study names groups)."""
    return any(getattr(role, "group", "") for role in roles)

"""Template filter for a role's markers as the role profile shows them ("Zählt … als: CDO, ISB")."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from kompass.roles.markers import check_markers_of

register = template.Library()


@register.filter
def check_marker_labels(markers: Iterable[str] | None) -> str:
    """The short German names of the check markers among `markers`, in a fixed order; "" if none."""
    return ", ".join(str(marker.short) for marker in check_markers_of(markers))

"""The markers by which the role checks recognise a role ("zählt als CDO").

A Kommune names its roles as it likes ("Digitalisierungsbeauftragte oder -beauftragter" instead of
"Chief Digital Officer"), so the checks in `rules.py` never look at names: they look at a role's `markers`.
Catalogue roles bring theirs; an own or adapted role gets them in the role form or the API.
This module lists the markers a Kommune may set, with the German wording of the form and of the
role profile, and checks a new list of markers.

Catalogue roles may carry further markers the checks do not read (e.g. `core`, `rat`); a role keeps
them, but nobody can add them. Every marker has a German name (`marker_label`): a key never shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_MARKERS = 20


@dataclass(frozen=True)
class CheckMarker:
    key: str
    short: Promise  # in running text: "Zählt für die Rollen-Checks als: CDO"
    label: Promise  # next to the checkbox
    help: Promise  # one line: what the checks do with a role carrying the marker


CHECK_MARKERS: tuple[CheckMarker, ...] = (
    CheckMarker(
        "cdo",
        _("CDO"),
        _("CDO – Digitalisierungsverantwortung (Chief Digital Officer)"),
        _(
            "Empfohlene Kernrolle, keine Pflicht: unbesetzt eine Warnung; geprüft werden Vertretung, Bündelung mit "
            "ISB und (als Hinweis) die Nähe zur Verwaltungsspitze."
        ),
    ),
    CheckMarker(
        "cio",
        _("CIO"),
        _("CIO – IT-Leitung"),
        _(
            "Kernrolle: muss besetzt oder bewusst nicht besetzt sein und braucht eine Vertretung; ist die Person "
            "zugleich DSB oder ISB, weist der Rollen-Check darauf hin."
        ),
    ),
    CheckMarker(
        "isb",
        _("ISB"),
        _("ISB – Informationssicherheitsbeauftragte oder -beauftragter"),
        _(
            "Kernrolle: muss besetzt oder bewusst nicht besetzt sein und braucht eine Vertretung; arbeitet nicht "
            "zugleich im IT-Betrieb."
        ),
    ),
    CheckMarker(
        "dsb",
        _("DSB"),
        _("DSB – Datenschutzbeauftragte oder -beauftragter"),
        _(
            "Kernrolle: muss besetzt oder bewusst nicht besetzt sein und braucht eine Vertretung; ist die Person "
            "zugleich Verwaltungs-, IT- oder Personalleitung, ist ein Interessenkonflikt zu prüfen."
        ),
    ),
    CheckMarker(
        "lotse",
        _("Lotsin oder Lotse"),
        _("Digitale Lotsin oder Digitaler Lotse"),
        _(
            "Zählt für die Lotsen-Abdeckung je Fachbereich/Amt; geprüft werden Zeitanteil und Freigabe der "
            "Führungskraft."
        ),
    ),
    CheckMarker(
        "hvb",
        _("Verwaltungsleitung"),
        _("Verwaltungsleitung (Hauptverwaltungsbeamtin oder -beamter)"),
        _("Wer diese Rolle hat und zugleich DSB ist: Interessenkonflikt prüfen."),
    ),
    CheckMarker(
        "personal",
        _("Personalmanagement"),
        _("Personalmanagement"),
        _(
            "Leitet die Person die Einheit, für die sie diese Rolle hat (Personalleitung), und ist sie zugleich "
            "DSB: Interessenkonflikt prüfen."
        ),
    ),
    CheckMarker(
        "it_betrieb",
        _("IT-Betrieb"),
        _("IT-Betrieb"),
        _(
            "Sollte nicht zugleich ISB sein; leitet die Person die Einheit, für die sie diese Rolle hat, und ist sie "
            "zugleich DSB: Interessenkonflikt prüfen."
        ),
    ),
    CheckMarker(
        "it_steuerung",
        _("IT-Steuerung"),
        _("IT-Steuerung (Steuerungsunterstützung, IT-Controlling)"),
        _(
            "Zählt mit den CIO-Rollen zur IT-Steuerung: Haben diese Rollen nur Personen externer Stellen, meldet "
            "der Rollen-Check das (die IT-Steuerung lässt sich nicht auslagern)."
        ),
    ),
)
CHECK_MARKER_KEYS: tuple[str, ...] = tuple(marker.key for marker in CHECK_MARKERS)
_BY_KEY = {marker.key: marker for marker in CHECK_MARKERS}

# The markers the shipped catalogues carry beside the check markers (they group roles; no check
# reads them yet), by their German name.
CATALOGUE_MARKER_LABELS: dict[str, Promise] = {
    "core": _("Kernrolle"),
    "rat": _("Rat oder Kreistag"),
    "digital_team": _("Digitalisierungsteam"),
    "fachbereichsleitung": _("Fachbereichsleitung"),
    "leistungsverantwortung": _("Leistungsverantwortung (OZG)"),
    "organisation": _("Organisation und Prozesse"),
    "personalrat": _("Personalrat"),
    "extern": _("Externe Rolle"),
}


def check_markers_of(markers: Iterable[str] | None) -> list[CheckMarker]:
    """The check markers among `markers`, in the fixed order of the form."""
    present = set(markers or [])
    return [marker for marker in CHECK_MARKERS if marker.key in present]


def short_label(key: str) -> str:
    marker = _BY_KEY.get(key)
    return str(marker.short) if marker is not None else key


def marker_label(key: Any) -> str:
    """A marker's German name wherever a person reads it (the role's history): never the key."""
    marker = _BY_KEY.get(str(key))
    if marker is not None:
        return str(marker.short)
    label = CATALOGUE_MARKER_LABELS.get(str(key))
    return str(label) if label is not None else gettext("weitere Markierung aus dem Katalog")


def clean_markers(value: Any, current: Iterable[str] = ()) -> list[str]:
    """A role's new list of markers: every key is a check marker or one the role already carries.

    Raises a `ValidationError` on the field `markers` otherwise. A list with the same keys as
    `current` comes back as `current`, so a form that sends them in another order changes nothing.
    """
    current = list(current)
    if not isinstance(value, list | tuple) or not all(isinstance(key, str) for key in value):
        raise ValidationError({"markers": [gettext("Bitte geben Sie die Markierungen als Liste von Schlüsseln an.")]})
    keys = list(dict.fromkeys(key.strip() for key in value if key.strip()))
    unknown = [key for key in keys if key not in CHECK_MARKER_KEYS and key not in current]
    if unknown:
        message = gettext("Unbekannte Markierung: %(unknown)s. Erlaubt sind: %(allowed)s.") % {
            "unknown": ", ".join(f"„{key[:60]}“" for key in unknown[:5]),
            "allowed": ", ".join(CHECK_MARKER_KEYS),
        }
        raise ValidationError({"markers": [message]})
    if len(keys) > MAX_MARKERS:
        raise ValidationError(
            {"markers": [gettext("Höchstens %(max)d Markierungen sind möglich.") % {"max": MAX_MARKERS}]}
        )
    return current if set(keys) == set(current) else keys

"""People and units as pickable objects: the sources of the search combobox (`core.pickers`).

Forms of org and roles use `PEOPLE` and `UNITS` directly; lower apps (the member scope in
accounts) name them by key through `core.pickers.PICK_SOURCES`, where `registrations.py` puts them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kompass.core.pickers import PickSource
from kompass.org import selectors
from kompass.org.models import OrgUnit, Person


def person_option(person: Person) -> dict[str, Any]:
    """One person as the combobox lists it: name, and unit and e-mail to tell namesakes apart."""
    return {
        "id": person.pk,
        "label": selectors.person_label(person),
        "name": person.full_name,
        "detail": selectors.person_details(person),
    }


def unit_option(unit: OrgUnit) -> dict[str, Any]:
    """One unit as the combobox lists it: Kennung and name, and the unit above it."""
    parent = unit.parent if unit.parent_id else None
    return {
        "id": unit.pk,
        "label": selectors.unit_label(unit),
        "name": selectors.unit_label(unit),
        "detail": str(_("in %(unit)s") % {"unit": selectors.unit_label(parent)}) if parent is not None else "",
    }


PEOPLE = PickSource(
    key="org.people",
    url_name="org:search_people",
    find=selectors.person_find,
    get=selectors.person_in,
    label=selectors.person_label,
    hint=_("Name oder dienstliche E-Mail-Adresse eingeben und aus den Vorschlägen wählen."),
    messages={
        "required": _("Bitte wählen Sie eine Person."),
        "none": _("Keine Person dieser Kommune passt zu „%(text)s“."),
        "several": _("Mehrere Personen passen zu „%(text)s“. Bitte wählen Sie unten die richtige aus."),
        "too_many": _(
            "Mehr als %(limit)s Personen passen zu „%(text)s“. Bitte geben Sie den ganzen Namen oder die "
            "E-Mail-Adresse ein."
        ),
        "invalid": _("Diese Person gibt es in dieser Kommune nicht. Bitte wählen Sie erneut."),
    },
)

UNITS = PickSource(
    key="org.units",
    url_name="org:search_units",
    find=selectors.unit_find,
    get=selectors.unit_in,
    label=selectors.unit_label,
    hint=_("Kennung oder Name eingeben und aus den Vorschlägen wählen, z. B. „32“ oder „Ordnungsamt“."),
    min_chars=1,
    messages={
        "required": _("Bitte wählen Sie eine Organisationseinheit."),
        "none": _("Keine Organisationseinheit dieser Kommune passt zu „%(text)s“."),
        "several": _("Mehrere Organisationseinheiten passen zu „%(text)s“. Bitte wählen Sie unten die richtige aus."),
        "too_many": _(
            "Mehr als %(limit)s Organisationseinheiten passen zu „%(text)s“. Bitte geben Sie die Kennung oder "
            "mehr vom Namen ein."
        ),
        "invalid": _("Diese Organisationseinheit gibt es in dieser Kommune nicht. Bitte wählen Sie erneut."),
    },
)

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.core.percent import percent_text
from kompass.core.pickers import PickField, bind_pick_fields
from kompass.org import employment
from kompass.org.models import EmployerKind, OrgUnit, OrgUnitType, Person
from kompass.org.pickers import PEOPLE, UNITS
from kompass.tenancy.models import Kommune


class VersionedForm(forms.Form):
    """Carries the version the user loaded, so a concurrent change is detected (docs/security.md R3)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OrgUnitForm(VersionedForm):
    code = forms.CharField(label=_("Kennung"), max_length=30, help_text=_("z. B. „32“ für das Ordnungsamt"))
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_type = forms.ChoiceField(label=_("Typ"), choices=OrgUnitType.choices)
    parent = PickField(
        UNITS,
        label=_("Übergeordnete Einheit"),
        required=False,
        help_text=_("Leer lassen für eine Einheit der obersten Ebene. Kennung oder Name eingeben und wählen."),
    )
    # The field keeps its old name: scripts and links send the head's e-mail address under it.
    head_email = PickField(PEOPLE, label=_("Leitung"), required=False)
    is_active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kommune = kommune
        bind_pick_fields(self, kommune)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["head"] = data.pop("head_email")
        data.pop("version", None)
        return data

    @classmethod
    def initial_for(cls, unit: OrgUnit) -> dict[str, Any]:
        return {
            "code": unit.code,
            "name": unit.name,
            "unit_type": unit.unit_type,
            "parent": unit.parent_id,
            "head_email": unit.head_id,
            "is_active": unit.is_active,
            "version": unit.version,
        }


class EmploymentPercentField(forms.CharField):
    """The Beschäftigungsumfang: percent of a full-time post from 1 to 100, German decimal comma
    accepted ("75,5"). Empty: a new person works full time, a changed one keeps the value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        number = employment.parse_percent(text)
        if number is None:
            raise forms.ValidationError(employment.PERCENT_MESSAGE)
        if 0 < number < employment.MIN_PERCENT:
            raise forms.ValidationError(
                employment.FRACTION_MESSAGE % {"value": percent_text(number), "meant": percent_text(number * 100)}
            )
        if not employment.in_range(number):
            raise forms.ValidationError(employment.PERCENT_MESSAGE)
        return number


class PersonForm(VersionedForm):
    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    email = forms.EmailField(label=_("Dienstliche E-Mail"), max_length=254)
    function_title = forms.CharField(label=_("Funktion / Stellenbezeichnung"), max_length=200, required=False)
    org_unit = PickField(UNITS, label=_("Organisationseinheit"), required=False)
    employment_percent = EmploymentPercentField(
        label=_("Beschäftigungsumfang (% einer Vollzeitstelle)"),
        required=False,
        initial="100",
        help_text=_(
            "100 für Vollzeit, 50 für eine halbe Stelle. Der Rollen-Check vergleicht die Zeitanteile der Rollen "
            "mit diesem Wert; für nichts anderes wird er verwendet."
        ),
    )
    employer_kind = forms.ChoiceField(
        label=_("Arbeitgeber"),
        choices=EmployerKind.choices,
        initial=EmployerKind.OWN,
        required=False,  # not sent (older scripts): a new person is of the own administration, a changed one keeps it
        help_text=_(
            "Eine externe Stelle ist z. B. der IT-Dienstleister, ein Zweckverband oder eine beauftragte Firma."
        ),
    )
    employer_name = forms.CharField(
        label=_("Name der externen Stelle"),
        max_length=200,
        required=False,
        help_text=_("Nur bei „Externe Stelle“, z. B. „Kommunales Rechenzentrum Musterland“."),
    )
    is_active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, name = cleaned.get("employer_kind"), (cleaned.get("employer_name") or "").strip()
        if kind == EmployerKind.EXTERNAL and not name:
            self.add_error("employer_name", employment.EXTERNAL_NAME_MISSING)
        return cleaned

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_pick_fields(self, kommune)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if data.get("employment_percent") is None:
            data.pop("employment_percent", None)
        if not data.get("employer_kind"):  # the choice not sent: the employer stays as it is
            data.pop("employer_kind", None)
            data.pop("employer_name", None)
        elif data["employer_kind"] == EmployerKind.OWN:  # a name typed before choosing "eigen" goes
            data["employer_name"] = ""
        return data

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "function_title": person.function_title,
            "org_unit": person.org_unit_id,
            "employment_percent": percent_text(person.employment_percent),
            "employer_kind": person.employer_kind,
            "employer_name": person.employer_name,
            "is_active": person.is_active,
            "version": person.version,
        }


class DeleteForm(VersionedForm):
    pass


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    # A combobox, not a select: a Großstadt's 1,500 options were 90 KB of every list page.
    einheit = PickField(
        UNITS, label=_("Organisationseinheit"), required=False, help_text=_("mit allen Einheiten darunter")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle")), ("aktiv", _("aktiv")), ("inaktiv", _("inaktiv"))]
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_pick_fields(self, kommune)


class OrgUnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    typ = forms.ChoiceField(label=_("Typ"), required=False, choices=[("", _("alle")), *OrgUnitType.choices])
    leitung = forms.ChoiceField(
        label=_("Leitung"), required=False, choices=[("", _("alle")), ("ohne", _("ohne Leitung"))]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle")), ("aktiv", _("aktiv")), ("inaktiv", _("inaktiv"))]
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


def status_filter(value: str) -> bool | None:
    return {"aktiv": True, "inaktiv": False}.get(value)

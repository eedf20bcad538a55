from __future__ import annotations

import html
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from kompass.org.models import NATURAL_ORDER, OrgUnit, OrgUnitType, Person
from kompass.org.sorting import tree_order
from kompass.tenancy.models import Kommune


class VersionedForm(forms.Form):
    """Carries the version the user loaded, so a concurrent change is detected (R3)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def unit_choices(kommune: Kommune) -> Any:
    # Timestamps and versions are not shown; skipping them matters with 1,500 units. The widget
    # puts the units in tree order (`UnitSelect._unit_choices`).
    return OrgUnit.objects.for_kommune(kommune).defer("updated_at", "version").order_by(*NATURAL_ORDER)


def _indented(depth: int, code: str, name: str) -> str:
    return f"{'– ' * depth}{code} {name}"


def _indented_label(unit: OrgUnit) -> str:
    return _indented(unit.depth, unit.code, unit.name)


class UnitSelect(forms.Select):
    """A `<select>` of org units whose options are built in Python.

    Django renders every option through its own template; for the 1,500 units of a Großstadt
    that took ~0.5 s per page. The markup is the same as `forms.Select` (without option groups).
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        selected = {str(v) for v in self.format_value(value)}
        options = []
        for choice_value, label in self._unit_choices():
            key = str(choice_value)
            mark = " selected" if key in selected else ""
            options.append(f'<option value="{html.escape(key)}"{mark}>{html.escape(str(label))}</option>')
        return format_html("<select{}>\n{}\n</select>", flatatt(final_attrs), mark_safe("\n".join(options)))  # noqa: S308

    def _unit_choices(self) -> Iterable[tuple[Any, Any]]:
        """The units as plain values: creating 1,500 model objects took half of the page's time."""
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            return choices  # type: ignore[return-value]
        empty: list[tuple[Any, Any]] = (
            [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
        )
        rows = choices.queryset.values_list("pk", "parent_id", "depth", "code", "name", "sort_key")
        # The tree's order: depth-first, siblings in natural order of Kennung ("32.2" before "32.10").
        ordered = tree_order(rows, pk=itemgetter(0), parent=itemgetter(1), key=itemgetter(5, 3))
        return [*empty, *((row[0], _indented(row[2], row[3], row[4])) for row in ordered)]


def use_units_of(field: Any, kommune: Kommune) -> None:
    """Offer only the Kommune's units, indented by tree depth (another Kommune's id is invalid)."""
    field.widget = UnitSelect(attrs=field.widget.attrs)
    field.widget.is_required = field.required
    field.queryset = unit_choices(kommune)  # also hands the choices to the new widget
    field.label_from_instance = _indented_label


class OrgUnitForm(VersionedForm):
    code = forms.CharField(label=_("Kennung"), max_length=30, help_text=_("z. B. „32“ für das Ordnungsamt"))
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_type = forms.ChoiceField(label=_("Typ"), choices=OrgUnitType.choices)
    parent = forms.ModelChoiceField(
        label=_("Übergeordnete Einheit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("– keine (oberste Ebene) –"),
    )
    head_email = forms.EmailField(
        label=_("Leitung (dienstliche E-Mail)"),
        required=False,
        help_text=_("E-Mail-Adresse einer Person dieser Kommune"),
    )
    is_active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kommune = kommune
        use_units_of(self.fields["parent"], kommune)

    def clean_head_email(self) -> Person | None:
        email = (self.cleaned_data.get("head_email") or "").strip().lower()
        if not email:
            return None
        person = Person.objects.for_kommune(self.kommune).filter(email=email).first()
        if person is None:
            raise forms.ValidationError(
                _("Keine Person dieser Kommune hat die E-Mail-Adresse %(email)s."), params={"email": email}
            )
        return person

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
            "head_email": unit.head.email if unit.head is not None else "",
            "is_active": unit.is_active,
            "version": unit.version,
        }


class PersonForm(VersionedForm):
    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    email = forms.EmailField(label=_("Dienstliche E-Mail"), max_length=254)
    function_title = forms.CharField(label=_("Funktion / Stellenbezeichnung"), max_length=200, required=False)
    org_unit = forms.ModelChoiceField(
        label=_("Organisationseinheit"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("– keine –")
    )
    is_active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_units_of(self.fields["org_unit"], kommune)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "function_title": person.function_title,
            "org_unit": person.org_unit_id,
            "is_active": person.is_active,
            "version": person.version,
        }


class DeleteForm(VersionedForm):
    pass


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    einheit = forms.ModelChoiceField(
        label=_("Organisationseinheit"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("alle")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle")), ("aktiv", _("aktiv")), ("inaktiv", _("inaktiv"))]
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_units_of(self.fields["einheit"], kommune)


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

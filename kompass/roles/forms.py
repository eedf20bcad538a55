"""Forms of the role-model pages. They parse input; the services decide what is valid."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kompass.core.percent import percent_text
from kompass.core.pickers import PickField, bind_pick_fields
from kompass.core.widgets import GermanDateField
from kompass.org.forms import VersionedForm
from kompass.org.pickers import PEOPLE, UNITS
from kompass.roles.markers import CHECK_MARKER_KEYS, CHECK_MARKERS
from kompass.roles.models import CatalogueRole, QualificationStatus, RelationType, Role, RoleKind
from kompass.roles.selectors import ASSIGNMENT_STATUS
from kompass.tenancy.models import Kommune

LIST_HELP = _("Ein Eintrag pro Zeile.")


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> GermanDateField:
    """A date as Tag / Monat / Jahr (German in every browser, unlike the native date picker)."""
    return GermanDateField(label=label, required=required, help_text=help_text)


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _lines(values: list[str] | None) -> str:
    return "\n".join(values or [])


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PercentField(forms.CharField):
    """A time share: percent of a full-time post, above 0 and at most 100; the German decimal comma is
    accepted ("12,5")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal"})

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().clean(value) or "").strip().replace("%", "").strip()
        if not text:
            return None
        try:
            number = Decimal(text.replace(".", "").replace(",", ".") if "," in text else text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or not (0 < number <= 100):
            raise forms.ValidationError(
                _("Bitte geben Sie eine Zahl größer als 0 und höchstens 100 an, z. B. 50 für eine halbe Stelle.")
            )
        return number


SMALL_SHARE = Decimal(1)  # below 1 % a share is more likely a fraction (0,5 for 50 %) than meant
CONFIRM_SMALL_SHARE = "time_share_confirmed"


def _share_or_none(field: forms.Field, raw: Any) -> Decimal | None:
    try:
        return field.clean(raw) if raw not in (None, "") else None  # type: ignore[no-any-return]
    except forms.ValidationError:
        return None


# --- adoption and catalogue updates ------------------------------------------------------------


class AdoptForm(forms.Form):
    catalogue = forms.IntegerField(widget=forms.HiddenInput)


class CatalogueRoleChoiceForm(forms.Form):
    catalogue_role = forms.ModelChoiceField(queryset=CatalogueRole.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "catalogue_role").queryset = queryset


# --- roles -----------------------------------------------------------------------------------------


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes whose field points at the first box: the error summary's link needs a target."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class RoleForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Kurzname"), max_length=40, required=False, help_text=_("z. B. „CDO“"))
    name_singular = forms.CharField(
        label=_("Bezeichnung für eine Person (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "So wird eine einzelne Person in dieser Rolle genannt, z. B. „Digitale Lotsin oder Digitaler Lotse“. "
            "Leer: „in der Rolle …“ mit dem Namen der Rolle."
        ),
    )
    kind = forms.ChoiceField(label=_("Art"), choices=RoleKind.choices)
    purpose = forms.CharField(label=_("Zweck"), required=False, widget=_textarea(3))
    tasks = forms.CharField(label=_("Aufgaben"), required=False, widget=_textarea(6), help_text=LIST_HELP)
    responsibilities = forms.CharField(
        label=_("Verantwortung"), required=False, widget=_textarea(4), help_text=LIST_HELP
    )
    placement = forms.CharField(label=_("Typische Verortung"), required=False, widget=_textarea(3))
    competences = forms.CharField(
        label=_("Erwartete Kompetenzen"), required=False, widget=_textarea(4), help_text=LIST_HELP
    )
    time_share_percent = forms.IntegerField(
        label=_("Empfohlener Zeitanteil (%)"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("Der Zeitanteil muss zwischen 0 und 100 Prozent liegen."),
            "max_value": _("Der Zeitanteil muss zwischen 0 und 100 Prozent liegen."),
            "invalid": _("Bitte geben Sie eine ganze Zahl zwischen 0 und 100 an."),
        },
    )
    time_share_note = forms.CharField(label=_("Hinweis zum Zeitanteil"), required=False, widget=_textarea(3))
    source = forms.CharField(
        label=_("Quelle"), required=False, widget=_textarea(2), help_text=_("z. B. Dienstanweisung, Ratsbeschluss")
    )
    markers = forms.MultipleChoiceField(
        label=_("Für die Rollen-Checks zählt diese Rolle als"),
        choices=[(marker.key, marker.label) for marker in CHECK_MARKERS],
        required=False,
        widget=CheckboxList,
        help_text=_(
            "Die Rollen-Checks erkennen Kernrollen, Lotsinnen und Lotsen und Leitungsrollen an diesen Angaben, "
            "nicht am Namen der Rolle. Mehrere Rollen dürfen dieselbe Angabe tragen."
        ),
        error_messages={"invalid_choice": _("Unbekannte Markierung: %(value)s.")},
    )
    not_filled = forms.BooleanField(label=_("Bewusst nicht besetzt"), required=False)
    not_filled_reason = forms.CharField(
        label=_("Begründung, warum die Rolle nicht besetzt wird"),
        required=False,
        widget=_textarea(2),
        help_text=_("Pflicht, wenn die Rolle bewusst nicht besetzt wird."),
    )
    is_active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    TEXT_FIELDS = (
        "name",
        "short_name",
        "name_singular",
        "purpose",
        "placement",
        "time_share_note",
        "source",
        "not_filled_reason",
    )
    LIST_FIELDS = ("tasks", "responsibilities", "competences")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        # The form offers only the markers the checks read; others a catalogue role carries stay.
        kept = [key for key in self.initial.get("markers") or [] if key not in CHECK_MARKER_KEYS]
        data["markers"] = [*data.get("markers", []), *kept]
        return data

    def marker_options(self) -> list[tuple[Any, Any]]:
        """Each checkbox of `markers` with its one-line explanation of what the checks do."""
        return list(zip(self["markers"], [marker.help for marker in CHECK_MARKERS], strict=True))

    @classmethod
    def initial_for(cls, role: Role) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(role, name) for name in cls.TEXT_FIELDS}
        initial.update({name: _lines(getattr(role, name)) for name in cls.LIST_FIELDS})
        initial.update(
            {
                "kind": role.kind,
                "markers": list(role.markers or []),
                "time_share_percent": role.time_share_percent,
                "not_filled": role.not_filled,
                "is_active": role.is_active,
                "version": role.version,
            }
        )
        return initial


class RelationForm(forms.Form):
    relation_type = forms.ChoiceField(label=_("Art der Beziehung"), choices=RelationType.choices)
    to_role = forms.ModelChoiceField(label=_("Zu welcher Rolle"), queryset=Role.objects.none(), empty_label=None)
    note = forms.CharField(label=_("Hinweis"), required=False, max_length=500)

    def __init__(self, *args: Any, kommune: Kommune, role: Role, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "to_role").queryset = Role.objects.for_kommune(kommune).exclude(pk=role.pk).order_by("name")


class RelationDeleteForm(forms.Form):
    relation = forms.IntegerField(widget=forms.HiddenInput)


# --- assignments ------------------------------------------------------------------------------------


class AssignmentForm(VersionedForm):
    # People and units are picked with the search combobox: a Großstadt has 20,000 people and 1,500
    # units. Another Kommune's person or unit is never offered and its id is invalid here.
    person = PickField(PEOPLE, label=_("Person"))
    role = forms.ModelChoiceField(label=_("Rolle"), queryset=Role.objects.none(), empty_label=_("– bitte wählen –"))
    org_unit = PickField(
        UNITS,
        label=_("Für Organisationseinheit"),
        required=False,
        help_text=_(
            "z. B. der Fachbereich, für den eine Lotsin oder ein Lotse zuständig ist; leer lassen für die Einheit "
            "der Person"
        ),
    )
    time_share = PercentField(
        label=_("Zeitanteil (% einer Vollzeitstelle)"),
        help_text=_("Anteil an einer Vollzeitstelle in Prozent: 50 ist eine halbe Stelle, 100 eine ganze; z. B. 12,5"),
        error_messages={"required": _("Bitte geben Sie den Zeitanteil an, z. B. 50 für eine halbe Stelle.")},
    )
    valid_from = date_field(_("Gültig ab"))
    valid_until = date_field(_("Gültig bis"), required=False)
    deputy = PickField(
        PEOPLE,
        label=_("Vertretung"),
        required=False,
        help_text=_("Für CDO, CIO, ISB und DSB erwartet der Rollen-Check eine Vertretung."),
    )
    mandate = forms.CharField(
        label=_("Grundlage / Mandat"),
        required=False,
        max_length=300,
        help_text=_("z. B. „Dienstanweisung vom 01.03.2025“"),
    )
    approved_by = PickField(
        PEOPLE,
        label=_("Freigabe durch Führungskraft"),
        required=False,
        help_text=_("Für Lotsinnen und Lotsen: die Führungskraft, die die Zeit freigibt"),
    )
    qualification = forms.ChoiceField(label=_("Qualifizierung"), choices=QualificationStatus.choices)

    def __init__(self, *args: Any, kommune: Kommune, current_role: Role | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "role").queryset = (
            # An assignment keeps its role even after the role was deactivated.
            Role.objects.for_kommune(kommune)
            .filter(Q(is_active=True) | Q(pk=getattr(current_role, "pk", None)))
            .order_by("position", "id")
        )
        bind_pick_fields(self, kommune)
        if self.is_bound and self._small_new_share() is not None:
            self._add_share_confirmation()

    def _small_new_share(self) -> Decimal | None:
        """The entered time share if it is below 1 % and not the one the assignment already had."""
        field = self.fields["time_share"]
        value = _share_or_none(
            field, field.widget.value_from_datadict(self.data, self.files, self.add_prefix("time_share"))
        )
        if value is None or value >= SMALL_SHARE or value == _share_or_none(field, self.initial.get("time_share")):
            return None
        return value

    def _add_share_confirmation(self) -> None:
        """Below 1 % the form asks once more ("0,5 % – meinten Sie 50 %?"): the share is saved only with
        this box ticked, placed right after the time share."""
        self.fields[CONFIRM_SMALL_SHARE] = forms.BooleanField(
            label=_("Ja, der Zeitanteil unter 1 % ist so gemeint."), required=False
        )
        names = list(self.fields)
        names.remove(CONFIRM_SMALL_SHARE)
        names.insert(names.index("time_share") + 1, CONFIRM_SMALL_SHARE)
        self.order_fields(names)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        share = cleaned.get("time_share")
        if CONFIRM_SMALL_SHARE in self.fields and share is not None and not cleaned.get(CONFIRM_SMALL_SHARE):
            self.add_error(
                "time_share",
                _(
                    "%(value)s %% – meinten Sie %(meant)s %%? Der Zeitanteil ist der Anteil an einer Vollzeitstelle "
                    "in Prozent. Korrigieren Sie den Wert oder bestätigen Sie ihn mit dem Kästchen darunter."
                )
                % {"value": percent_text(share), "meant": percent_text(share * 100)},
            )
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop(CONFIRM_SMALL_SHARE, None)
        return data

    @classmethod
    def initial_for(cls, a: Any) -> dict[str, Any]:
        return {
            "person": a.person_id,
            "role": a.role_id,
            "org_unit": a.org_unit_id,
            "time_share": percent_text(a.time_share),
            "valid_from": a.valid_from,
            "valid_until": a.valid_until,
            "deputy": a.deputy_id,
            "mandate": a.mandate,
            "approved_by": a.approved_by_id,
            "qualification": a.qualification,
            "version": a.version,
        }


class AssignmentEndForm(VersionedForm):
    end = date_field(_("Letzter Tag der Zuordnung"))

    @classmethod
    def initial_for(cls, a: Any, today: datetime.date) -> dict[str, Any]:
        return {"end": today, "version": a.version}


STATUS_LABELS = {
    "aktuell": _("aktuell"),
    "endet_bald": _("endet bald (60 Tage)"),
    "beendet": _("beendet"),
    "kuenftig": _("künftig"),
    "alle": _("alle"),
}


class AssignmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100, help_text=_("Name, Rolle oder Mandat"))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[(s, STATUS_LABELS[s]) for s in ASSIGNMENT_STATUS]
    )
    rolle = forms.ModelChoiceField(
        label=_("Rolle"), queryset=Role.objects.none(), required=False, empty_label=_("alle")
    )
    einheit = PickField(UNITS, label=_("Organisationseinheit"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "rolle").queryset = Role.objects.for_kommune(kommune).order_by("position", "id")
        bind_pick_fields(self, kommune)

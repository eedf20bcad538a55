"""Forms of the KPI and status-report pages. They parse input; the services decide what is valid
(numbers typed the German way, "1.234,56", are read by the services through `core.numbers`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompass.agenda import kpi_status
from kompass.agenda.models import KPI, Direction, Handlungsfeld, KPIValue, TrafficLight
from kompass.agenda.selectors_kpis import input_text
from kompass.core.numbers import parse_decimal
from kompass.core.widgets import GermanDateField, GermanFileInput
from kompass.org.forms import VersionedForm
from kompass.roles.models import Role
from kompass.tenancy.models import Kommune

NUMBER_HELP = gettext_lazy("Mit Komma oder Punkt, z. B. 1.234,56 oder 12,5.")


class GermanNumberField(forms.CharField):
    """A number as a person types it ("1.234,56"): checked here so its error stands next to the
    other fields' errors; the text goes to the service, which reads it the same way."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values:
            try:
                parse_decimal(value)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from None


def _number(label: Any, help_text: Any = NUMBER_HELP) -> forms.CharField:
    return GermanNumberField(
        label=label,
        max_length=40,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Bitte eine Zahl angeben.")},
    )


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# --- KPI ------------------------------------------------------------------------------------------


class KPIForm(VersionedForm):
    """A KPI: name, unit, direction, baseline and target (value and day), data source, owner role,
    reporting period and whether the public page shows it."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Bitte einen Namen angeben.")},
    )
    unit = forms.CharField(
        label=gettext_lazy("Einheit"), max_length=40, required=False, help_text=gettext_lazy("z. B. %, Anzahl, Tage")
    )
    direction = forms.ChoiceField(label=gettext_lazy("Richtung"), choices=Direction.choices)
    baseline_value = _number(gettext_lazy("Ausgangswert"))
    baseline_on = GermanDateField(label=gettext_lazy("Ausgangswert vom"))
    target_value = _number(gettext_lazy("Zielwert"))
    target_on = GermanDateField(label=gettext_lazy("Zielwert bis"))
    data_source = forms.CharField(label=gettext_lazy("Datenquelle"), max_length=300, required=False)
    owner_role = RoleChoiceField(
        label=gettext_lazy("Verantwortliche Rolle"),
        queryset=Role.objects.none(),
        required=False,
        empty_label=gettext_lazy("– keine –"),
        help_text=gettext_lazy(
            "Wer die Rolle innehat, liefert die Werte; wechselt die Person, folgt die Zuständigkeit."
        ),
    )
    period_days = forms.IntegerField(
        label=gettext_lazy("Erhebungszeitraum (Tage)"),
        min_value=1,
        max_value=3650,
        initial=90,
        error_messages={
            "required": gettext_lazy("Bitte den Erhebungszeitraum in Tagen angeben."),
            "invalid": gettext_lazy("Bitte eine ganze Zahl von 1 bis 3650 angeben."),
            "min_value": gettext_lazy("Bitte eine ganze Zahl von 1 bis 3650 angeben."),
            "max_value": gettext_lazy("Bitte eine ganze Zahl von 1 bis 3650 angeben."),
        },
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Auf der öffentlichen Seite zeigen"),
        required=False,
        help_text=gettext_lazy("Nur wenn die Kommune ihre Transparenzseite eingeschaltet hat."),
    )

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["owner_role"]
        assert isinstance(role_field, forms.ModelChoiceField)
        role_field.queryset = Role.objects.for_kommune(kommune).order_by("name", "pk")
        role_field.error_messages["invalid_choice"] = _("Diese Rolle gibt es in der Kommune nicht.")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    @staticmethod
    def initial_for(kpi: KPI) -> dict[str, Any]:
        return {
            "name": kpi.name,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "baseline_value": input_text(kpi.baseline_value),
            "baseline_on": kpi.baseline_on,
            "target_value": input_text(kpi.target_value),
            "target_on": kpi.target_on,
            "data_source": kpi.data_source,
            "owner_role": kpi.owner_role_id,
            "period_days": kpi.period_days,
            "is_public": kpi.is_public,
            "version": kpi.version,
        }


class KPIFilterForm(forms.Form):
    """Filters of the KPI list: status, Handlungsfeld, owner role, public."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    handlungsfeld: forms.ModelChoiceField[Handlungsfeld] = forms.ModelChoiceField(
        label=gettext_lazy("Handlungsfeld"),
        queryset=Handlungsfeld.objects.none(),
        required=False,
        empty_label=gettext_lazy("alle"),
    )
    rolle = RoleChoiceField(
        label=gettext_lazy("Verantwortliche Rolle"),
        queryset=Role.objects.none(),
        required=False,
        empty_label=gettext_lazy("alle"),
    )
    oeffentlich = forms.ChoiceField(
        label=gettext_lazy("Öffentlich"),
        required=False,
        choices=[("", gettext_lazy("alle")), ("ja", gettext_lazy("ja")), ("nein", gettext_lazy("nein"))],
    )

    def __init__(self, *args: Any, handlungsfelder: Any, roles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("alle"))] + [
            (code, kpi_status.status_label(code)) for code in (*kpi_status.STATUS_ORDER, kpi_status.KEINE_WERTE)
        ]
        field = self.fields["handlungsfeld"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = handlungsfelder
        role_field = self.fields["rolle"]
        assert isinstance(role_field, forms.ModelChoiceField)
        role_field.queryset = roles


# --- values ---------------------------------------------------------------------------------------


class ValueForm(forms.Form):
    """One measured value: day and value (German number format), optional note."""

    measured_on = GermanDateField(label=gettext_lazy("Stichtag"))
    value = _number(gettext_lazy("Wert"))
    note = forms.CharField(label=gettext_lazy("Anmerkung"), max_length=500, required=False)

    def service_data(self) -> dict[str, Any]:
        return {
            "measured_on": self.cleaned_data["measured_on"],
            "value": self.cleaned_data["value"],
            "note": self.cleaned_data.get("note", ""),
        }

    @staticmethod
    def initial_for(value: KPIValue) -> dict[str, Any]:
        return {"measured_on": value.measured_on, "value": input_text(value.value), "note": value.note}


class DeleteForm(forms.Form):
    """A delete confirmation (with the version the user loaded where the row has one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- import ---------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Datei (CSV oder XLSX)"),
        widget=GermanFileInput,
        error_messages={"required": gettext_lazy("Bitte eine Datei wählen.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV in UTF-8 oder Windows-1252 mit Semikolon oder Komma als Trennzeichen, oder eine Excel-Arbeitsmappe "
            "(XLSX). Spalten: kennzahl (Nummer oder Name), datum, wert, optional anmerkung. Höchstens %(size)s MB."
        ) % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist zu groß. Erlaubt sind höchstens %(size)s MB.")
                % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


# --- status reports -------------------------------------------------------------------------------


class StatusReportForm(forms.Form):
    """A Sachstandsbericht: traffic light (each with its words), progress in percent, text. The KPI
    values of the day are kept with it automatically."""

    light = forms.ChoiceField(
        label=gettext_lazy("Ampel"),
        choices=[
            (TrafficLight.GRUEN, format_lazy("{} – {}", gettext_lazy("Grün"), TrafficLight.GRUEN.label)),
            (TrafficLight.GELB, format_lazy("{} – {}", gettext_lazy("Gelb"), TrafficLight.GELB.label)),
            (TrafficLight.ROT, format_lazy("{} – {}", gettext_lazy("Rot"), TrafficLight.ROT.label)),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Bitte wählen Sie eine Ampelfarbe.")},
    )
    progress = forms.IntegerField(
        label=gettext_lazy("Fortschritt (%)"),
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("Eine ganze Zahl von 0 bis 100."),
        error_messages={
            "required": gettext_lazy("Bitte den Fortschritt in Prozent angeben (0 bis 100)."),
            "invalid": gettext_lazy("Fortschritt: bitte eine ganze Zahl von 0 bis 100 angeben."),
            "min_value": gettext_lazy("Fortschritt: bitte eine ganze Zahl von 0 bis 100 angeben."),
            "max_value": gettext_lazy("Fortschritt: bitte eine ganze Zahl von 0 bis 100 angeben."),
        },
    )
    period_end = GermanDateField(
        label=gettext_lazy("Berichtszeitraum bis"),
        required=False,
        help_text=gettext_lazy("Leer: heute."),
    )
    text = forms.CharField(
        label=gettext_lazy("Sachstand"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Was wurde erreicht, was hakt, was braucht die Maßnahme?"),
    )

    LIGHT_HINTS = {
        TrafficLight.GRUEN: gettext_lazy("Zeit, Geld und Wirkung wie geplant."),
        TrafficLight.GELB: gettext_lazy("Abweichungen, die die Maßnahme selbst auffangen kann."),
        TrafficLight.ROT: gettext_lazy("Ziel, Termin oder Budget sind nicht ohne Entscheidung zu halten."),
    }

    def service_data(self) -> dict[str, Any]:
        return {
            "light": self.cleaned_data["light"],
            "progress": self.cleaned_data["progress"],
            "period_end": self.cleaned_data.get("period_end"),
            "text": self.cleaned_data.get("text", ""),
        }

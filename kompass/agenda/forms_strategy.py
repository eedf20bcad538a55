"""Forms of the strategy pages. They parse input; the services decide what is valid (a decided
version is frozen, an operative goal needs a Wirkungsziel, a web address starts with https://)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.agenda.models import (
    Agenda,
    AgendaSettings,
    AgendaVersion,
    CouncilDecision,
    DecisionResult,
    Effect,
    Goal,
    GoalKind,
    Handlungsfeld,
    ImpactStyle,
    Leitsatz,
)
from kompass.agenda.selectors_strategy import FieldName
from kompass.core.widgets import GermanDateField
from kompass.org.forms import VersionedForm


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes whose field points at the first box: the error summary's link needs a target."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class RadioList(forms.RadioSelect):
    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _text(label: Any, *, required: bool = True, rows: int = 0, message: Any = "", **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    errors = {"required": message} if message else {}
    return forms.CharField(label=label, required=required, widget=widget, error_messages=errors, **kwargs)


def _number(label: Any, help_text: Any = "") -> forms.IntegerField:
    message = _("Bitte eine ganze Zahl angeben.")
    return forms.IntegerField(
        label=label, help_text=help_text, error_messages={"required": message, "invalid": message}
    )


class AgendaCreateForm(forms.Form):
    title = _text(
        _("Titel"),
        required=False,
        max_length=200,
        help_text=_("Leer lassen für „Digitale Agenda“; z. B. „Digitale Agenda 2026–2030“."),
    )


class AgendaTitleForm(VersionedForm):
    title = _text(
        _("Titel"),
        max_length=200,
        message=_("Bitte einen Titel angeben."),
        help_text=_("z. B. „Digitale Agenda 2026–2030“ oder „Digitalstrategie der Stadt“"),
    )

    @staticmethod
    def initial_for(agenda: Agenda) -> dict[str, Any]:
        return {"title": agenda.title, "version": agenda.version}


class VisionForm(VersionedForm):
    vision = _text(
        _("Vision"),
        required=False,
        rows=6,
        help_text=_("Wie soll die Kommune in einigen Jahren für die Menschen vor Ort arbeiten? Zwei bis fünf Sätze."),
    )

    @staticmethod
    def initial_for(version: AgendaVersion) -> dict[str, Any]:
        return {"vision": version.vision, "version": version.version}


class DecideForm(VersionedForm):
    decided_on = GermanDateField(
        label=_("Beschlossen am"),
        help_text=_("Der Tag der Sitzung, in der der Rat oder das zuständige Gremium die Fassung beschlossen hat."),
        error_messages={"required": _("Bitte das Datum des Beschlusses angeben.")},
    )
    decision = forms.TypedChoiceField(
        label=_("Gremienbeschluss"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Der erfasste Beschluss, der die Fassung bestätigt. Fehlt er noch, erfassen Sie ihn unter "
            "„Gremienbeschlüsse“ – oder beschließen Sie die Fassung zunächst nur mit Datum."
        ),
    )

    def __init__(self, *args: Any, decisions: Iterable[CouncilDecision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", _("– ohne erfassten Beschluss –"))] + [  # type: ignore[attr-defined]
            (d.pk, f"{d} – {d.get_result_display()}" + (f": {d.title}" if d.title else "")) for d in decisions
        ]

    def service_data(self) -> dict[str, Any]:
        return {"decided_on": self.cleaned_data["decided_on"], "decision": self.cleaned_data["decision"]}


class LeitsatzForm(VersionedForm):
    text = _text(
        _("Leitsatz"),
        rows=3,
        max_length=1000,
        message=_("Bitte den Leitsatz angeben."),
        help_text=_("Ein Satz, der sagt, wonach die Kommune bei der Digitalisierung handelt."),
    )

    @staticmethod
    def initial_for(leitsatz: Leitsatz) -> dict[str, Any]:
        return {"text": leitsatz.text, "version": leitsatz.version}


def field_choices(fields: Iterable[FieldName], keep: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The framework fields as choices (Gestaltungsfelder last); keys a Handlungsfeld already names
    but the framework no longer has stay choosable, so saving does not drop them unasked."""
    fields = list(fields)
    choices = [(f.key, f.name) for f in fields if not f.gestaltungsfeld]
    choices += [(f.key, f.name) for f in fields if f.gestaltungsfeld]
    known = {f.key for f in fields}
    return choices + [(key, key) for key in keep if key not in known]


class HandlungsfeldForm(VersionedForm):
    name = _text(_("Name"), max_length=200, message=_("Bitte einen Namen angeben."))
    description = _text(_("Beschreibung"), required=False, rows=4)
    framework_field_keys = forms.MultipleChoiceField(
        label=_("Felder des Orientierungsrahmens"),
        required=False,
        widget=CheckboxList,
        help_text=_("Welche Felder des Orientierungsrahmens deckt das Handlungsfeld ab?"),
    )
    gestaltungsfelder = forms.MultipleChoiceField(
        label=_("Gestaltungsfelder"),
        required=False,
        widget=CheckboxList,
        help_text=_("Auf welche Gestaltungsfelder der örtlichen Gemeinschaft (Außensicht) wirkt es?"),
    )

    def __init__(self, *args: Any, fields: list[FieldName], keep: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = {f.key for f in fields}
        inner = [f for f in fields if not f.gestaltungsfeld]
        self.fields["framework_field_keys"].choices = field_choices(inner, [k for k in keep if k not in known])  # type: ignore[attr-defined]
        self.fields["gestaltungsfelder"].choices = field_choices([f for f in fields if f.gestaltungsfeld])  # type: ignore[attr-defined]
        if not fields:
            del self.fields["framework_field_keys"]
            del self.fields["gestaltungsfelder"]

    def service_data(self) -> dict[str, Any]:
        data = {"name": self.cleaned_data["name"], "description": self.cleaned_data["description"]}
        if "framework_field_keys" in self.fields:
            data["framework_field_keys"] = [
                *self.cleaned_data["framework_field_keys"],
                *self.cleaned_data["gestaltungsfelder"],
            ]
        return data

    @staticmethod
    def initial_for(hf: Handlungsfeld) -> dict[str, Any]:
        keys = list(hf.framework_field_keys or [])
        return {
            "name": hf.name,
            "description": hf.description,
            "framework_field_keys": keys,
            "gestaltungsfelder": keys,
            "version": hf.version,
        }


class GoalForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("Art des Ziels"),
        choices=GoalKind.choices,
        widget=RadioList,
        error_messages={"required": _("Bitte wählen: Wirkungsziel oder operatives Ziel.")},
    )
    parent = forms.TypedChoiceField(
        label=_("Gehört zum Wirkungsziel"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Nur für operative Ziele: das Wirkungsziel, zu dem es beiträgt."),
    )
    title = _text(_("Titel"), max_length=200, message=_("Bitte einen Titel angeben."))
    description = _text(_("Beschreibung"), required=False, rows=4)
    effect = forms.ChoiceField(
        label=_("Wem das Ziel dient"),
        choices=Effect.choices,
        widget=RadioList,
        error_messages={"required": _("Bitte wählen, wem das Ziel dient.")},
    )
    handlungsfelder = forms.TypedMultipleChoiceField(
        label=_("Handlungsfelder"), required=False, coerce=int, widget=CheckboxList
    )

    def __init__(
        self,
        *args: Any,
        parents: Iterable[Goal],
        handlungsfelder: Iterable[Handlungsfeld],
        current_version: int | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("– kein Wirkungsziel –"))] + [(g.pk, g.title) for g in parents]  # type: ignore[attr-defined]
        earlier = _("aus Fassung %(n)s")
        choices = [
            (
                h.pk,
                h.name
                if h.agenda_version_id == current_version
                else f"{h.name} ({earlier % {'n': h.agenda_version.number}})",
            )
            for h in handlungsfelder
        ]
        if choices:
            self.fields["handlungsfelder"].choices = choices  # type: ignore[attr-defined]
        else:
            del self.fields["handlungsfelder"]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ("kind", "title", "description", "effect")}
        data["parent"] = self.cleaned_data["parent"] if data["kind"] == GoalKind.OPERATIV else None
        if "handlungsfelder" in self.fields:
            data["handlungsfelder"] = self.cleaned_data["handlungsfelder"]
        return data

    @staticmethod
    def initial_for(goal: Goal, linked: list[Handlungsfeld]) -> dict[str, Any]:
        return {
            "kind": goal.kind,
            "parent": goal.parent_id,
            "title": goal.title,
            "description": goal.description,
            "effect": goal.effect,
            "handlungsfelder": [h.pk for h in linked],
            "version": goal.version,
        }


class DecisionForm(VersionedForm):
    body = _text(
        _("Gremium"),
        max_length=200,
        message=_("Bitte das Gremium angeben (z. B. Rat)."),
        help_text=_("z. B. „Rat“, „Gemeinderat“, „Kreistag“ oder „Haupt- und Finanzausschuss“"),
    )
    decided_on = GermanDateField(
        label=_("Datum der Sitzung"), error_messages={"required": _("Bitte das Datum des Beschlusses angeben.")}
    )
    title = _text(_("Betreff"), required=False, max_length=300)
    drucksache = _text(
        _("Drucksachennummer"), required=False, max_length=60, help_text=_("z. B. „0342/2024“ oder „V/2025/117“")
    )
    beratungsfolge = _text(
        _("Beratungsfolge"),
        required=False,
        rows=3,
        help_text=_(
            "Die Gremien in der Reihenfolge der Beratung, z. B. „Hauptausschuss (28.11.2024) → Rat (12.12.2024)“."
        ),
    )
    result = forms.ChoiceField(
        label=_("Ergebnis"),
        choices=DecisionResult.choices,
        widget=RadioList,
        error_messages={"required": _("Bitte das Ergebnis wählen.")},
    )
    link = _text(
        _("Link zum Ratsinformationssystem"),
        required=False,
        max_length=500,
        help_text=_("Die Webadresse der Vorlage oder des Beschlusses, beginnend mit https://"),
    )
    oparl_id = _text(
        _("OParl-Objekt"),
        required=False,
        max_length=500,
        help_text=_(
            "Nur wenn Ihr Ratsinformationssystem OParl anbietet: die Adresse des Objekts (z. B. …/oparl/paper/4711). "
            "Sie wird nur gespeichert und verlinkt, nicht abgerufen."
        ),
    )

    FIELDS = ("body", "decided_on", "title", "drucksache", "beratungsfolge", "result", "link", "oparl_id")

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, decision: CouncilDecision) -> dict[str, Any]:
        return {**{name: getattr(decision, name) for name in cls.FIELDS}, "version": decision.version}


class SettingsForm(VersionedForm):
    weight_benefit = _number(_("Gewicht Nutzen"), _("0 bis 10"))
    weight_urgency = _number(_("Gewicht Dringlichkeit"), _("0 bis 10"))
    weight_effort = _number(_("Gewicht Aufwand"), _("0 bis 10; geringer Aufwand erhöht die Priorität."))
    accountable_limit = _number(
        _("Höchstzahl verantworteter Maßnahmen je Person"),
        _("Wer mehr offene Maßnahmen verantwortet, erscheint im Rollen-Check (1 bis 100)."),
    )
    report_period_days = _number(
        _("Berichtszeitraum für Sachstandsberichte (Tage)"),
        _(
            "So oft berichtet jede Maßnahme in Umsetzung über ihren Stand, wenn sie keinen eigenen Zeitraum "
            "hat (7 bis 730)."
        ),
    )
    kpi_overdue_tolerance_days = _number(
        _("Toleranz für fehlende Kennzahlenwerte (Tage)"),
        _("So viele Tage nach Ende ihres Erhebungszeitraums gilt ein fehlender Wert als überfällig (0 bis 365)."),
    )
    impact_labels = forms.ChoiceField(
        label=_("Bezeichnungen der Wirkungskette"),
        choices=ImpactStyle.choices,
        widget=RadioList,
        error_messages={"required": _("Bitte eine Bezeichnung wählen.")},
    )

    FIELDS = (
        "weight_benefit",
        "weight_urgency",
        "weight_effort",
        "accountable_limit",
        "report_period_days",
        "kpi_overdue_tolerance_days",
        "impact_labels",
    )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, row: AgendaSettings) -> dict[str, Any]:
        return {**{name: getattr(row, name) for name in cls.FIELDS}, "version": row.version if row.pk else 0}

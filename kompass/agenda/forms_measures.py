"""Forms of the measure pages. They parse input; the services decide what is valid (German amounts
such as "1.234,56 €" are read by the services, so the amount fields are text)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.agenda import selectors_measures as selectors
from kompass.agenda.models import (
    BudgetLine,
    HaushaltKind,
    ImpactLevel,
    ImpactStep,
    Measure,
    MeasureStatus,
    Milestone,
    Risk,
)
from kompass.agenda.models import Goal as GoalModel
from kompass.agenda.pickers import dependency_source
from kompass.core.pickers import PickField, bind_pick_fields
from kompass.core.widgets import GermanDateField
from kompass.org.forms import VersionedForm
from kompass.org.pickers import UNITS
from kompass.roles.models import Role
from kompass.tenancy.models import Kommune

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]
LETTER_CHOICES = [("R", _("R – durchführend")), ("C", _("C – zu beteiligen")), ("I", _("I – zu informieren"))]


def _model_choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _amount(label: Any, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=40,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class PortfolioFilterForm(forms.Form):
    """The filters of the portfolio, the bubble chart, the roadmap and the board."""

    handlungsfeld = forms.ModelChoiceField(
        label=_("Handlungsfeld"), queryset=Role.objects.none(), required=False, empty_label=_("alle")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("alle")), *MeasureStatus.choices])
    rolle = forms.ModelChoiceField(
        label=_("Verantwortliche Rolle"), queryset=Role.objects.none(), required=False, empty_label=_("alle")
    )
    einheit = PickField(
        UNITS, label=_("Federführende Einheit"), required=False, help_text=_("mit allen Einheiten darunter")
    )
    ziel = forms.ModelChoiceField(label=_("Ziel"), queryset=Role.objects.none(), required=False, empty_label=_("alle"))
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kommune: Kommune, with_status: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "handlungsfeld").queryset = selectors.handlungsfelder_offered(kommune)
        _model_choices(self, "rolle").queryset = selectors.roles_offered(kommune)
        _model_choices(self, "ziel").queryset = selectors.goals_offered(kommune)
        if not with_status:  # the board shows every status as its own column
            del self.fields["status"]
        bind_pick_fields(self, kommune)

    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields if name != "sort")


class MeasureForm(VersionedForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(label=_("Beschreibung"), required=False, widget=_textarea(5))
    handlungsfelder = forms.ModelMultipleChoiceField(
        label=_("Handlungsfelder"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Ziele"), queryset=Role.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    accountable_role = forms.ModelChoiceField(
        label=_("Verantwortliche Rolle"),
        queryset=Role.objects.none(),
        required=False,
        empty_label=_("– keine –"),
        help_text=_(
            "Verantwortlich ist, wer die Rolle gerade innehat. Wechselt die Person, wechselt die Verantwortung mit."
        ),
    )
    responsible_unit = PickField(
        UNITS,
        label=_("Federführende Organisationseinheit"),
        required=False,
        help_text=_("Leer lassen für eine Maßnahme der ganzen Kommune. Kennung oder Name eingeben und wählen."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices, initial=MeasureStatus.IDEE)
    note = forms.CharField(
        label=_("Anmerkung zur Statusänderung"),
        required=False,
        max_length=500,
        help_text=_("Nur wenn sich der Status ändert: Sie steht dann im Statusverlauf."),
    )
    benefit = forms.TypedChoiceField(label=_("Nutzen"), choices=SCORE_CHOICES, coerce=int, initial=3)
    urgency = forms.TypedChoiceField(label=_("Dringlichkeit"), choices=SCORE_CHOICES, coerce=int, initial=3)
    effort = forms.TypedChoiceField(label=_("Aufwand"), choices=SCORE_CHOICES, coerce=int, initial=3)
    starts_on = GermanDateField(label=_("Beginn"), required=False)
    ends_on = GermanDateField(label=_("Ende"), required=False)
    fte = _amount(_("Personaleinsatz (VZÄ)"), help_text=_("Vollzeitäquivalente, z. B. 1,5"))
    beneficiaries = forms.CharField(label=_("Wem die Maßnahme nützt"), required=False, widget=_textarea(2))
    report_period_days = forms.CharField(
        label=_("Berichtszeitraum (Tage)"),
        required=False,
        max_length=5,
        help_text=_("Leer: der Berichtszeitraum aus den Einstellungen der Agenda."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "handlungsfelder").queryset = selectors.handlungsfelder_offered(kommune)
        _model_choices(self, "goals").queryset = selectors.goals_offered(kommune)
        _model_choices(self, "accountable_role").queryset = selectors.roles_offered(kommune)
        bind_pick_fields(self, kommune)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["handlungsfelder"] = list(data.get("handlungsfelder") or [])
        data["goals"] = list(data.get("goals") or [])
        data["fte"] = data.get("fte") or None
        return data

    @staticmethod
    def initial_for(measure: Measure, handlungsfelder: list[Any], goals: list[GoalModel]) -> dict[str, Any]:
        return {
            "title": measure.title,
            "description": measure.description,
            "handlungsfelder": [h.pk for h in handlungsfelder],
            "goals": [g.pk for g in goals],
            "accountable_role": measure.accountable_role_id,
            "responsible_unit": measure.responsible_unit_id,
            "status": measure.status,
            "benefit": measure.benefit,
            "urgency": measure.urgency,
            "effort": measure.effort,
            "starts_on": measure.starts_on,
            "ends_on": measure.ends_on,
            "fte": str(measure.fte).replace(".", ",") if measure.fte is not None else "",
            "beneficiaries": measure.beneficiaries,
            "report_period_days": measure.report_period_days or "",
            "version": measure.version,
        }


class StatusForm(VersionedForm):
    """The board's move: the new status and why (works without script: a select and a button)."""

    status = forms.ChoiceField(label=_("Neuer Status"), choices=MeasureStatus.choices)
    note = forms.CharField(label=_("Anmerkung"), required=False, max_length=500)
    back = forms.CharField(required=False, widget=forms.HiddenInput)


class MilestoneForm(VersionedForm):
    title = forms.CharField(label=_("Meilenstein"), max_length=200)
    due_on = GermanDateField(label=_("Fällig am"))
    done_on = GermanDateField(label=_("Erreicht am"), required=False)

    @staticmethod
    def initial_for(milestone: Milestone) -> dict[str, Any]:
        return {
            "title": milestone.title,
            "due_on": milestone.due_on,
            "done_on": milestone.done_on,
            "version": milestone.version,
        }

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "due_on", "done_on")}


class BudgetForm(VersionedForm):
    year = forms.CharField(
        label=_("Haushaltsjahr"), max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    planned = _amount(_("Geplant (EUR)"), help_text=_("z. B. 1.234,56 €"))
    spent = _amount(_("Ausgegeben (EUR)"))
    haushalt_kind = forms.ChoiceField(label=_("Art der Haushaltsstelle"), choices=HaushaltKind.choices)
    haushalt_ref = forms.CharField(
        label=_("Haushaltsstelle"),
        required=False,
        max_length=60,
        help_text=_("Produkt, Kostenstelle oder Investitionsnummer"),
    )
    funding_programme = forms.CharField(label=_("Förderprogramm"), required=False, max_length=200)
    funding_amount = _amount(_("Fördersumme (EUR)"))

    @staticmethod
    def initial_for(line: BudgetLine) -> dict[str, Any]:
        def german(amount: Any) -> str:
            return "" if amount is None else f"{amount:.2f}".replace(".", ",")

        return {
            "year": line.year,
            "planned": german(line.planned),
            "spent": german(line.spent),
            "haushalt_kind": line.haushalt_kind,
            "haushalt_ref": line.haushalt_ref,
            "funding_programme": line.funding_programme,
            "funding_amount": german(line.funding_amount),
            "version": line.version,
        }

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["funding_amount"] = data.get("funding_amount") or None
        return data


class RiskForm(VersionedForm):
    title = forms.CharField(label=_("Risiko"), max_length=200)
    likelihood = forms.TypedChoiceField(
        label=_("Eintrittswahrscheinlichkeit (1–5)"), choices=SCORE_CHOICES, coerce=int, initial=3
    )
    impact = forms.TypedChoiceField(label=_("Auswirkung (1–5)"), choices=SCORE_CHOICES, coerce=int, initial=3)
    mitigation = forms.CharField(label=_("Gegenmaßnahme"), required=False, widget=_textarea(2))

    @staticmethod
    def initial_for(risk: Risk) -> dict[str, Any]:
        return {
            "title": risk.title,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "mitigation": risk.mitigation,
            "version": risk.version,
        }

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ImpactStepForm(VersionedForm):
    level = forms.ChoiceField(label=_("Stufe"), choices=ImpactLevel.choices)
    text = forms.CharField(label=_("Beschreibung"), max_length=2000, widget=_textarea(2))

    def __init__(self, *args: Any, labels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level = self.fields["level"]
        assert isinstance(level, forms.ChoiceField)
        level.choices = [(code, labels[code]) for code in ImpactLevel.values]

    @staticmethod
    def initial_for(step: ImpactStep) -> dict[str, Any]:
        return {"level": step.level, "text": step.text, "version": step.version}

    def service_data(self) -> dict[str, Any]:
        return {"level": self.cleaned_data["level"], "text": self.cleaned_data["text"]}


class RaciForm(forms.Form):
    role = forms.ModelChoiceField(label=_("Rolle"), queryset=Role.objects.none())
    letter = forms.ChoiceField(label=_("Zuständigkeit (RACI)"), choices=LETTER_CHOICES)

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "role").queryset = selectors.roles_offered(kommune)


class DependencyForm(forms.Form):
    """The measure this one needs first, picked with the search combobox (`agenda.pickers`): a
    Großstadt has some 400 measures, too many for a select. Other measures only, none it needs
    already; a cycle is the service's to refuse."""

    def __init__(self, *args: Any, kommune: Kommune, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["depends_on"] = PickField(
            dependency_source(kommune, measure), label=_("Diese Maßnahme braucht zuerst")
        )
        bind_pick_fields(self, kommune)


class DeleteForm(VersionedForm):
    pass

"""Forms of the target profile, the recommendations and the Kommunentyp. They parse input; the
services (`services_targets.py`) decide what is valid and say so in German next to the field."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.assessment.models import Recommendation, Target, TypeProfile
from kompass.assessment.services_targets import level_choices, target_value_errors, year_choices
from kompass.framework import kommunentypen
from kompass.org.forms import VersionedForm

REASON_ROWS = 4


def level_label(level: Decimal, names: Sequence[str]) -> str:
    """ "3,0 – Etabliert" for whole levels, "3,5" between two."""
    text = f"{level:.1f}".replace(".", ",")
    whole = int(level)
    return f"{text} – {names[whole - 1]}" if level == whole and 1 <= whole <= len(names) else text


WEIGHT_LABELS = (
    (1, _("1 – gering")),
    (2, _("2 – eher gering")),
    (3, _("3 – mittel")),
    (4, _("4 – hoch")),
    (5, _("5 – sehr hoch")),
)


class TargetForm(VersionedForm):
    """The Soll of a field or criterion. Level, year and weight are offered as choices; what is
    sent is checked by the service (a tampered or scripted value gets a field error)."""

    # Required, with the service's own messages: an empty choice reads like a wrong one.
    level = forms.CharField(
        label=_("Soll-Stufe"),
        error_messages={
            "required": _("Bitte eine Soll-Stufe von 1,0 bis 5,0 in halben Schritten angeben (z. B. 3,5).")
        },
    )
    year = forms.CharField(label=_("Zieljahr"), error_messages={"required": _("Bitte ein Zieljahr wählen.")})
    weight = forms.CharField(
        label=_("Gewicht"),
        error_messages={"required": _("Bitte ein Gewicht von 1 (gering) bis 5 (sehr hoch) angeben.")},
        help_text=_("Wie wichtig ist es der Kommune, diese Lücke zu schließen? 1 gering, 5 sehr hoch."),
    )
    reason = forms.CharField(
        label=_("Begründung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": REASON_ROWS}),
        help_text=_("Warum dieses Ziel? Zum Beispiel ein Beschluss, die Digitalstrategie oder eine Pflicht."),
        error_messages={"required": _("Bitte begründen Sie das Soll, z. B. mit einem Beschluss.")},
    )

    def __init__(self, *args: Any, level_names: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        empty = [("", _("Bitte wählen"))]
        self.fields["level"].widget = forms.Select(
            choices=empty + [(str(level), level_label(level, level_names)) for level in level_choices()]
        )
        self.fields["level"].help_text = _("Von 1,0 (Einstieg) bis 5,0 (Vorreiter) in halben Schritten.")
        self.fields["year"].widget = forms.Select(choices=empty + [(str(y), str(y)) for y in year_choices()])
        weights = [(str(w), label) for w, label in WEIGHT_LABELS]
        self.fields["weight"].widget = forms.Select(choices=weights)

    @classmethod
    def initial_for(cls, target: Target | None) -> dict[str, Any]:
        if target is None:
            return {"weight": "3", "version": 0}
        return {
            "level": str(target.level),
            "year": str(target.year),
            "weight": str(target.weight),
            "reason": target.reason,
            "version": target.version,
        }

    def clean(self) -> dict[str, Any]:
        """Every error at once: what the service would refuse, next to the fields not already empty."""
        cleaned = super().clean() or {}
        values = {name: cleaned.get(name, "") for name in ("level", "year", "weight", "reason")}
        for name, messages in target_value_errors(values).items():
            if name in self.fields and name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in ("level", "year", "weight", "reason")}


class AcceptForm(forms.Form):
    """Taking a suggested measure for a field; the reason comes prefilled and may be reworded."""

    field = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    template = forms.CharField(widget=forms.HiddenInput, max_length=60)
    reason = forms.CharField(label=_("Begründung"), required=False, max_length=2000, widget=forms.Textarea)


class DropForm(VersionedForm):
    reason = forms.CharField(
        label=_("Warum wird die Empfehlung verworfen?"),
        error_messages={"required": _("Bitte begründen Sie, warum die Empfehlung verworfen wird.")},
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": REASON_ROWS}),
        help_text=_("Die Begründung bleibt bei der Empfehlung sichtbar."),
    )

    @classmethod
    def initial_for(cls, recommendation: Recommendation) -> dict[str, Any]:
        return {"version": recommendation.version}


class RadioList(forms.RadioSelect):
    """Radio buttons whose field points at the first button: the error summary's link needs a target."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class TypeProfileForm(VersionedForm):
    """One choice of 1–5 per item of the Kommunentyp questionnaire (checked by the service)."""

    def __init__(self, *args: Any, catalogue: kommunentypen.TypeCatalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        choices = [(str(value), label) for value, label in zip(kommunentypen.SCALE, catalogue.scale, strict=True)]
        for item in catalogue.items:
            self.fields[item.key] = forms.ChoiceField(
                label=item.text, choices=choices, required=False, widget=RadioList
            )

    @classmethod
    def initial_for(cls, profile: TypeProfile | None) -> dict[str, Any]:
        if profile is None:
            return {"version": 0}
        return {**{key: str(value) for key, value in profile.answers.items()}, "version": profile.version}

    def answers(self) -> dict[str, Any]:
        return {item.key: self.cleaned_data.get(item.key) or None for item in self.catalogue.items}

    def item_fields(self) -> list[tuple[kommunentypen.TypeItem, forms.BoundField]]:
        return [(item, self[item.key]) for item in self.catalogue.items]

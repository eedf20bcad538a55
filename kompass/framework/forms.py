"""Forms of the framework pages. They parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.framework.models import LEVELS, Criterion, Field
from kompass.framework.services import LEVEL_MAX, NAME_MAX, QUESTION_MAX
from kompass.org.forms import VersionedForm

DEFAULT_LEVEL_NAMES = ("Einstieg", "Aufbau", "Etabliert", "Fortgeschritten", "Vorreiter")
NAME_REQUIRED = _("Bitte einen Namen angeben.")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class FieldForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX, error_messages={"required": NAME_REQUIRED})
    description = forms.CharField(label=_("Beschreibung"), required=False, widget=_textarea(4))
    is_active = forms.BooleanField(
        label=_("Aktiv"),
        required=False,
        help_text=_(
            "Ein abgeschaltetes Feld kommt in neuen Fragebögen und in den Ergebnissen nicht mehr vor. Laufende und "
            "abgeschlossene Umfragen bleiben unverändert; Sie können das Feld jederzeit wieder einschalten."
        ),
    )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("name", "description", "is_active")}

    @staticmethod
    def initial_for(field: Field) -> dict[str, Any]:
        return {
            "name": field.name,
            "description": field.description,
            "is_active": field.is_active,
            "version": field.version,
        }


class CriterionForm(VersionedForm):
    """An own criterion or a catalogue one reworded: name, question and the five level descriptors,
    each in its own labelled field (1 Einstieg … 5 Vorreiter)."""

    name = forms.CharField(label=_("Kriterium"), max_length=NAME_MAX, error_messages={"required": NAME_REQUIRED})
    question = forms.CharField(
        label=_("Frage"),
        max_length=QUESTION_MAX,
        widget=_textarea(2),
        help_text=_("So wird das Kriterium in der Umfrage gefragt."),
        error_messages={"required": _("Bitte die Frage angeben, die in der Umfrage gestellt wird.")},
    )

    def __init__(self, *args: Any, level_names: list[str], with_active: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level, level_name in zip(LEVELS, level_names, strict=True):
            self.fields[f"level_{level}"] = forms.CharField(
                label=_("Stufe %(level)d – %(name)s") % {"level": level, "name": level_name},
                max_length=LEVEL_MAX,
                widget=_textarea(3),
                help_text=_("Woran erkennt man, dass die Kommune auf dieser Stufe steht?") if level == 1 else "",
                error_messages={
                    "required": _("Bitte beschreiben Sie Stufe %(level)d (%(name)s).")
                    % {"level": level, "name": level_name}
                },
            )
        if with_active:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Aktiv"),
                required=False,
                help_text=_("Ein abgeschaltetes Kriterium wird in neuen Umfragen nicht mehr gefragt."),
            )

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.cleaned_data["name"],
            "question": self.cleaned_data["question"],
            "levels": [self.cleaned_data[f"level_{level}"] for level in LEVELS],
        }
        if "is_active" in self.fields:
            data["is_active"] = self.cleaned_data["is_active"]
        return data

    @staticmethod
    def initial_for(criterion: Criterion) -> dict[str, Any]:
        levels = list(criterion.levels or [])
        initial: dict[str, Any] = {
            "name": criterion.name,
            "question": criterion.question,
            "is_active": criterion.is_active,
            "version": criterion.version,
        }
        initial.update({f"level_{level}": levels[level - 1] for level in LEVELS if level <= len(levels)})
        return initial


class PickForm(forms.Form):
    """The catalogue row an "übernehmen" button names (a field or criterion of the newest version)."""

    pk = forms.IntegerField(min_value=1, max_value=10**12, widget=forms.HiddenInput)

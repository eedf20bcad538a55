"""Forms of the survey pages for respondents: the answers of one page, the free text, the open link.

The answers are not a Django form: a page holds a variable set of questions, and the rules for a
valid answer live in `services.clean_answers` (question of this questionnaire, level 1–5 or
"kann ich nicht beurteilen"). `posted_answers` only picks the answer fields out of the POST.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.assessment.models import Audience, Campaign
from kompass.assessment.services import COMMENT_MAX
from kompass.org.models import OrgUnit
from kompass.org.selectors import unit_label

ANSWER_PREFIX = "q"
CANNOT_JUDGE = "x"


def answer_name(item_pk: int) -> str:
    """The name of a question's radio group (`q<id>`), also the key of its errors."""
    return f"{ANSWER_PREFIX}{item_pk}"


def posted_answers(data: Mapping[str, Any]) -> dict[str, str]:
    """Question id → posted value for every `q…` field of the POST; empty values count as not
    answered (a radio group sends nothing then), so they are left out rather than stored as
    "kann ich nicht beurteilen"."""
    answers: dict[str, str] = {}
    for key in data:
        if key.startswith(ANSWER_PREFIX):
            value = str(data.get(key) or "").strip()
            if value:
                answers[key[len(ANSWER_PREFIX) :]] = value
    return answers


def shown_value(value: int | None) -> str:
    """A stored answer as the value of its radio button ("1" … "5", or "x")."""
    return CANNOT_JUDGE if value is None else str(value)


class CommentForm(forms.Form):
    """The free text at the end, only where the campaign allows it."""

    comment = forms.CharField(
        label=_("Möchten Sie noch etwas anmerken?"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Bitte höchstens %(limit_value)d Zeichen schreiben (jetzt %(show_value)d).")},
    )

    def __init__(self, *args: Any, free_text_k: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _(
            "Freiwillig. Schreiben Sie bitte nichts, woran man Sie oder andere erkennen kann. Freitexte werden nur "
            "für Gruppen mit mindestens %(k)d Antworten gezeigt, sonst niemandem."
        ) % {"k": free_text_k}


class OpenLinkForm(forms.Form):
    """Joining a survey through its open link: the access code, the audience and, optionally, the unit."""

    code = forms.CharField(
        label=_("Zugangscode"),
        max_length=20,
        help_text=_("Der Code steht im Aufruf zur Umfrage, etwa auf dem Aushang oder in der Rundmail."),
        error_messages={"required": _("Bitte den Zugangscode eingeben.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    audience = forms.ChoiceField(
        label=_("Zu welcher Gruppe gehören Sie?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte eine der Gruppen wählen."),
            "invalid_choice": _("Bitte eine der angebotenen Gruppen wählen."),
        },
    )
    unit = forms.ChoiceField(
        label=_("Ihre Organisationseinheit"),
        required=False,
        error_messages={"invalid_choice": _("Bitte eine der angebotenen Organisationseinheiten wählen.")},
    )

    def __init__(
        self, *args: Any, campaign: Campaign, units: Sequence[OrgUnit], code_only: bool = False, **kwargs: Any
    ) -> None:
        """`code_only`: the first step, the code alone. Audience and units (the Kommune's org chart)
        are shown only to a visitor who has the code."""
        super().__init__(*args, **kwargs)
        if code_only:
            del self.fields["audience"], self.fields["unit"]
            self.units = {}
            return
        self.fields["code"].widget = forms.HiddenInput()
        self.units = {str(unit.pk): unit for unit in units}
        cast(forms.ChoiceField, self.fields["audience"]).choices = [(a, Audience(a).label) for a in campaign.audiences]
        if units:
            top = min(unit.depth for unit in units)
            cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("keine Angabe"))] + [
                (str(unit.pk), "\u2003" * (unit.depth - top) + unit_label(unit)) for unit in units
            ]
            self.fields["unit"].help_text = _(
                "Freiwillig. Mit dieser Angabe kann die Kommune die Ergebnisse auch je Organisationseinheit zeigen – "
                "aber nur für Einheiten mit mindestens %(k)d Antworten. Ohne Angabe zählen Ihre Antworten für das "
                "Gesamtergebnis und Ihre Gruppe."
            ) % {"k": campaign.k}
        else:
            del self.fields["unit"]

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).upper().replace(" ", "")

    def clean_unit(self) -> OrgUnit | None:
        value = self.cleaned_data.get("unit") or ""
        return self.units.get(value)

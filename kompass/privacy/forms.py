"""Forms of the Datenschutz pages: the search for a person and the typed confirmation of an erasure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

CONFIRM_WORD = "LÖSCHEN"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, E-Mail-Adresse oder Anmeldename"),
        max_length=200,
        required=False,
        help_text=_("Mindestens zwei Zeichen."),
    )

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if text and len(text) < 2:
            raise forms.ValidationError(_("Bitte mindestens zwei Zeichen eingeben."))
        return text


class EraseForm(forms.Form):
    bestaetigung = forms.CharField(
        label=_("Zur Bestätigung „LÖSCHEN“ eingeben"),
        max_length=20,
        help_text=_("Die Löschung kann nicht rückgängig gemacht werden."),
        error_messages={"required": _("Bitte zur Bestätigung „LÖSCHEN“ eingeben.")},
    )

    def clean_bestaetigung(self) -> Any:
        value = self.cleaned_data["bestaetigung"].strip()
        if value.upper() != CONFIRM_WORD:
            raise forms.ValidationError(_("Zur Bestätigung bitte genau „LÖSCHEN“ eingeben."))
        return value

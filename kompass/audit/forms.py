from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.audit.models import AuditAction
from kompass.core.widgets import GermanDateField


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Handelnde Person"), required=False, max_length=100)
    typ = forms.ChoiceField(label=_("Objektart"), required=False)
    aktion = forms.ChoiceField(label=_("Aktion"), required=False, choices=[("", _("alle")), *AuditAction.choices])
    # Tag / Monat / Jahr: German in every browser (the native date picker follows the browser's language).
    von = GermanDateField(label=_("Von"), required=False)
    bis = GermanDateField(label=_("Bis"), required=False)

    def __init__(self, *args: Any, object_types: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["typ"].choices = [("", _("alle")), *object_types]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", _("Das Ende des Zeitraums liegt vor seinem Anfang."))
        return data

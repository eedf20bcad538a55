from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.models import Bundesland, Kommune, KommuneType


class KommuneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kommune_type = forms.ChoiceField(label=_("Art"), choices=KommuneType.choices)
    bundesland = forms.ChoiceField(label=_("Bundesland"), choices=Bundesland.choices)
    population = forms.IntegerField(label=_("Einwohnerzahl"), min_value=1, max_value=10_000_000)
    ags = forms.CharField(
        label=_("Amtlicher Gemeindeschlüssel"),
        max_length=8,
        min_length=8,
        help_text=_("8 Ziffern; die ersten beiden bezeichnen das Land"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, kommune: Kommune) -> dict[str, Any]:
        return {f: getattr(kommune, f) for f in ("name", "kommune_type", "bundesland", "population", "ags", "version")}

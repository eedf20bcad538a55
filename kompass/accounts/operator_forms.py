"""Forms of the platform operators: open a Kommune, suspend or reactivate it, find it in the list."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kompass.accounts.operator_selectors import ACTIVE, SUSPENDED
from kompass.tenancy.models import OFFICIAL_KEY_HELP, SUSPENSION_REASON_MAX, Bundesland, KommuneType

_SPACES = re.compile(r"[\s.]")


def official_key_field() -> forms.CharField:
    """The official key as the operator types it: spaces and dots, as in printed lists, are dropped."""
    return forms.CharField(label=_("Amtlicher Schlüssel"), max_length=20, help_text=OFFICIAL_KEY_HELP)


def clean_official_key(value: str) -> str:
    return _SPACES.sub("", value or "")


class KommuneFilterForm(forms.Form):
    q = forms.CharField(label=_("Name enthält"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), (ACTIVE, _("aktiv")), (SUSPENDED, _("gesperrt"))],
    )


class KommuneOpenForm(forms.Form):
    """A new Kommune and the e-mail address of its first Administration."""

    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("z. B. „Landkreis Lüneburg“"))
    slug = forms.CharField(
        label=_("Kurzname in Adressen"),
        max_length=50,
        required=False,
        help_text=_(
            "Kleinbuchstaben, Ziffern und Bindestriche. Leer lassen: Er wird aus dem Namen gebildet "
            "(„Landkreis Lüneburg“ wird zu „landkreis-lueneburg“)."
        ),
    )
    kommune_type = forms.ChoiceField(label=_("Art"), choices=KommuneType.choices)
    bundesland = forms.ChoiceField(label=_("Bundesland"), choices=Bundesland.choices)
    ags = official_key_field()
    population = forms.IntegerField(label=_("Einwohnerzahl"), min_value=1, max_value=10_000_000)
    admin_email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=254)
    admin_first_name = forms.CharField(label=_("Vorname"), max_length=150, required=False)
    admin_last_name = forms.CharField(label=_("Nachname"), max_length=150, required=False)

    KOMMUNE_FIELDS = ("name", "slug", "kommune_type", "bundesland", "ags", "population")
    ADMIN_FIELDS = ("admin_email", "admin_first_name", "admin_last_name")
    # Service field names → the fields of this form (the invitation names the person without prefix).
    RENAME = {"email": "admin_email", "first_name": "admin_first_name", "last_name": "admin_last_name"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["admin_email"].help_text = _(
            "An diese Adresse geht die Einladung. Der Link gilt einmal und %(days)d Tage lang."
        ) % {"days": settings.INVITATION_VALID_DAYS}

    def clean_ags(self) -> str:
        return clean_official_key(self.cleaned_data["ags"])

    def clean_slug(self) -> str:
        return (self.cleaned_data.get("slug") or "").strip().lower()

    def kommune_fields(self) -> list[Any]:
        return [self[name] for name in self.KOMMUNE_FIELDS]

    def admin_fields(self) -> list[Any]:
        return [self[name] for name in self.ADMIN_FIELDS]

    def kommune_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.KOMMUNE_FIELDS}


SUSPEND, REACTIVATE = "sperren", "freigeben"


class KommuneStatusForm(forms.Form):
    """Suspend or reactivate: the action is named, so a form sent twice cannot undo itself."""

    action = forms.ChoiceField(
        label=_("Aktion"), choices=[(SUSPEND, SUSPEND), (REACTIVATE, REACTIVATE)], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Grund"),
        min_length=10,
        max_length=SUSPENSION_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, suspending: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        if suspending:
            reason.label = _("Grund der Sperre")
            reason.help_text = _(
                "Die Mitglieder der Kommune lesen diesen Grund, wenn sie die Kommune öffnen wollen; "
                "er steht auch in ihrem Protokoll. Mindestens 10 Zeichen."
            )
        else:
            reason.label = _("Grund der Freigabe")
            reason.help_text = _("Der Grund steht im Protokoll der Kommune. Mindestens 10 Zeichen.")

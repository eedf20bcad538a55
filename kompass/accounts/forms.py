from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from kompass.accounts.models import TokenScope
from kompass.accounts.operator_forms import clean_official_key, official_key_field
from kompass.core.pickers import PickField, bind_pick_fields
from kompass.tenancy.models import Bundesland, Kommune, KommuneType, Role


class LoginForm(AuthenticationForm):
    """Same message for a wrong password and an unknown account (no user enumeration, A1)."""

    error_messages = {
        "invalid_login": _("Benutzername oder Passwort ist falsch."),
        "inactive": _("Benutzername oder Passwort ist falsch."),
    }


class PasswordResetRequestForm(forms.Form):
    """One field for an e-mail address or a user name; the answer never says which exists (docs/security.md A4)."""

    identifier = forms.CharField(
        label=_("E-Mail-Adresse oder Benutzername"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class ResetSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's form for the new password (the project's validators apply), in the project's words."""

    error_messages = {"password_mismatch": _("Die beiden Passwörter stimmen nicht überein.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Neues Passwort")
        self.fields["new_password1"].help_text = _(
            "Mindestens 8 Zeichen; lange Passphrasen sind willkommen. Häufige Passwörter werden abgelehnt."
        )
        self.fields["new_password2"].label = _("Neues Passwort wiederholen")
        self.fields["new_password2"].help_text = ""


TOKEN_VALIDITY_CHOICES = [(30, _("30 Tage")), (90, _("90 Tage")), (180, _("180 Tage")), (365, _("365 Tage"))]


class ApiTokenForm(forms.Form):
    """A new token: for which Kommune, reading only or also changing, and how long it lasts."""

    name = forms.CharField(
        label=_("Bezeichnung"), max_length=100, help_text=_("z. B. „Abgleich mit dem Personalsystem“")
    )
    kommune = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Kommune.objects.none(),
        empty_label=None,
        help_text=_("Das Token gilt nur für diese Kommune."),
    )
    scope = forms.ChoiceField(
        label=_("Berechtigung"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text=_("„Lesen und ändern“ nur, wenn das Programm Daten ändern soll; es hat dann Ihre Rechte."),
    )
    days = forms.TypedChoiceField(
        label=_("Gültigkeit"),
        choices=TOKEN_VALIDITY_CHOICES,
        coerce=int,
        initial=90,
        help_text=_("Danach hört das Token auf zu gelten; ein Jahr ist die Obergrenze."),
    )

    def __init__(self, *args: Any, kommunen: list[Kommune], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kommune"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Kommune.objects.filter(pk__in=[k.pk for k in kommunen]).order_by("name")
        field.error_messages["invalid_choice"] = _("Bitte wählen Sie eine Kommune, in der Sie Mitglied sind.")


class OperatorAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Die Begründung erscheint im Protokoll der Kommune."),
    )


class InvitationForm(forms.Form):
    """Invite a person by e-mail. There is no field for a login name: the answer must not tell
    whether an account exists anywhere on the platform (docs/security.md A2)."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_("An diese Adresse geht der Einladungslink. Er gilt sieben Tage und nur einmal."),
    )
    first_name = forms.CharField(label=_("Vorname"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nachname"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)
    # The org app's units, by key (accounts must not import org): a combobox instead of a long select.
    scope_unit = PickField("org.units", label=_("Beschränkt auf Organisationseinheit (nur Redaktion)"), required=False)

    def __init__(self, *args: Any, kommune: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if kommune is not None:
            bind_pick_fields(self, kommune)


class InvitationAcceptForm(forms.Form):
    """A new account from an invitation: the person's name and her own password."""

    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Mindestens 8 Zeichen; lange Passphrasen sind willkommen. Häufige Passwörter werden abgelehnt."),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        return data


# --- the Kommune's master data ------------------------------------------------------------


class KommuneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kommune_type = forms.ChoiceField(label=_("Art"), choices=KommuneType.choices)
    bundesland = forms.ChoiceField(label=_("Bundesland"), choices=Bundesland.choices)
    population = forms.IntegerField(label=_("Einwohnerzahl"), min_value=1, max_value=10_000_000)
    ags = official_key_field()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_ags(self) -> str:
        return clean_official_key(self.cleaned_data["ags"])

    @classmethod
    def initial_for(cls, kommune: Kommune) -> dict[str, Any]:
        return {f: getattr(kommune, f) for f in ("name", "kommune_type", "bundesland", "population", "ags", "version")}

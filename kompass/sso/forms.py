"""Forms of the second step, the enrolment and the management of the second factor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.core.pickers import PickField, bind_pick_fields
from kompass.tenancy.models import Role


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Bestätigungscode oder Wiederherstellungscode"),
        help_text=_("Die sechs Ziffern aus Ihrer Authenticator-App oder einer Ihrer Wiederherstellungscodes."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Bestätigungscode"),
        help_text=_("Die sechs Ziffern, die Ihre Authenticator-App jetzt anzeigt."),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Bitte geben Sie die sechs Ziffern aus der App ein."))
        return code


class PasswordConfirmForm(forms.Form):
    """Turning the second factor off or making new recovery codes needs the password again."""

    password = forms.CharField(
        label=_("Ihr Passwort"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password


# --- a Kommune's own identity provider (pages of the Administration) -------------------------------


class VersionForm(forms.Form):
    """Carries the version the user loaded, so a concurrent change is detected (docs/security.md R3)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProviderForm(VersionForm):
    name = forms.CharField(
        label=_("Name des Identitätsanbieters"),
        max_length=100,
        help_text=_("So heißt er auf der Anmeldeseite: „Mit … anmelden“."),
    )
    issuer = forms.CharField(
        label=_("Aussteller (Issuer)"),
        max_length=300,
        help_text=_("Die https-Adresse des Anbieters, z. B. https://anmeldung.musterstadt.de/realms/verwaltung."),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}),
    )
    client_id = forms.CharField(
        label=_("Client-ID"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    client_secret_env = forms.CharField(
        label=_("Umgebungsvariable mit dem Client-Geheimnis"),
        max_length=100,
        help_text=_(
            "Nur der Name der Variable. Das Geheimnis selbst hinterlegt der Betrieb der Plattform in dieser "
            "Variable; es steht nie in der Datenbank und wird hier nie angezeigt."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    scopes = forms.CharField(label=_("Scopes"), max_length=200, initial="openid email profile")
    group_claim = forms.CharField(
        label=_("Claim mit den Gruppen"),
        max_length=100,
        initial="groups",
        help_text=_("Der Eintrag im ID-Token, der die Gruppen der Person nennt."),
    )
    enabled = forms.BooleanField(
        label=_("Aktiv"), required=False, initial=True, help_text=_("Nur ein aktiver Anbieter nimmt Anmeldungen an.")
    )

    @classmethod
    def initial_for(cls, provider: Any) -> dict[str, Any]:
        fields = ("name", "issuer", "client_id", "client_secret_env", "scopes", "group_claim", "enabled", "version")
        return {field: getattr(provider, field) for field in fields}

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class GroupMappingForm(VersionForm):
    group = forms.CharField(
        label=_("Gruppe beim Identitätsanbieter"),
        max_length=200,
        help_text=_("Der Name, wie er im ID-Token steht, z. B. „kompass-redaktion“."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label=_("Rolle in Kommunalkompass"), choices=Role.choices)
    # The org app's units, by key (sso must not import org), as on the members page.
    scope_unit = PickField("org.units", label=_("Beschränkt auf Organisationseinheit (nur Redaktion)"), required=False)

    def __init__(self, *args: Any, kommune: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_pick_fields(self, kommune)

    @classmethod
    def initial_for(cls, mapping: Any) -> dict[str, Any]:
        return {
            "group": mapping.group,
            "role": mapping.role,
            "scope_unit": mapping.scope_unit_id,
            "version": mapping.version,
        }

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

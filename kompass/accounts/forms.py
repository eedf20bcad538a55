from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kompass.accounts.models import Role
from kompass.org.models import OrgUnit


class LoginForm(AuthenticationForm):
    """Same message for a wrong password and an unknown account (no user enumeration, A1)."""

    error_messages = {
        "invalid_login": _("Benutzername oder Passwort ist falsch."),
        "inactive": _("Benutzername oder Passwort ist falsch."),
    }


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Bezeichnung"), max_length=100, help_text=_("z. B. „Abgleich mit dem Personalsystem“")
    )


class OperatorAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Die Begründung erscheint im Protokoll der Kommune."),
    )


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("Benutzername"), max_length=150)
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)
    scope_unit = forms.ModelChoiceField(
        label=_("Beschränkt auf Organisationseinheit (nur Redaktion)"), queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args, kommune=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].queryset = OrgUnit.objects.for_kommune(kommune).order_by("code")

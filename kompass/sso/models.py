"""Single sign-on: the identity providers a Kommune trusts, how their groups map to roles, and
which account a person of a provider is.

The second factor itself lives in django-otp's tables (a TOTP device and a static device with the
recovery codes per account); this app only decides when it is asked for (`mfa.py`).

An identity provider is configured either for the whole instance (settings, `KOMPASS_OIDC_*`, see
docs/operations.md) or per Kommune in `OidcProvider`. The client secret is never stored in the
database: the row names an environment variable that holds it, so a database dump or backup does
not carry it and rotating it is an operations task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.models import Role
from kompass.tenancy.scoping import TenantModel


class OidcProvider(TenantModel):
    """A Kommune's own identity provider (Keycloak, ADFS, …): its issuer, the client registered
    there for Kommunalkompass, and where the groups of a person are in the ID token."""

    slug = models.SlugField(_("Kurzname"), max_length=40, unique=True)
    name = models.CharField(_("Name des Identitätsanbieters"), max_length=100)
    issuer = models.URLField(_("Aussteller (Issuer)"), max_length=300)
    client_id = models.CharField(_("Client-ID"), max_length=200)
    client_secret_env = models.CharField(
        _("Umgebungsvariable mit dem Client-Geheimnis"),
        max_length=100,
        help_text=_("Das Geheimnis selbst steht nicht in der Datenbank, sondern in dieser Umgebungsvariable."),
    )
    scopes = models.CharField(_("Scopes"), max_length=200, default="openid email profile")
    group_claim = models.CharField(_("Claim mit den Gruppen"), max_length=100, default="groups")
    enabled = models.BooleanField(_("Aktiv"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Identitätsanbieter")
        verbose_name_plural = _("Identitätsanbieter")

    def __str__(self) -> str:
        return self.name


class OidcGroupMapping(TenantModel):
    """An IdP group that makes its members members of a Kommune with a role.

    `provider` empty: a group of the instance-wide provider (settings). A Kommune's own provider
    maps only into that Kommune (`services.group_mapping_create` refuses anything else)."""

    provider = models.ForeignKey(OidcProvider, on_delete=models.CASCADE, null=True, blank=True, related_name="mappings")
    group = models.CharField(_("Gruppe beim Identitätsanbieter"), max_length=200)
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices)
    # Like `Membership.scope_unit` (a Redaktion limited to a subtree); deleting the unit deletes the
    # mapping, so it never turns into an unlimited one.
    scope_unit = models.ForeignKey(
        settings.TENANT_SCOPE_UNIT_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beschränkt auf Organisationseinheit"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Gruppenzuordnung")
        verbose_name_plural = _("Gruppenzuordnungen")
        constraints = [
            models.UniqueConstraint(fields=["provider", "group", "kommune"], name="sso_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.kommune} ({self.get_role_display()})"


class OidcIdentity(models.Model):
    """The account of a person at one issuer, found by the issuer's `sub` — never by e-mail, which
    a provider may let its users change or reuse."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung über Identitätsanbieter")
        verbose_name_plural = _("Anmeldungen über Identitätsanbieter")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"

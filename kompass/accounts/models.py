"""Accounts, memberships in Kommunen, personal API tokens and audited operator access.

A user belongs to one or more Kommunen through a `Membership` with one of three roles.
Platform operators (superusers) have no membership; they reach a Kommune only through an
`OperatorAccess` that names a reason and is written to that Kommune's audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.scoping import TenantModel


class User(AbstractUser):
    """A login. Names are kept so that audit entries and headers read naturally."""

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")

    @property
    def display_name(self) -> str:
        full = self.get_full_name().strip()
        return full or self.username


class Role(models.TextChoices):
    ADMIN = "admin", _("Administration")
    EDITOR = "editor", _("Redaktion")
    READER = "reader", _("Lesend")


class Membership(TenantModel):
    """A user's role in one Kommune; Redaktion may be limited to one org-unit subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices)
    scope_unit = models.ForeignKey(
        "org.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beschränkt auf Organisationseinheit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [models.UniqueConstraint(fields=["user", "kommune"], name="membership_unique_user_kommune")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash is stored; the secret is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("Bezeichnung"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-Token")
        verbose_name_plural = _("API-Tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OperatorAccess(TenantModel):
    """A platform operator's time-limited, read-only access to one Kommune, with a reason."""

    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    operator_name = models.CharField(max_length=200)
    reason = models.CharField(_("Begründung"), max_length=500)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Betreiberzugriff")
        verbose_name_plural = _("Betreiberzugriffe")
        ordering = ["-granted_at"]

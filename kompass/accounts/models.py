"""Logins and personal API tokens.

What a user may do in a Kommune lives one floor lower, in the tenant layer
(`tenancy.models.Membership`, `tenancy.capabilities`); this app holds the accounts themselves,
login, tokens and the administration pages built on them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. Names are kept so that audit entries and headers read naturally."""

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")

    @property
    def display_name(self) -> str:
        full = self.get_full_name().strip()
        return full or self.username


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

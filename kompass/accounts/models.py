"""Logins, personal API tokens and invitations into a Kommune.

What a user may do in a Kommune lives one floor lower, in the tenant layer
(`tenancy.models.Membership`, `tenancy.capabilities`); this app holds the accounts themselves,
login, tokens and the administration pages built on them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.models import Role
from kompass.tenancy.scoping import TenantModel

SESSION_HASH_SALT = "kompass.accounts.User.session_epoch"


class User(AbstractUser):
    """A login. Names are kept so that audit entries and headers read naturally."""

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")

    # A password someone else set (create_kommune, an administrator) is changed at the first login;
    # `accounts.middleware.PasswordChangeRequiredMiddleware` enforces it, a password change clears it.
    must_change_password = models.BooleanField(_("Muss das Passwort ändern"), default=False)
    # Raising the epoch ends every session of the login at its next request (see get_session_auth_hash).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    @property
    def display_name(self) -> str:
        full = self.get_full_name().strip()
        return full or self.username

    def get_session_auth_hash(self) -> str:
        """Django keeps this hash in the session and logs the session out when it no longer matches.

        Mixing in `session_epoch` lets the platform end all sessions of one login in one UPDATE
        (membership ended, account deactivated) without reading any session row; at epoch 0 the
        hash is Django's own, so sessions that existed before the field survive the deployment.
        """
        return self._with_epoch(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):  # type: ignore[no-untyped-def]  # a generator, as in Django
        for value in super().get_session_auth_fallback_hash():
            yield self._with_epoch(value)

    def _with_epoch(self, value: str) -> str:
        if not self.session_epoch:
            return value
        return salted_hmac(SESSION_HASH_SALT, f"{value}:{self.session_epoch}", algorithm="sha256").hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", _("Nur lesen")
    WRITE = "write", _("Lesen und ändern")


class ApiToken(models.Model):
    """A personal API token for one Kommune. Only a SHA-256 hash is stored; the secret is shown once.

    A token acts for its user in one Kommune only (`kommune`), reads or also writes (`scope`), and
    ends by itself at `expires_at`; it also ends when the user's password changes (`password_stamp`
    no longer matches), when the account is deactivated and when the membership in the Kommune ends
    (docs/security.md A4). It is looked up by its secret before any Kommune is known, so it is a
    global table, not a `TenantModel`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # Null only for tokens from before scopes whose holder had no single Kommune: revoked by the migration.
    kommune = models.ForeignKey(
        "tenancy.Kommune",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("Kommune"),
    )
    scope = models.CharField(_("Berechtigung"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    name = models.CharField(_("Bezeichnung"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    # An HMAC of the user's password hash when the token was made: a changed password ends the token.
    password_stamp = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("Gültig bis"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-Token")
        verbose_name_plural = _("API-Tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return str(_("widerrufen"))
        return str(_("abgelaufen")) if self.is_expired else str(_("aktiv"))


class Invitation(TenantModel):
    """An invitation of the Kommune's administration to one e-mail address, with a role.

    The invitee follows a single-use link that expires: without an account she sets her own
    password; with an account she logs in and accepts, so nobody becomes a member without consent.
    Only a SHA-256 hash of the link's secret is stored; the secret is mailed (or shown) once.
    """

    email = models.EmailField(_("E-Mail-Adresse"), max_length=254)
    first_name = models.CharField(_("Vorname"), max_length=150, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=150, blank=True)
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices)
    scope_unit = models.ForeignKey(
        settings.TENANT_SCOPE_UNIT_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beschränkt auf Organisationseinheit"),
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    resent_count = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and Kommune (the service says so in German first).
            models.UniqueConstraint(
                fields=["kommune", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked (it may have expired: then it can be sent again)."""
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

"""Every change of a second factor or an SSO identity: one transaction, an audit entry in each
Kommune of the account, and a security event in the log `kompass.security` (never a code or secret)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kompass.accounts.models import User
from kompass.accounts.services import membership_create, membership_delete, membership_update, sessions_end
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record
from kompass.core.security_log import security_event as log_security_event
from kompass.sso import mfa
from kompass.sso.models import OidcGroupMapping, OidcIdentity
from kompass.tenancy.models import Kommune, Membership, Role


def security_event(event: str, user: Any, **fields: Any) -> None:
    """A security event of the second factor or SSO (docs/security.md L3), never with a code or secret."""
    outcome = "failure" if event.endswith(("_failed", "_kept")) else "success"
    log_security_event(event, outcome=outcome, user_id=getattr(user, "pk", None), **fields)


def _audit(user: Any, label: str) -> None:
    """One entry in each Kommune the account belongs to, so its administration sees it."""
    if type(user) is not User:  # request.user is a lazy proxy; the log needs the model itself
        user = User.objects.get(pk=user.pk)
    kommune_ids = Membership.objects.unscoped().filter(user=user).values_list("kommune_id", flat=True)
    for kommune_id in kommune_ids:
        audit_record(
            kommune_id=kommune_id,
            actor=user,
            action=AuditAction.ACCESS,
            obj=user,
            label=label % {"name": user.display_name},
        )


def totp_confirm(*, user: Any, device: TOTPDevice) -> list[str]:
    """A TOTP device whose first code matched replaces any earlier one; returns the ten new
    recovery codes (shown once). Every session of the account ends: those opened without the
    device would go on without it (the caller keeps its own, `update_session_auth_hash`)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.save()
        codes = mfa.new_recovery_codes(user)
        sessions_end(user=user)
        _audit(user, _("Zweiter Faktor (TOTP) eingerichtet: %(name)s"))
    security_event("mfa_enrolled", user)
    return codes


def recovery_codes_renew(*, user: Any) -> list[str]:
    with transaction.atomic():
        codes = mfa.new_recovery_codes(user)
        _audit(user, _("Wiederherstellungscodes neu erzeugt: %(name)s"))
    security_event("mfa_recovery_codes_renewed", user)
    return codes


def second_factor_disable(*, user: Any) -> None:
    with transaction.atomic():
        mfa.remove_devices(user)
        _audit(user, _("Zweiter Faktor abgeschaltet: %(name)s"))
    security_event("mfa_disabled", user)


def second_factor_checked(*, user: Any, how: str | None) -> None:
    """A code at login: success is audited (a recovery code also says how many are left), failures are logged."""
    if how is None:
        security_event("mfa_failed", user)
        return
    if how == "recovery":
        with transaction.atomic():
            _audit(user, _("Anmeldung mit einem Wiederherstellungscode: %(name)s"))
    security_event("mfa_verified", user, method=how)


# --- single sign-on ------------------------------------------------------------------------------

ROLE_RANK = {Role.READER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


class NoMembershipError(Exception):
    """The provider's groups give the person no Kommune: nothing is created, she is not logged in."""


def _mappings(provider: Any) -> list[OidcGroupMapping]:
    # Looked up before any Kommune is known: the rows of one provider, by that provider only.
    rows = OidcGroupMapping.objects.unscoped().select_related("kommune")
    if provider.model is None:
        return list(rows.filter(provider__isnull=True))
    return list(rows.filter(provider=provider.model, kommune_id=provider.kommune_id))


def wanted_roles(provider: Any, groups: set[str]) -> tuple[dict[int, str], dict[int, Kommune]]:
    """The role per Kommune the groups give (the highest, if several), and every Kommune the
    provider manages — memberships there follow the groups; elsewhere they are left alone."""
    wanted: dict[int, str] = {}
    managed: dict[int, Kommune] = {}
    for row in _mappings(provider):
        managed[row.kommune_id] = row.kommune
        if (
            row.group in groups
            and ROLE_RANK[Role(row.role)] >= ROLE_RANK[Role(wanted.get(row.kommune_id, Role.READER))]
        ):
            wanted[row.kommune_id] = row.role
    return wanted, managed


def _user_for(provider: Any, claims: dict[str, Any]) -> tuple[Any, OidcIdentity | None]:
    identity = OidcIdentity.objects.select_related("user").filter(issuer=provider.issuer, subject=claims["sub"]).first()
    if identity is not None:
        return identity.user, identity
    digest = hashlib.sha256(f"{provider.issuer}\x1f{claims['sub']}".encode()).hexdigest()[:16]
    user = User(username=f"sso-{digest}")
    user.set_unusable_password()
    return user, None


def _sync_memberships(user: Any, provider: Any, groups: set[str]) -> None:
    wanted, managed = wanted_roles(provider, groups)
    current = {m.kommune_id: m for m in Membership.objects.unscoped().filter(user=user, kommune_id__in=list(managed))}
    for kommune_id, kommune in managed.items():
        membership, role = current.get(kommune_id), wanted.get(kommune_id)
        if membership is None and role is not None:
            membership_create(kommune=kommune, actor=user, user=user, role=role)
        else:
            _change_membership(user, kommune, membership, role)


def _change_membership(user: Any, kommune: Kommune, membership: Membership | None, role: str | None) -> None:
    """End or change a membership the groups no longer give; the last Administration of a
    Kommune stays (accounts refuses to remove it) and the refusal is logged, not shown."""
    try:
        if membership is not None and role is None:
            membership_delete(kommune=kommune, actor=user, membership=membership)
        elif membership is not None and role is not None and membership.role != role:
            membership_update(kommune=kommune, actor=user, membership=membership, role=role)
    except ValidationError:
        security_event("sso_membership_kept", user, kommune=kommune.pk, reason="last_admin")


def oidc_login(*, provider: Any, claims: dict[str, Any], groups: set[str]) -> Any:
    """Find the account of the provider's `sub` (or make one), refresh its name and e-mail from
    the verified claims, and make its memberships in the provider's Kommunen follow its groups.
    All in one transaction: a refusal leaves nothing behind."""
    with transaction.atomic():
        user, identity = _user_for(provider, claims)
        if user.is_superuser or not user.is_active:
            raise NoMembershipError("operators and deactivated accounts do not log in through a provider")
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.email = str(claims.get("email") or user.email)[:254]
        user.save()
        if identity is None:
            identity = OidcIdentity.objects.create(user=user, issuer=provider.issuer, subject=claims["sub"])
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
        _sync_memberships(user, provider, groups)
        user.refresh_from_db(fields=["session_epoch"])  # a promotion ended the sessions through another copy
        if not Membership.objects.unscoped().filter(user=user).exists():
            raise NoMembershipError(f"no mapped group among {len(groups)} groups")
        _audit(user, _("Anmeldung über den Identitätsanbieter: %(name)s"))
    security_event("sso_login", user, provider=provider.key)
    return user

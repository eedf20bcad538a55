"""Every change of a second factor or an SSO identity: one transaction, an audit entry in each
Kommune of the account, and a security event in the log `kompass.security` (never a code or secret)."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kompass.accounts.models import User
from kompass.accounts.services import membership_create, membership_delete, membership_update, sessions_end
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, check_version, save_update, snapshot
from kompass.core.security_log import security_event as log_security_event
from kompass.sso import mfa
from kompass.sso.models import OidcGroupMapping, OidcIdentity, OidcProvider
from kompass.sso.oidc import INSTANCE_KEY
from kompass.tenancy import rls
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
        with rls.kommune(kommune_id):  # written into that Kommune under row-level security (docs/security.md T4)
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
    rows = OidcGroupMapping.objects.unscoped().select_related("kommune", "scope_unit").order_by("pk")
    if provider.model is None:
        return list(rows.filter(provider__isnull=True))
    return list(rows.filter(provider=provider.model, kommune_id=provider.kommune_id))


Grant = tuple[str, Any]  # a role and the unit a Redaktion is limited to (None: the whole Kommune)


def _better(row: OidcGroupMapping, held: Grant | None) -> bool:
    """A higher role wins; at the same role, no limit beats a limit (the groups give the wider right)."""
    if held is None:
        return True
    rank, held_rank = ROLE_RANK[Role(row.role)], ROLE_RANK[Role(held[0])]
    return rank > held_rank or (rank == held_rank and row.scope_unit_id is None and held[1] is not None)


def wanted_roles(provider: Any, groups: set[str]) -> tuple[dict[int, Grant], dict[int, Kommune]]:
    """The role (and limit) per Kommune the groups give (the highest, if several), and every Kommune
    the provider manages — memberships there follow the groups; elsewhere they are left alone."""
    wanted: dict[int, Grant] = {}
    managed: dict[int, Kommune] = {}
    for row in _mappings(provider):
        managed[row.kommune_id] = row.kommune
        if row.group in groups and _better(row, wanted.get(row.kommune_id)):
            wanted[row.kommune_id] = (row.role, row.scope_unit)
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
        membership, grant = current.get(kommune_id), wanted.get(kommune_id)
        with rls.kommune(kommune_id):  # the login writes into each Kommune of the provider (docs/security.md T4)
            if membership is None and grant is not None:
                membership_create(kommune=kommune, actor=user, user=user, role=grant[0], scope_unit=grant[1])
            else:
                _change_membership(user, kommune, membership, grant)


def _change_membership(user: Any, kommune: Kommune, membership: Membership | None, grant: Grant | None) -> None:
    """End or change a membership the groups no longer give; the last Administration of a
    Kommune stays (accounts refuses to remove it) and the refusal is logged, not shown."""
    try:
        if membership is not None and grant is None:
            membership_delete(kommune=kommune, actor=user, membership=membership)
        elif (
            membership is not None
            and grant is not None
            and (membership.role, membership.scope_unit_id) != (grant[0], getattr(grant[1], "pk", None))
        ):
            membership_update(kommune=kommune, actor=user, membership=membership, role=grant[0], scope_unit=grant[1])
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


# --- a Kommune's own identity provider, kept by its Administration ------------------------------

PROVIDER_FIELDS = ("slug", "name", "issuer", "client_id", "client_secret_env", "scopes", "group_claim", "enabled")
PROVIDER_INPUT = PROVIDER_FIELDS[1:]  # the Kurzname is chosen once: login links and redirect URIs name it
MAPPING_FIELDS = ("provider", "group", "role", "scope_unit")
SECRET_PREFIX = "KOMPASS_OIDC_SECRET_"  # noqa: S105  # the prefix of a variable name, no secret
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def secret_env_base(kommune: Kommune) -> str:
    """The environment variable a Kommune's client secret lives in: `KOMPASS_OIDC_SECRET_<KURZNAME>`."""
    return SECRET_PREFIX + re.sub(r"[^A-Z0-9]", "_", kommune.slug.upper())


def check_secret_env(kommune: Kommune, name: str) -> str | None:
    """The variable must be the Kommune's own: `KOMPASS_OIDC_SECRET_<KURZNAME>` or that with a suffix
    after two underscores. SECURITY: the server sends the value to the issuer the Administration
    names; any other variable (the database password, another Kommune's secret) would leave with it."""
    base = secret_env_base(kommune)
    if name == base or re.fullmatch(re.escape(base) + r"__[A-Z0-9_]{1,40}", name):
        return None
    return _(
        "Der Name muss „%(base)s“ lauten oder mit „%(base)s__“ und Großbuchstaben, Ziffern oder _ weitergehen."
    ) % {"base": base}


def check_issuer(url: str) -> str | None:
    """The issuer is an https address of a named host (no IP address, no user, query or fragment);
    on a development machine (DEBUG) also http on loopback, for a provider started locally."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    loopback = settings.DEBUG and host in LOOPBACK_HOSTS and parts.scheme in ("http", "https")
    if parts.username or parts.password or parts.query or parts.fragment or not host:
        return _("Bitte geben Sie die Adresse des Ausstellers ohne Zugangsdaten, Parameter oder Anker an.")
    if loopback:
        return None
    if parts.scheme != "https":
        return _("Der Aussteller muss eine https-Adresse sein.")
    if "." not in host or _is_ip(host):
        return _("Der Aussteller muss einen Rechnernamen haben (z. B. anmeldung.musterstadt.de), keine IP-Adresse.")
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _clean_provider(kommune: Kommune, provider: OidcProvider) -> None:
    errors: dict[str, list[str]] = {}
    for field in ("name", "issuer", "client_id", "client_secret_env", "scopes", "group_claim"):
        setattr(provider, field, str(getattr(provider, field) or "").strip())
    provider.issuer = provider.issuer.rstrip("/")
    for field, message in (
        ("issuer", check_issuer(provider.issuer) if provider.issuer else None),
        ("client_secret_env", check_secret_env(kommune, provider.client_secret_env)),
    ):
        if message:
            errors.setdefault(field, []).append(message)
    if "openid" not in provider.scopes.split():
        errors.setdefault("scopes", []).append(_("Die Scopes müssen „openid“ enthalten."))
    # SECURITY: a variable another Kommune's provider names (an operator may have set one up in the shell)
    # is refused; the answer says only "taken", never whose.
    taken = OidcProvider.objects.unscoped().filter(client_secret_env=provider.client_secret_env)
    if taken.exclude(kommune=kommune).exists():
        errors.setdefault("client_secret_env", []).append(_("Diese Umgebungsvariable ist schon vergeben."))
    try:
        provider.full_clean(exclude=["kommune", "slug", *errors], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _free_slug(kommune: Kommune) -> str:
    """The Kurzname in login links: the Kommune's own, numbered when it has several providers."""
    base = kommune.slug[:34].strip("-")  # room for "-<n>" in the 40 characters of the column
    # SECURITY: the Kurzname is unique on the instance; only taken names are read, never shown.
    taken = set(OidcProvider.objects.unscoped().filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = (base if n == 1 else f"{base}-{n}" for n in range(1, len(taken) + 2))
    return next(slug for slug in candidates if slug not in taken and slug != INSTANCE_KEY)


@transaction.atomic
def provider_create(*, kommune: Kommune, actor: Any, data: Mapping[str, Any]) -> OidcProvider:
    """A Kommune's own identity provider; its client secret stays in the environment."""
    provider = OidcProvider(kommune=kommune, **{field: data.get(field) for field in PROVIDER_INPUT})
    provider.enabled = bool(data.get("enabled", True))
    _clean_provider(kommune, provider)
    provider.slug = _free_slug(kommune)
    provider.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=provider,
        after=snapshot(provider, PROVIDER_FIELDS),
    )
    return provider


def _locked(kommune: Kommune, model: Any, obj: Any, expected_version: int | None) -> Any:
    locked = model.objects.for_kommune(kommune).select_for_update().get(pk=obj.pk)
    check_version(locked, expected_version)
    return locked


@transaction.atomic
def provider_update(
    *, kommune: Kommune, actor: Any, provider: OidcProvider, data: Mapping[str, Any], expected_version: int | None
) -> OidcProvider:
    provider = _locked(kommune, OidcProvider, provider, expected_version)
    before = snapshot(provider, PROVIDER_FIELDS)
    for field in PROVIDER_INPUT:
        if field in data:
            setattr(provider, field, data[field])
    _clean_provider(kommune, provider)
    save_update(kommune_id=kommune.pk, actor=actor, obj=provider, fields=PROVIDER_FIELDS, before=before)
    return provider


@transaction.atomic
def provider_delete(*, kommune: Kommune, actor: Any, provider: OidcProvider, expected_version: int | None) -> None:
    """The provider and its group mappings go; the memberships it gave stay (they end by hand)."""
    provider = _locked(kommune, OidcProvider, provider, expected_version)
    for mapping in OidcGroupMapping.objects.for_kommune(kommune).filter(provider=provider):
        audit_record(
            kommune_id=kommune.pk,
            actor=actor,
            action=AuditAction.DELETE,
            obj=mapping,
            before=snapshot(mapping, MAPPING_FIELDS),
        )
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.DELETE,
        obj=provider,
        before=snapshot(provider, PROVIDER_FIELDS),
    )
    provider.delete()


def _clean_mapping(kommune: Kommune, mapping: OidcGroupMapping) -> None:
    errors: dict[str, list[str]] = {}
    mapping.group = str(mapping.group or "").strip()
    if not mapping.group:
        errors["group"] = [_("Bitte geben Sie den Namen der Gruppe beim Identitätsanbieter an.")]
    if mapping.role not in Role.values:
        errors["role"] = [_("Bitte wählen Sie eine Rolle.")]
    if mapping.provider is None or mapping.provider.kommune_id != kommune.pk:
        errors["provider"] = [_("Der Identitätsanbieter gehört nicht zu dieser Kommune.")]
    unit = mapping.scope_unit
    if unit is not None and unit.kommune_id != kommune.pk:
        errors["scope_unit"] = [_("Die Einheit gehört nicht zu dieser Kommune.")]
    elif unit is not None and mapping.role != Role.EDITOR:
        errors["scope_unit"] = [_("Nur die Rolle Redaktion kann auf eine Einheit beschränkt werden.")]
    same = OidcGroupMapping.objects.for_kommune(kommune).filter(provider=mapping.provider, group=mapping.group)
    if mapping.group and same.exclude(pk=mapping.pk).exists():
        errors.setdefault("group", []).append(_("Diese Gruppe ist diesem Identitätsanbieter schon zugeordnet."))
    if len(mapping.group) > 200:
        errors.setdefault("group", []).append(_("Der Name der Gruppe ist zu lang (höchstens 200 Zeichen)."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_mapping_create(
    *, kommune: Kommune, actor: Any, provider: OidcProvider, data: Mapping[str, Any]
) -> OidcGroupMapping:
    """An IdP group of the Kommune's own provider that gives a membership in this Kommune, at the
    next login of each of its people."""
    mapping = OidcGroupMapping(
        kommune=kommune,
        provider=provider,
        group=str(data.get("group") or ""),
        role=str(data.get("role") or ""),
        scope_unit=data.get("scope_unit"),
    )
    _clean_mapping(kommune, mapping)
    mapping.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=mapping,
        after=snapshot(mapping, MAPPING_FIELDS),
    )
    return mapping


@transaction.atomic
def group_mapping_update(
    *, kommune: Kommune, actor: Any, mapping: OidcGroupMapping, data: Mapping[str, Any], expected_version: int | None
) -> OidcGroupMapping:
    mapping = _locked(kommune, OidcGroupMapping, mapping, expected_version)
    before = snapshot(mapping, MAPPING_FIELDS)
    for field in ("group", "role", "scope_unit"):
        if field in data:
            setattr(mapping, field, data[field])
    _clean_mapping(kommune, mapping)
    save_update(kommune_id=kommune.pk, actor=actor, obj=mapping, fields=MAPPING_FIELDS, before=before)
    return mapping


@transaction.atomic
def group_mapping_delete(
    *, kommune: Kommune, actor: Any, mapping: OidcGroupMapping, expected_version: int | None
) -> None:
    mapping = _locked(kommune, OidcGroupMapping, mapping, expected_version)
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.DELETE,
        obj=mapping,
        before=snapshot(mapping, MAPPING_FIELDS),
    )
    mapping.delete()

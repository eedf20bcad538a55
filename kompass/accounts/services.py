"""Writes for accounts: memberships, API tokens and operator access, each audited."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kompass.accounts.models import ApiToken, TokenScope, User
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, check_version, save_update, snapshot
from kompass.core.actors import Actor
from kompass.tenancy import rls
from kompass.tenancy.models import (
    AGS,
    AGS_LAND_PREFIX,
    ARS,
    KEY_LENGTHS,
    KREISSCHLUESSEL,
    SUSPENSION_REASON_MAX,
    Bundesland,
    Kommune,
    Membership,
    OperatorAccess,
    Role,
)

TOKEN_PREFIX = "kk_"  # noqa: S105 - a public marker that makes leaked tokens easy to find, not a secret
MEMBERSHIP_FIELDS = ("user", "role", "scope_unit")
security_log = logging.getLogger("kompass.security")


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Tokens last 90 days unless their holder chooses otherwise, a year at most (docs/security.md A4).
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
# The last use is written at most once a minute per token: a busy script costs no write per call.
TOKEN_USE_GRANULARITY = datetime.timedelta(minutes=1)
PASSWORD_STAMP_SALT = "kompass.accounts.ApiToken.password_stamp"  # noqa: S105 - an HMAC salt, not a secret
TOKEN_FIELDS = ("name", "prefix", "kommune", "scope", "expires_at")


def password_stamp(user: User) -> str:
    """A keyed digest of the user's password hash: it changes with every new password."""
    return salted_hmac(PASSWORD_STAMP_SALT, user.password, algorithm="sha256").hexdigest()


def token_kommunen(user: User) -> list[Kommune]:
    """The Kommunen a user may make a token for: those she is a member of."""
    # Read on its own (a list, not a subquery): only then is it the reviewed platform read (docs/security.md T4).
    ids = list(Membership.objects.unscoped().filter(user=user).values_list("kommune_id", flat=True))
    return list(Kommune.objects.filter(pk__in=ids).order_by("name"))


def _token_kommune(user: User, kommune: Kommune | None) -> Kommune:
    if kommune is None:  # callers without a choice (commands, scripts): the only Kommune of the user
        kommunen = token_kommunen(user)
        if len(kommunen) != 1:
            raise ValidationError({"kommune": [_("Bitte wählen Sie die Kommune, für die das Token gilt.")]})
        return kommunen[0]
    if not Membership.objects.unscoped().filter(kommune=kommune, user=user).exists():  # before the Kommune is set
        raise ValidationError({"kommune": [_("Sie sind nicht Mitglied dieser Kommune.")]})
    rls.activate(kommune.pk)  # the token's entry is written into its Kommune (docs/security.md T4)
    return kommune


def _token_days(days: Any) -> int:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": [_("Ein Token gilt mindestens einen und höchstens %(max)d Tage.") % {"max": TOKEN_MAX_DAYS}]}
        )
    return days


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    kommune: Kommune | None = None,
    scope: str = TokenScope.WRITE,
    days: int = TOKEN_DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """Create a personal token for one Kommune; the secret is returned once and only its hash is stored.

    Without a Kommune the user's only one is taken; without a scope the token may do what its holder
    may do in that Kommune (the token page asks for both and proposes reading only).
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Bitte geben Sie eine Bezeichnung an.")]})
    if len(name) > 100:
        raise ValidationError({"name": [_("Die Bezeichnung darf höchstens 100 Zeichen lang sein.")]})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": [_("Bitte wählen Sie „Nur lesen“ oder „Lesen und ändern“.")]})
    kommune = _token_kommune(user, kommune)
    expires_at = timezone.now() + datetime.timedelta(days=_token_days(days))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:11],
        token_hash=hash_token(secret),
        kommune=kommune,
        scope=scope,
        expires_at=expires_at,
        password_stamp=password_stamp(user),
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=user,
        action=AuditAction.CREATE,
        obj=token,
        after=_token_snapshot(token),
        label=_("API-Token „%(name)s“ von %(user)s") % {"name": token.name, "user": user.display_name},
    )
    security_log.info(
        "api_token_created user=%s token=%s kommune=%s scope=%s", user.pk, token.pk, kommune.pk, token.scope
    )
    return token, secret


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    """What the log keeps of a token: never the secret or its hash, only the visible prefix."""
    values = snapshot(token, TOKEN_FIELDS)
    values["expires_at"] = token.expires_at.isoformat()
    return values


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise ValidationError(_("Dieses Token gehört nicht zu Ihrem Konto."))
    _tokens_end(ApiToken.objects.filter(pk=token.pk), actor=user, reason="revoked")
    token.refresh_from_db(fields=["revoked_at"])


def _tokens_end(tokens: models.QuerySet[ApiToken], *, actor: Actor, reason: str) -> None:
    """Revoke the open tokens among `tokens`, each audited in its Kommune and logged."""
    now = timezone.now()
    for token in tokens.filter(revoked_at__isnull=True).select_related("user").select_for_update(of=("self",)):
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=now)
        security_log.info("api_token_revoked user=%s token=%s reason=%s", token.user_id, token.pk, reason)
        if token.kommune_id is None:
            continue
        with rls.kommune(token.kommune_id):  # the token's Kommune, whichever page revokes it (docs/security.md T4)
            audit_record(
                kommune_id=token.kommune_id,
                actor=actor,
                action=AuditAction.UPDATE,
                obj=token,
                before={"revoked_at": None},
                after={"revoked_at": now.isoformat()},
                label=_("API-Token „%(name)s“ von %(user)s widerrufen")
                % {"name": token.name, "user": token.user.display_name},
            )


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The token behind a secret, if it may still be used: not revoked, not expired, its holder active
    and her password unchanged since it was made. One query; the last use is written at most once a
    minute. Whether its holder is still a member of its Kommune is asked with every request by the
    API gate (`resolve_tenant`: 404 otherwise), and `membership_delete` revokes it as well."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "kommune")
        .filter(
            token_hash=hash_token(secret),
            revoked_at__isnull=True,
            expires_at__gt=now,
            kommune__isnull=False,
            user__is_active=True,
        )
        .first()
    )
    if token is None or not constant_time_compare(token.password_stamp, password_stamp(token.user)):
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _validate_membership(kommune: Kommune, membership: Membership) -> None:
    if membership.role not in Role.values:
        raise ValidationError({"role": [_("Unbekannte Rolle.")]})
    if membership.scope_unit is not None:
        if membership.scope_unit.kommune_id != kommune.pk:
            raise ValidationError({"scope_unit": [_("Die Einheit gehört nicht zu dieser Kommune.")]})
        if membership.role != Role.EDITOR:
            raise ValidationError(
                {"scope_unit": [_("Nur die Rolle Redaktion kann auf eine Einheit beschränkt werden.")]}
            )


@transaction.atomic
def membership_create(*, kommune: Kommune, actor: Actor, user: User, role: str, scope_unit: Any = None) -> Membership:
    """Make an account a member. Pages reach this only through an accepted invitation (consent)."""
    # SECURITY: a platform operator reads a Kommune only through the reasoned, logged, read-only
    # operator access; a membership would bypass it (docs/security.md L3).
    if user.is_superuser:
        raise ValidationError(
            _("Betreiberinnen und Betreiber der Plattform können nicht Mitglied einer Kommune werden.")
        )
    if Membership.objects.for_kommune(kommune).filter(user=user).exists():
        raise ValidationError({"user": [_("Dieses Konto ist bereits Mitglied der Kommune.")]})
    membership = Membership(kommune=kommune, user=user, role=role, scope_unit=scope_unit)
    _validate_membership(kommune, membership)
    membership.save()
    if role == Role.ADMIN:
        _promoted(user)
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=membership,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
        label=f"{user.display_name} ({membership.get_role_display()})",
    )
    return membership


@transaction.atomic
def membership_update(
    *, kommune: Kommune, actor: Actor, membership: Membership, role: str, scope_unit: Any = None
) -> Membership:
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    promoted = role == Role.ADMIN and membership.role != Role.ADMIN
    membership.role, membership.scope_unit = role, scope_unit
    _validate_membership(kommune, membership)
    _keep_one_admin(kommune, membership, leaving=membership.role != Role.ADMIN)
    membership.save()
    if promoted:
        _promoted(membership.user)
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=membership,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
        label=membership.user.display_name,
    )
    return membership


@transaction.atomic
def membership_delete(*, kommune: Kommune, actor: Actor, membership: Membership) -> None:
    _keep_one_admin(kommune, membership, leaving=True)
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.DELETE,
        obj=membership,
        before=snapshot(membership, MEMBERSHIP_FIELDS),
        label=membership.user.display_name,
    )
    membership.delete()
    # A token acts as a member of its Kommune: it ends with the membership (docs/security.md A4).
    _tokens_end(
        ApiToken.objects.filter(user=membership.user_id, kommune=kommune), actor=actor, reason="membership_ended"
    )
    if not Membership.objects.unscoped().filter(user=membership.user_id).exists():
        # Without any membership the login has nothing left to open; a session kept alive would
        # still show the Kommune's pages that are open right now.
        sessions_end(user=membership.user)


def _promoted(user: User) -> None:
    """Administration anywhere needs the second factor where it is enforced; a session opened
    before the promotion has not shown it and keeps the answer of its login: it ends, the member
    logs in again (docs/security.md A3)."""
    sessions_end(user=user)


def sessions_end(*, user: User) -> None:
    """End every session of the login at its next request, wherever it is open.

    One UPDATE instead of a search through all session rows (which hold no user column): the
    session keeps a hash that includes `session_epoch` (`User.get_session_auth_hash`), and Django
    logs out a session whose hash no longer matches. Expired rows go with the daily clean-up.
    """
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def member_sessions_end(*, kommune: Kommune, actor: Actor, membership: Membership) -> None:
    """The Kommune's administration ends every session of one member (a lost laptop, a shared PC)."""
    user = membership.user
    sessions_end(user=user)
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.ACCESS,
        obj=user,
        label=_("Anmeldungen beendet: %(name)s") % {"name": user.display_name},
    )


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> None:
    """Lock an account: no login, no API token, and every open session ends."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    sessions_end(user=user)
    _tokens_end(ApiToken.objects.filter(user=user), actor=actor, reason="account_deactivated")


@transaction.atomic
def password_set_by_other(*, user: User, password: str) -> None:
    """A password someone else chose (a command, an administrator): changed at the first login."""
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    password_tokens_end(user=user)


@transaction.atomic
def password_changed(*, user: User) -> None:
    """The person chose her own password: the forced change is done, her API tokens end."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    password_tokens_end(user=user)


def password_tokens_end(*, user: User) -> None:
    """Revoke the tokens made before the current password, so the token page says so. Authentication
    refuses them anyway (the password stamp), also after a change that bypasses the services."""
    stamp = password_stamp(user)
    _tokens_end(ApiToken.objects.filter(user=user).exclude(password_stamp=stamp), actor=user, reason="password_changed")


def _keep_one_admin(kommune: Kommune, membership: Membership, *, leaving: bool) -> None:
    if not leaving:
        return
    others = Membership.objects.for_kommune(kommune).filter(role=Role.ADMIN).exclude(pk=membership.pk)
    was_admin = Membership.objects.for_kommune(kommune).filter(pk=membership.pk, role=Role.ADMIN).exists()
    if was_admin and not others.exists():
        raise ValidationError(_("Eine Kommune braucht mindestens ein Mitglied mit der Rolle Administration."))


OPERATOR_ACCESS_HOURS = 2


@transaction.atomic
def operator_access_grant(*, kommune: Kommune, operator: User, reason: str) -> OperatorAccess:
    """Break-glass: a platform operator reads one Kommune for two hours, visible in its log (docs/security.md L3)."""
    if not operator.is_superuser:
        raise ValidationError(_("Nur Betreiberinnen und Betreiber der Plattform können diesen Zugriff anfordern."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Bitte begründen Sie den Zugriff (mindestens 10 Zeichen).")]})
    rls.activate(kommune.pk)  # the grant and its entry are written into that Kommune (docs/security.md T4)
    access = OperatorAccess.objects.create(
        kommune=kommune,
        operator=operator,
        operator_name=operator.display_name,
        reason=reason[:500],
        expires_at=timezone.now() + datetime.timedelta(hours=OPERATOR_ACCESS_HOURS),
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=operator,
        action=AuditAction.ACCESS,
        obj=access,
        after={"reason": access.reason, "expires_at": access.expires_at.isoformat()},
        label=_("Betreiberzugriff: %(name)s") % {"name": operator.display_name},
    )
    return access


# --- the Kommune's master data ------------------------------------------------------------

KOMMUNE_FIELDS = ("name", "slug", "kommune_type", "bundesland", "population", "ags")
EDITABLE_FIELDS = ("name", "kommune_type", "bundesland", "population", "ags")


def check_ags_matches_land(ags: str, bundesland: str) -> None:
    """The first two digits of every official key (Kreisschlüssel, AGS, ARS) name the Land
    (Destatis Gemeindeverzeichnis)."""
    prefix = AGS_LAND_PREFIX.get(bundesland)
    if prefix and ags.isdigit() and len(ags) >= 2 and not ags.startswith(prefix):
        raise ValidationError(
            {
                "ags": [
                    _("Ein Amtlicher Schlüssel in %(land)s beginnt mit %(prefix)s.")
                    % {"land": Bundesland(bundesland).label, "prefix": prefix}
                ]
            }
        )


def check_key_fits_type(ags: str, kommune_type: str) -> None:
    """A Landkreis is named by its 5-digit Kreisschlüssel; an Amt, a Verbandsgemeinde or a Samtgemeinde
    has no AGS of its own, only the 12-digit Regionalschlüssel; a Gemeinde or Stadt has its 8-digit
    AGS or the ARS, a kreisfreie Stadt also its Kreisschlüssel (Destatis Gemeindeverzeichnis)."""
    lengths = KEY_LENGTHS.get(kommune_type)
    if not lengths or len(ags) in lengths:
        return
    hint = KEY_HINTS.get(lengths, _lazy("Die Länge des Amtlichen Schlüssels passt nicht zur Art der Kommune."))
    raise ValidationError({"ags": [str(hint)]})


# What to say when a key does not fit the type, by the lengths the type allows.
KEY_HINTS = {
    (KREISSCHLUESSEL,): _lazy("Für einen Landkreis geben Sie den Kreisschlüssel an: 5 Ziffern."),
    (ARS,): _lazy(
        "Amt, Verbandsgemeinde und Samtgemeinde haben keinen eigenen Gemeindeschlüssel. Bitte geben Sie den "
        "Amtlichen Regionalschlüssel (ARS) an: 12 Ziffern."
    ),
    (AGS, ARS): _lazy(
        "Für eine Gemeinde oder Stadt geben Sie den Amtlichen Gemeindeschlüssel (AGS, 8 Ziffern) oder den "
        "Regionalschlüssel (ARS, 12 Ziffern) an."
    ),
}


def _validate(kommune: Kommune) -> None:
    errors: dict[str, list[str]] = {}
    try:
        kommune.full_clean(exclude=["version"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors.keys() & {"ags", "bundesland", "kommune_type"}:
        errors.update(_key_errors(kommune))
    if errors:
        raise ValidationError(errors)


def _key_errors(kommune: Kommune) -> dict[str, list[str]]:
    """Both checks of the official key, so that one answer names every problem."""
    messages: list[str] = []
    try:
        check_ags_matches_land(kommune.ags, kommune.bundesland)
    except ValidationError as exc:
        messages.extend(exc.message_dict["ags"])
    try:
        check_key_fits_type(kommune.ags, kommune.kommune_type)
    except ValidationError as exc:
        messages.extend(exc.message_dict["ags"])
    return {"ags": messages} if messages else {}


def _clean(data: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        if field in data:
            value = data[field]
            values[field] = value.replace("\x00", "").strip() if isinstance(value, str) else value
    return values


@transaction.atomic
def kommune_create(*, actor: Actor, data: Mapping[str, Any]) -> Kommune:
    kommune = Kommune(**_clean(data, KOMMUNE_FIELDS))
    _validate(kommune)
    kommune.save()
    rls.activate(kommune.pk)  # its log and first invitation are written into the new Kommune (docs/security.md T4)
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=kommune,
        after=snapshot(kommune, KOMMUNE_FIELDS),
    )
    return kommune


@transaction.atomic
def kommune_update(
    *, kommune: Kommune, actor: Actor, data: Mapping[str, Any], expected_version: int | None = None
) -> Kommune:
    kommune = Kommune.objects.select_for_update().get(pk=kommune.pk)
    check_version(kommune, expected_version)
    before = snapshot(kommune, KOMMUNE_FIELDS)
    for field, value in _clean(data, EDITABLE_FIELDS).items():
        setattr(kommune, field, value)
    _validate(kommune)
    save_update(kommune_id=kommune.pk, actor=actor, obj=kommune, fields=KOMMUNE_FIELDS, before=before)
    return kommune


# --- platform operation: opening, suspending and reactivating a Kommune ------------------------

SUSPENSION_FIELDS = ("suspended_at", "suspension_reason")
# German letters that `slugify` would drop rather than spell out (Lüneburg → lueneburg, not luneburg).
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "_": "-"})


def slug_from_name(name: str) -> str:
    """The Kurzname a Kommune gets in its addresses when the operator leaves it empty."""
    return slugify((name or "").translate(_SPELLED_OUT))[:50].strip("-")


def _require_operator(actor: User) -> None:
    if not actor.is_superuser:
        raise ValidationError(_("Nur Betreiberinnen und Betreiber der Plattform dürfen das."))


def _operator_reason(reason: str) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Bitte nennen Sie einen Grund (mindestens 10 Zeichen).")]})
    if len(reason) > SUSPENSION_REASON_MAX:
        raise ValidationError(
            {"reason": [_("Der Grund darf höchstens %(max)d Zeichen lang sein.") % {"max": SUSPENSION_REASON_MAX}]}
        )
    return reason


@transaction.atomic
def kommune_open(
    *,
    operator: User,
    data: Mapping[str, Any],
    admin_email: str,
    admin_first_name: str = "",
    admin_last_name: str = "",
) -> tuple[Kommune, Any, str]:
    """A platform operator opens a Kommune on the platform: its master data and the invitation of its
    first Administration, in one step (nothing is kept when either fails). Returns the Kommune, the
    invitation and the path of its link (shown to copy when no mail goes out)."""
    # Invitations build on the membership services of this module, so they are imported late.
    from kompass.accounts.invitations import invitation_create

    _require_operator(operator)
    values = dict(data)
    values["slug"] = (values.get("slug") or "").strip() or slug_from_name(values.get("name", ""))
    kommune = kommune_create(actor=operator, data=values)
    invitation, link = invitation_create(
        kommune=kommune,
        actor=operator,
        email=admin_email,
        role=Role.ADMIN,
        first_name=admin_first_name,
        last_name=admin_last_name,
    )
    return kommune, invitation, link


@transaction.atomic
def kommune_suspend(*, kommune: Kommune, operator: User, reason: str) -> Kommune:
    """Suspend a Kommune: its data stays, but its members can no longer open it, in the browser or
    through the API, until an operator reactivates it. Written to the Kommune's own log."""
    return _set_suspension(kommune, operator, reason, suspend=True)


@transaction.atomic
def kommune_reactivate(*, kommune: Kommune, operator: User, reason: str) -> Kommune:
    """Lift the suspension: the members open their Kommune again. The reason goes into the log entry."""
    return _set_suspension(kommune, operator, reason, suspend=False)


def _set_suspension(kommune: Kommune, operator: User, reason: str, *, suspend: bool) -> Kommune:
    _require_operator(operator)
    reason = _operator_reason(reason)
    kommune = Kommune.objects.select_for_update().get(pk=kommune.pk)
    rls.activate(kommune.pk)  # the entry goes into the Kommune's own log (docs/security.md T4)
    if kommune.is_suspended == suspend:
        raise ValidationError(
            _("Die Kommune ist bereits gesperrt.") if suspend else _("Die Kommune ist nicht gesperrt.")
        )
    before = snapshot(kommune, SUSPENSION_FIELDS)
    kommune.suspended_at, kommune.suspension_reason = (timezone.now(), reason) if suspend else (None, "")
    kommune.save(update_fields=list(SUSPENSION_FIELDS))
    label = _("Kommune gesperrt: %(reason)s") if suspend else _("Sperre aufgehoben: %(reason)s")
    audit_record(
        kommune_id=kommune.pk,
        actor=operator,
        action=AuditAction.UPDATE,
        obj=kommune,
        before=before,
        after=snapshot(kommune, SUSPENSION_FIELDS),
        label=label % {"reason": reason},
    )
    return kommune

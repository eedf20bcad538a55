"""Invitations into a Kommune: the only way a person becomes a member.

The administration invites an e-mail address with a role (and, for Redaktion, a unit). The
invitee gets a single-use link that expires after `settings.INVITATION_VALID_DAYS`. Without an
account she chooses her name and password; with an account she logs in and accepts, so nobody
is made a member of a Kommune without consent. What the administration learns is the same in
both cases: no answer of these services tells whether an account exists on the platform (docs/security.md A2).
Platform operators can never accept: their access to a Kommune is the reasoned, read-only,
logged operator access.

Only a SHA-256 hash of the link's secret is stored, as for API tokens; the secret is mailed
(or shown once to the administration when the instance sends no mail).
"""

from __future__ import annotations

import datetime
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kompass.accounts.models import Invitation, User
from kompass.accounts.services import hash_token, membership_create
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record
from kompass.core.actors import Actor
from kompass.tenancy import rls
from kompass.tenancy.models import Kommune, Membership, Role

log = logging.getLogger(__name__)

# Backends that deliver nothing to a person: the invitation link must then be passed on by hand.
UNDELIVERED_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)


def mail_is_configured() -> bool:
    """Does this instance send mail to people (SMTP or another real backend)?"""
    return settings.EMAIL_BACKEND not in UNDELIVERED_BACKENDS


def invitation_path(secret: str) -> str:
    return reverse("accounts:invitation", kwargs={"token": secret})


def normalise_email(email: str) -> str:
    return (email or "").replace("\x00", "").strip().lower()


def accounts_for_email(email: str) -> Any:
    """Accounts an invitation to `email` is meant for: the address, or a login name equal to it."""
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))


def _new_secret() -> tuple[str, str, datetime.datetime]:
    secret = secrets.token_urlsafe(32)
    expires_at = timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)
    return secret, hash_token(secret), expires_at


def _validate(kommune: Kommune, invitation: Invitation) -> None:
    errors: dict[str, list[str]] = {}
    try:
        invitation.full_clean(exclude=["kommune", "token_hash", "expires_at", "invited_by", "scope_unit"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if invitation.role not in Role.values:
        errors["role"] = [_("Unbekannte Rolle.")]
    unit = invitation.scope_unit
    if unit is not None and unit.kommune_id != kommune.pk:
        errors["scope_unit"] = [_("Die Einheit gehört nicht zu dieser Kommune.")]
    elif unit is not None and invitation.role != Role.EDITOR:
        errors["scope_unit"] = [_("Nur die Rolle Redaktion kann auf eine Einheit beschränkt werden.")]
    if errors:
        raise ValidationError(errors)


def _check_not_open_or_member(kommune: Kommune, email: str) -> None:
    """Says so when the address already has an open invitation or belongs to a member of this Kommune.

    Both answers are about this Kommune only; whether an account exists elsewhere stays unsaid.
    """
    if Invitation.objects.for_kommune(kommune).filter(email=email, accepted_at=None, revoked_at=None).exists():
        raise ValidationError(
            {
                "email": [
                    _(
                        "Für diese E-Mail-Adresse gibt es schon eine offene Einladung. "
                        "Sie können sie in der Liste unten erneut senden oder zurückziehen."
                    )
                ]
            }
        )
    members = Membership.objects.for_kommune(kommune).filter(user__in=accounts_for_email(email))
    if members.exists():
        raise ValidationError({"email": [_("Eine Person mit dieser E-Mail-Adresse ist bereits Mitglied.")]})


def invitation_create(
    *,
    kommune: Kommune,
    actor: Actor,
    email: str,
    role: str,
    scope_unit: Any = None,
    first_name: str = "",
    last_name: str = "",
) -> tuple[Invitation, str]:
    """Invite an address into the Kommune and mail the link; returns the invitation and the link's path.

    The path (`/einladung/<secret>/`) is the only copy of the secret: show it once when
    `mail_is_configured()` is false, or when `invitation.last_sent_at` stayed empty (mail failed).
    """
    email = normalise_email(email)
    secret, token_hash, expires_at = _new_secret()
    invitation = Invitation(
        kommune=kommune,
        email=email,
        first_name=(first_name or "").strip()[:150],
        last_name=(last_name or "").strip()[:150],
        role=role,
        scope_unit=scope_unit,
        invited_by_id=getattr(actor, "pk", None),
        token_hash=token_hash,
        expires_at=expires_at,
    )
    _validate(kommune, invitation)
    try:
        with transaction.atomic():
            _check_not_open_or_member(kommune, email)
            invitation.save()
            _audit(invitation, actor, AuditAction.CREATE, _("Einladung an %(email)s"))
    except IntegrityError as exc:  # a parallel request invited the same address a moment earlier
        raise ValidationError({"email": [_("Für diese E-Mail-Adresse gibt es schon eine offene Einladung.")]}) from exc
    _send(invitation, secret, actor)
    return invitation, invitation_path(secret)


def invitation_resend(*, kommune: Kommune, actor: Actor, invitation: Invitation) -> tuple[Invitation, str]:
    """A new link with a new expiry; the old link stops working at once."""
    with transaction.atomic():
        invitation = _locked_open(kommune, invitation)
        secret, invitation.token_hash, invitation.expires_at = _new_secret()
        invitation.resent_count += 1
        invitation.save(update_fields=["token_hash", "expires_at", "resent_count"])
        _audit(invitation, actor, AuditAction.UPDATE, _("Einladung an %(email)s erneut gesendet"))
    _send(invitation, secret, actor)
    return invitation, invitation_path(secret)


@transaction.atomic
def invitation_revoke(*, kommune: Kommune, actor: Actor, invitation: Invitation) -> Invitation:
    """Withdraw an open invitation: its link shows that it was withdrawn, nothing else changes."""
    invitation = _locked_open(kommune, invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _audit(invitation, actor, AuditAction.DELETE, _("Einladung an %(email)s zurückgezogen"))
    return invitation


def _locked_open(kommune: Kommune, invitation: Invitation) -> Invitation:
    locked = Invitation.objects.for_kommune(kommune).select_for_update().filter(pk=invitation.pk).first()
    if locked is None or not locked.is_open:
        raise ValidationError(_("Diese Einladung ist nicht mehr offen: Sie wurde angenommen oder zurückgezogen."))
    return locked


def _audit(invitation: Invitation, actor: Actor, action: str, label: str) -> None:
    audit_record(
        kommune_id=invitation.kommune_id,
        actor=actor,
        action=action,
        obj=invitation,
        after={
            "email": invitation.email,
            "role": invitation.role,
            "scope_unit": invitation.scope_unit_id,
            "expires_at": invitation.expires_at.isoformat(),
        },
        label=label % {"email": invitation.email},
    )


def _send(invitation: Invitation, secret: str, actor: Actor) -> None:
    """Mail the link in German. A failing mail server does not undo the invitation: the page then
    shows the link to pass on (`last_sent_at` stays empty)."""
    context = {
        "invitation": invitation,
        "kommune": invitation.kommune,
        "inviter": actor.display_name if actor is not None else "",
        "role": invitation.get_role_display(),
        "url": settings.SITE_URL + invitation_path(secret),
        "expires_at": invitation.expires_at,
    }
    with translation.override("de"):
        subject = _("Einladung zu Kommunalkompass: %(kommune)s") % {"kommune": invitation.kommune.name}
        body = render_to_string("accounts/mail/invitation.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email], fail_silently=False)
    except Exception:  # any transport error: logged, and the page shows the link instead
        log.exception("invitation mail to Kommune %s could not be sent", invitation.kommune_id)
        return
    invitation.last_sent_at = timezone.now()
    Invitation.objects.for_kommune(invitation.kommune_id).filter(pk=invitation.pk).update(
        last_sent_at=invitation.last_sent_at
    )


def open_invitations(kommune: Kommune) -> list[Invitation]:
    """Invitations of the Kommune not yet accepted or revoked (expired ones too: they can be resent)."""
    return list(
        Invitation.objects.for_kommune(kommune)
        .filter(accepted_at=None, revoked_at=None)
        .select_related("scope_unit", "invited_by")
        .order_by("email")
    )


# --- the invitee's side ---------------------------------------------------------------------


def invitation_for_secret(secret: str) -> Invitation | None:
    """The invitation a link names, in any Kommune (the secret is the key), or None."""
    if not secret or len(secret) > 100:
        return None
    # SECURITY: looked up by the hash of a 256-bit secret, so the link itself is the permission.
    return (
        Invitation.objects.unscoped()
        .select_related("kommune", "scope_unit", "invited_by")
        .filter(token_hash=hash_token(secret))
        .first()
    )


def usable_problem(invitation: Invitation | None) -> str | None:
    """Why a link cannot be used any more (a key of the German page), or None while it is usable."""
    if invitation is None:
        return "unknown"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.is_expired:
        return "expired"
    return None


def _locked_usable(invitation: Invitation) -> Invitation:
    locked = Invitation.objects.unscoped().select_for_update().select_related("kommune").get(pk=invitation.pk)
    if usable_problem(locked) is not None:
        raise ValidationError(_("Diese Einladung kann nicht mehr angenommen werden."))
    if locked.kommune.suspended_at is not None:
        raise ValidationError(
            _(
                "%(kommune)s ist auf dieser Plattform derzeit gesperrt; "
                "die Einladung kann erst danach angenommen werden."
            )
            % {"kommune": locked.kommune.name}
        )
    return locked


def _accept(invitation: Invitation, user: User) -> Membership:
    # The link named the Kommune: from here on the request writes into it (row-level security, T4).
    rls.activate(invitation.kommune_id)
    membership = membership_create(
        kommune=invitation.kommune,
        actor=user,
        user=user,
        role=invitation.role,
        scope_unit=invitation.scope_unit,
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        kommune_id=invitation.kommune_id,
        actor=user,
        action=AuditAction.UPDATE,
        obj=invitation,
        before={"accepted_at": None},
        after={"accepted_at": invitation.accepted_at.isoformat()},
        label=_("Einladung an %(email)s angenommen") % {"email": invitation.email},
    )
    return membership


@transaction.atomic
def invitation_accept_new_account(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> tuple[User, Membership]:
    """The invitee has no account yet: create it with her own password (login name: the address)."""
    invitation = _locked_usable(invitation)
    if accounts_for_email(invitation.email).exists():
        raise ValidationError(_("Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich damit an."))
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name or not last_name:
        raise ValidationError({"first_name" if not first_name else "last_name": [_("Bitte ausfüllen.")]})
    user = User(username=invitation.email, email=invitation.email, first_name=first_name, last_name=last_name)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.save()
    return user, _accept(invitation, user)


@transaction.atomic
def invitation_accept_existing_account(*, invitation: Invitation, user: User) -> Membership:
    """The logged-in invitee consents; a platform operator is refused (operators are never members)."""
    invitation = _locked_usable(invitation)
    if not invitation_meant_for(invitation, user):
        raise ValidationError(_("Diese Einladung gilt für eine andere E-Mail-Adresse."))
    return _accept(invitation, user)


def invitation_meant_for(invitation: Invitation, user: Any) -> bool:
    email = invitation.email
    return bool(user.is_authenticated) and (
        (user.email or "").strip().lower() == email or user.username.strip().lower() == email
    )

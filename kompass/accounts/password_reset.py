"""Forgotten passwords: a single-use link by e-mail that expires (docs/security.md, A4).

The request page answers the same for every input, existing, unknown or locked account (no
enumeration), and it does the same work for each: it only queues `send_reset_mail` with what was
typed. The look-up, the audit entries and the mail happen in the task, so neither the answer nor its
timing tells whether an account exists. The link carries Django's `PasswordResetTokenGenerator`
token: it expires after `PASSWORD_RESET_TIMEOUT` and is spent once the password changes (the token
is derived from the password hash and the last login). Tokens are never logged or audited.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from kompass.accounts import services
from kompass.accounts.models import User
from kompass.audit.context import change_context, current
from kompass.audit.models import AuditAction, AuditSource
from kompass.audit.services import audit_record
from kompass.tenancy import rls
from kompass.tenancy.models import Membership

security_log = logging.getLogger("kompass.security")

IDENTIFIER_MAX = 254
# More accounts than this behind one address or name would be a data error; nobody is mailed twice as often.
MAX_ACCOUNTS_PER_REQUEST = 5


def reset_request(identifier: str) -> None:
    """Queue the reset for what was typed (an e-mail address or a user name); the same for every input."""
    identifier = (identifier or "").replace("\x00", "").strip()[:IDENTIFIER_MAX]
    if identifier:
        send_reset_mail.enqueue(identifier, current().request_id)


def accounts_for(identifier: str) -> list[User]:
    """Active accounts with a password of their own and an address to write to."""
    found = User.objects.filter(Q(email__iexact=identifier) | Q(username__iexact=identifier), is_active=True)
    return [
        user for user in found.order_by("pk")[:MAX_ACCOUNTS_PER_REQUEST] if user.email and user.has_usable_password()
    ]


@task()
def send_reset_mail(identifier: str, request_id: str = "") -> int:
    """Mail a reset link to each matching account; returns how many mails went out (0 for none)."""
    sent = 0
    with change_context(AuditSource.UI, request_id or None):
        for user in accounts_for(identifier):
            _audit(user, actor=None, label=_("Zurücksetzen des Passworts angefordert: %(name)s"))
            security_log.info("password_reset_requested user=%s", user.pk)
            if _mail(user):
                sent += 1
    return sent


def reset_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def _mail(user: User) -> bool:
    context = {
        "name": user.display_name,
        "url": settings.SITE_URL + reset_path(user),
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    with translation.override("de"):
        subject = _("Kommunalkompass: Passwort zurücksetzen")
        body = render_to_string("accounts/mail/password_reset.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    except Exception:  # any transport error: logged without address or link; the person may ask again
        security_log.exception("password reset mail for user %s could not be sent", user.pk)
        return False
    return True


@transaction.atomic
def reset_completed(*, user: User) -> None:
    """The new password is saved: every other session ends, a forced change is done, and it is audited."""
    services.password_changed(user=user)
    services.sessions_end(user=user)
    _audit(user, actor=user, label=_("Passwort über den Link zurückgesetzt: %(name)s"))
    security_log.info("password_reset_completed user=%s", user.pk)


def _audit(user: User, *, actor: User | None, label: str) -> None:
    """One entry in each Kommune the account belongs to, so its administration sees it."""
    kommune_ids = Membership.objects.unscoped().filter(user=user).values_list("kommune_id", flat=True)
    for kommune_id in kommune_ids:
        with rls.kommune(kommune_id):  # written into that Kommune under row-level security (docs/security.md T4)
            audit_record(
                kommune_id=kommune_id,
                actor=actor,
                action=AuditAction.ACCESS,
                obj=user,
                label=label % {"name": user.display_name},
            )

"""What accounts register in the ground floor's extension points (called from `ready`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kompass.audit.extensions import AUDIT_LABELS, AuditLabels
from kompass.core.extensions import (
    ERASE_CLEAR,
    NAV_ENTRIES,
    PERSONAL_DATA,
    SUBJECT_EMAIL,
    SUBJECT_USER,
    SUBJECT_USERNAME,
    NavEntry,
    PersonalData,
    Subject,
)

PUBLIC_TASK = _("Art. 6 Abs. 1 lit. e DSGVO i. V. m. dem Datenschutzgesetz des Landes (Aufgabe der Kommune)")
SECURITY = _("Art. 6 Abs. 1 lit. c und e DSGVO i. V. m. Art. 32 DSGVO (Sicherheit der Verarbeitung)")
PLATFORM_USERS = _("Nutzerinnen und Nutzer der Plattform")
# Retention rules the daily privacy job enforces (kompass/privacy/retention.py).
INVITATION_KEEP_DAYS = 30  # an invitation nobody accepted, after it expired or was withdrawn
LOGIN_RECORDS_KEEP_DAYS = 90  # axes' counters and records of logins


def _invitations_expired(queryset: Any, now: datetime.datetime) -> Any:
    """Invitations never accepted whose link ended (expired or withdrawn) more than the period ago."""
    cutoff = now - datetime.timedelta(days=INVITATION_KEEP_DAYS)
    ended = Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)
    return queryset.filter(ended, accepted_at__isnull=True)


def _sessions_expired(queryset: Any, now: datetime.datetime) -> Any:
    return queryset.filter(expire_date__lt=now)


def _login_records_expired(queryset: Any, now: datetime.datetime) -> Any:
    return queryset.filter(attempt_time__lt=now - datetime.timedelta(days=LOGIN_RECORDS_KEEP_DAYS))


def register() -> None:
    NAV_ENTRIES.register(
        NavEntry(
            key="accounts.members",
            group="verwaltung",
            label=_("Mitglieder"),
            url_name="accounts:members",
            order=30,
            capability="manage_members",
        )
    )
    NAV_ENTRIES.register(
        NavEntry(
            key="accounts.kommune_settings",
            group="verwaltung",
            label=_("Stammdaten"),
            url_name="accounts:kommune_settings",
            order=40,
            capability="manage_kommune",
        )
    )
    _personal_data()
    from kompass.accounts.models import User

    # The log names a member by her display name ("Nicole Huber"), not by her login name.
    AUDIT_LABELS.register(AuditLabels(key="accounts", object_names={User: lambda user: user.display_name}))


def _personal_data() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session

    from kompass.accounts.models import ApiToken, Invitation, User

    entries = [
        PersonalData(
            key="accounts.User",
            model=User,
            purpose=_("Anmeldung an der Plattform und Nennung der handelnden Person in Änderungen."),
            legal_basis=PUBLIC_TASK,
            retention=_("Bis das Konto gelöscht wird; Änderungen im Protokoll behalten den Namen als Text."),
            fields=("username", "first_name", "last_name", "email", "last_login"),
            categories=PLATFORM_USERS,
            subjects=(Subject("pk", SUBJECT_USER),),
        ),
        PersonalData(
            key="accounts.ApiToken",
            model=ApiToken,
            purpose=_("Zugriff von Fachverfahren und Skripten über die Programmierschnittstelle."),
            legal_basis=PUBLIC_TASK,
            retention=_("Bis der Token widerrufen oder das Konto gelöscht wird; gespeichert ist nur ein Hash."),
            fields=("user", "name", "last_used_at"),
            categories=PLATFORM_USERS,
            subjects=(Subject("user", SUBJECT_USER),),
        ),
        PersonalData(
            key="accounts.Invitation",
            model=Invitation,
            purpose=_(
                "Neue Mitglieder einladen: die Adresse erhält einen Link, mit dem die Person selbst zustimmt "
                "und ihr Passwort wählt; die Einladung weist nach, wer wen mit welcher Rolle eingeladen hat."
            ),
            legal_basis=PUBLIC_TASK,
            retention=_(
                "Offen bis zur Annahme, zum Zurückziehen oder zum Ablauf des Links. Nicht angenommene Einladungen "
                "werden 30 Tage nach Ablauf oder Zurückziehen gelöscht; angenommene bleiben als Nachweis im "
                "Protokoll der Kommune, bis die Kommune gelöscht wird. Gespeichert ist nur ein Hash des Links."
            ),
            fields=("email", "first_name", "last_name", "invited_by", "accepted_by"),
            categories=_("Eingeladene Personen und die Einladenden"),
            subjects=(
                Subject("email", SUBJECT_EMAIL),
                Subject("accepted_by", SUBJECT_USER),
                Subject("invited_by", SUBJECT_USER, ERASE_CLEAR),
            ),
            retention_days=INVITATION_KEEP_DAYS,
            expired=_invitations_expired,
        ),
        PersonalData(
            key="sessions.Session",
            model=Session,
            purpose=_("Angemeldet bleiben zwischen zwei Seitenaufrufen."),
            legal_basis=SECURITY,
            retention=_(
                "Bis zur Abmeldung oder zum Ablauf der Sitzung; abgelaufene Sitzungen werden täglich gelöscht."
            ),
            fields=("session_data",),
            categories=PLATFORM_USERS,
            no_subject_reason=_(
                "Eine Sitzung enthält nur die Nummer des Kontos, verschlüsselt im Sitzungsinhalt; mit dem Konto "
                "wird sie ungültig, abgelaufene Sitzungen löscht der tägliche Lauf."
            ),
            expired=_sessions_expired,
        ),
    ]
    for model, purpose in (
        (AccessAttempt, _("Schutz vor dem Erraten von Passwörtern: fehlgeschlagene Anmeldeversuche zählen.")),
        (AccessFailureLog, _("Schutz vor dem Erraten von Passwörtern: fehlgeschlagene Anmeldungen nachweisen.")),
        (AccessLog, _("Nachweis erfolgreicher Anmeldungen für die Informationssicherheit.")),
    ):
        entries.append(
            PersonalData(
                key=model._meta.label,
                model=model,
                purpose=purpose,
                legal_basis=SECURITY,
                retention=_(
                    "Zähler bis zur nächsten erfolgreichen Anmeldung oder zum Ende der Sperrzeit; alle Einträge "
                    "werden nach 90 Tagen gelöscht."
                ),
                fields=("username", "ip_address", "user_agent"),
                categories=_("Personen, die sich anmelden (auch erfolglos)"),
                subjects=(Subject("username", SUBJECT_USERNAME),),
                retention_days=LOGIN_RECORDS_KEEP_DAYS,
                expired=_login_records_expired,
            )
        )
    for entry in entries:
        PERSONAL_DATA.register(entry)

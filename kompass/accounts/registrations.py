"""What accounts register in the ground floor's extension points (called from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.audit.extensions import AUDIT_LABELS, AuditLabels
from kompass.core.extensions import NAV_ENTRIES, PERSONAL_DATA, NavEntry, PersonalData

PUBLIC_TASK = _("Art. 6 Abs. 1 lit. e DSGVO i. V. m. dem Datenschutzgesetz des Landes (Aufgabe der Kommune)")
SECURITY = _("Art. 6 Abs. 1 lit. c und e DSGVO i. V. m. Art. 32 DSGVO (Sicherheit der Verarbeitung)")
PLATFORM_USERS = _("Nutzerinnen und Nutzer der Plattform")


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
        ),
        PersonalData(
            key="accounts.ApiToken",
            model=ApiToken,
            purpose=_("Zugriff von Fachverfahren und Skripten über die Programmierschnittstelle."),
            legal_basis=PUBLIC_TASK,
            retention=_("Bis der Token widerrufen oder das Konto gelöscht wird; gespeichert ist nur ein Hash."),
            fields=("user", "name", "last_used_at"),
            categories=PLATFORM_USERS,
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
                "Offen bis zur Annahme, zum Zurückziehen oder zum Ablauf des Links; danach als Nachweis im "
                "Protokoll der Kommune, bis die Kommune gelöscht wird (eine feste Frist folgt mit dem "
                "Löschkonzept). Gespeichert ist nur ein Hash des Links."
            ),
            fields=("email", "first_name", "last_name", "invited_by", "accepted_by"),
            categories=_("Eingeladene Personen und die Einladenden"),
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
                    "Zähler bis zur nächsten erfolgreichen Anmeldung oder zum Ende der Sperrzeit; die Nachweise, "
                    "bis der Betrieb sie bereinigt (eine feste Frist folgt mit dem Löschkonzept)."
                ),
                fields=("username", "ip_address", "user_agent"),
                categories=_("Personen, die sich anmelden (auch erfolglos)"),
            )
        )
    for entry in entries:
        PERSONAL_DATA.register(entry)

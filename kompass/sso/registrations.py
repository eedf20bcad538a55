"""What sso registers in the ground floor's extension points (called from `ready`)."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

from django.utils.translation import gettext_lazy as _

from kompass.core import extensions
from kompass.core.extensions import PERSONAL_DATA, PersonalData

SECURITY = _("Art. 6 Abs. 1 lit. c und e DSGVO i. V. m. Art. 32 DSGVO (Sicherheit der Verarbeitung)")
PLATFORM_USERS = _("Nutzerinnen und Nutzer der Plattform")


def _subject(path: str) -> dict[str, Any]:
    """How the privacy app finds an account's rows, where the registry asks for it."""
    if "subjects" not in {f.name for f in dataclass_fields(PersonalData)}:
        return {}
    return {"subjects": (extensions.Subject(path, extensions.SUBJECT_USER),)}  # type: ignore[attr-defined]


def register() -> None:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kompass.sso.models import OidcIdentity

    kept = _("Bis der zweite Faktor abgeschaltet, neu eingerichtet oder das Konto gelöscht wird.")
    entries = [
        PersonalData(
            key="kompass_sso.OidcIdentity",
            model=OidcIdentity,
            purpose=_("Anmeldung über den Identitätsanbieter der Kommune: welches Konto zu welcher Kennung gehört."),
            legal_basis=SECURITY,
            retention=_("Bis das Konto gelöscht wird."),
            fields=("user", "subject", "last_login_at"),
            categories=PLATFORM_USERS,
            **_subject("user"),
        ),
        PersonalData(
            key="otp_totp.TOTPDevice",
            model=TOTPDevice,
            purpose=_("Zweiter Faktor bei der Anmeldung: das Geheimnis der Authenticator-App."),
            legal_basis=SECURITY,
            retention=kept,
            fields=("user", "key", "last_used_at"),
            categories=PLATFORM_USERS,
            **_subject("user"),
        ),
        PersonalData(
            key="otp_static.StaticDevice",
            model=StaticDevice,
            purpose=_("Zweiter Faktor bei der Anmeldung: die Wiederherstellungscodes eines Kontos."),
            legal_basis=SECURITY,
            retention=kept,
            fields=("user", "last_used_at"),
            categories=PLATFORM_USERS,
            **_subject("user"),
        ),
        PersonalData(
            key="otp_static.StaticToken",
            model=StaticToken,
            purpose=_(
                "Ein Wiederherstellungscode, gespeichert nur als Prüfwert (nicht der Code selbst); "
                "er wird beim Verwenden gelöscht."
            ),
            legal_basis=SECURITY,
            retention=kept,
            fields=("device", "token"),
            categories=PLATFORM_USERS,
            **_subject("device__user"),
        ),
    ]
    for entry in entries:
        PERSONAL_DATA.register(entry)
    _navigation()


def _navigation() -> None:
    from kompass.sso.access import CAPABILITY

    extensions.NAV_ENTRIES.register(
        extensions.NavEntry(
            key="sso.providers",
            group="verwaltung",
            label=_("Identitätsanbieter"),
            url_name="sso:providers",
            order=45,
            capability=CAPABILITY.value,
        )
    )

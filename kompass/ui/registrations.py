"""What the page shell registers in the ground floor's extension points (called from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import NAV_ENTRIES, NAV_GROUPS, PERSONAL_DATA, NavEntry, NavGroup, PersonalData


def _exact(match: object, path: str, url: str) -> bool:
    return path == url


def register() -> None:
    from kompass.ui.models import Feedback

    NAV_GROUPS.register(NavGroup(key="start", label=_("Start"), order=0))
    NAV_ENTRIES.register(
        NavEntry(key="ui.dashboard", group="start", label=_("Start"), url_name="ui:dashboard", current=_exact)
    )
    PERSONAL_DATA.register(
        PersonalData(
            key="ui.Feedback",
            model=Feedback,
            purpose=_("Gemeldete Barrieren beheben und auf Wunsch antworten (BITV 2.0 § 7)."),
            legal_basis=_("Art. 6 Abs. 1 lit. c DSGVO i. V. m. § 12b BGG bzw. dem Landesrecht zur Barrierefreiheit"),
            retention=_("Bis die Meldung beantwortet ist; die E-Mail-Adresse ist freiwillig."),
            fields=("email", "message", "page_url"),
            categories=_("Menschen, die eine Barriere melden"),
            no_subject_reason=_(
                "Meldungen sind ohne Anmeldung und keinem Konto zugeordnet; Auskunft und Löschung übernimmt der "
                "Betrieb auf Anfrage anhand der angegebenen E-Mail-Adresse."
            ),
        )
    )

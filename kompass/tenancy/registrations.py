"""What the tenant layer registers in the ground floor's extension points (called from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import ERASE_CLEAR, PERSONAL_DATA, SUBJECT_USER, PersonalData, Subject

PUBLIC_TASK = _("Art. 6 Abs. 1 lit. e DSGVO i. V. m. dem Datenschutzgesetz des Landes (Aufgabe der Kommune)")
PLATFORM_USERS = _("Nutzerinnen und Nutzer der Plattform")


def register() -> None:
    from kompass.tenancy.models import Membership, OperatorAccess

    PERSONAL_DATA.register(
        PersonalData(
            key="tenancy.Membership",
            model=Membership,
            purpose=_("Festlegen, wer in welcher Kommune mit welcher Berechtigung arbeitet."),
            legal_basis=PUBLIC_TASK,
            retention=_("Bis die Administration die Mitgliedschaft beendet oder das Konto gelöscht wird."),
            fields=("user", "role", "scope_unit"),
            categories=PLATFORM_USERS,
            subjects=(Subject("user", SUBJECT_USER),),
        )
    )
    PERSONAL_DATA.register(
        PersonalData(
            key="tenancy.OperatorAccess",
            model=OperatorAccess,
            purpose=_("Nachweis, wann und warum der Betrieb lesend auf die Daten einer Kommune zugegriffen hat."),
            legal_basis=_("Art. 6 Abs. 1 lit. c und e DSGVO; Nachweispflicht nach Art. 5 Abs. 2 DSGVO"),
            retention=_("Solange die Kommune auf der Plattform geführt wird (Teil ihres Nachweises)."),
            fields=("operator", "operator_name", "reason"),
            categories=_("Beschäftigte des Plattformbetriebs"),
            subjects=(Subject("operator", SUBJECT_USER, ERASE_CLEAR, blank=("operator_name",)),),
        )
    )

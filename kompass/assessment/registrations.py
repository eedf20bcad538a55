"""What the self-assessment registers in the extension points of the apps below it (from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import PERSONAL_DATA, PersonalData
from kompass.tenancy.public import Publication, publications


def _has_open_campaign(kommune) -> bool:  # type: ignore[no-untyped-def]
    from kompass.assessment.models import Campaign, CampaignStatus

    return Campaign.objects.for_kommune(kommune).filter(status=CampaignStatus.OPEN).exists()


def _personal_data() -> None:
    from kompass.assessment.models import Participant, ResultRelease

    PERSONAL_DATA.register(
        PersonalData(
            key="assessment.Participant",
            model=Participant,
            purpose=_(
                "Einladungen zu einer Umfrage der Selbstbewertung zustellen, an noch nicht Antwortende erinnern und "
                "die Beteiligung je Zielgruppe zählen. Die Teilnahme ist von den Antworten getrennt gespeichert und "
                "lässt sich ihnen nicht zuordnen."
            ),
            legal_basis=_(
                "Art. 6 Abs. 1 lit. e und Art. 88 DSGVO i. V. m. dem Beschäftigtendatenschutz des Landes und der "
                "Dienstvereinbarung zur Umfrage"
            ),
            retention=_(
                "Bis zum Löschen der Einzelantworten nach der Aufbewahrungsfrist der Umfrage; danach bleiben nur "
                "Zahlen je Zielgruppe."
            ),
            fields=("person", "email"),
            categories=_("Beschäftigte"),
        )
    )
    PERSONAL_DATA.register(
        PersonalData(
            key="assessment.ResultRelease",
            model=ResultRelease,
            purpose=_(
                "Für den Personalrat festhalten, wer wann welche Auswertung einer Umfrage angesehen oder "
                "exportiert hat (Freigabeprotokoll)."
            ),
            legal_basis=_("Art. 6 Abs. 1 lit. c und e DSGVO i. V. m. der Dienstvereinbarung zur Umfrage"),
            retention=_("So lange wie die Umfrage; mit ihr gelöscht."),
            fields=("user", "user_name"),
            categories=_("Nutzerinnen und Nutzer der Plattform"),
        )
    )


def register() -> None:
    from kompass.assessment import (
        manage_registrations,
        results_registrations,
        retention,
        survey_registrations,
        targets_registrations,
    )

    publications.register(Publication("umfragen", _has_open_campaign))
    _personal_data()
    retention.register()
    manage_registrations.register()
    survey_registrations.register()
    results_registrations.register()
    targets_registrations.register()

"""What the self-assessment registers in the extension points of the apps below it (from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import (
    ERASE_CLEAR,
    PERSONAL_DATA,
    SUBJECT_EMAIL,
    SUBJECT_PERSON,
    SUBJECT_USER,
    SUBJECT_USER_NAME,
    PersonalData,
    Subject,
)
from kompass.tenancy.public import Publication, publications

PUBLIC_TASK_NAMES = _("Art. 6 Abs. 1 lit. e DSGVO i. V. m. dem Datenschutzgesetz des Landes (Aufgabe der Kommune)")


def _has_open_campaign(kommune) -> bool:  # type: ignore[no-untyped-def]
    from kompass.assessment.models import Campaign, CampaignStatus

    return Campaign.objects.for_kommune(kommune).filter(status=CampaignStatus.OPEN).exists()


def _personal_data() -> None:
    from kompass.assessment.models import Participant, Recommendation, ResultRelease, TypeProfile

    PERSONAL_DATA.register(
        PersonalData(
            key="assessment.Recommendation",
            model=Recommendation,
            purpose=_("Festhalten, wer eine Empfehlung der Selbstbewertung angenommen hat."),
            legal_basis=PUBLIC_TASK_NAMES,
            retention=_("So lange wie der Eintrag; der Name wird bei einer Löschung der Person geleert."),
            fields=("accepted_by_name",),
            categories=_("Nutzerinnen und Nutzer der Plattform"),
            subjects=(Subject("accepted_by_name", SUBJECT_USER_NAME, ERASE_CLEAR),),
        )
    )
    PERSONAL_DATA.register(
        PersonalData(
            key="assessment.TypeProfile",
            model=TypeProfile,
            purpose=_("Festhalten, wer die Fragen zum Kommunentyp beantwortet hat."),
            legal_basis=PUBLIC_TASK_NAMES,
            retention=_("So lange wie der Eintrag; der Name wird bei einer Löschung der Person geleert."),
            fields=("answered_by_name",),
            categories=_("Nutzerinnen und Nutzer der Plattform"),
            subjects=(Subject("answered_by_name", SUBJECT_USER_NAME, ERASE_CLEAR),),
        )
    )

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
            subjects=(
                Subject("person", SUBJECT_PERSON, ERASE_CLEAR, blank=("email",)),
                Subject("email", SUBJECT_EMAIL, ERASE_CLEAR),
            ),
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
            subjects=(Subject("user", SUBJECT_USER, ERASE_CLEAR, blank=("user_name",)),),
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

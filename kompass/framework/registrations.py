"""What the framework registers in the extension points of the apps below it (from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import (
    CATALOGUE_LOADERS,
    ERASE_CLEAR,
    PERSONAL_DATA,
    SUBJECT_USER_NAME,
    CatalogueLoader,
    PersonalData,
    Subject,
)

PUBLIC_TASK_NAMES = _("Art. 6 Abs. 1 lit. e DSGVO i. V. m. dem Datenschutzgesetz des Landes (Aufgabe der Kommune)")


def register() -> None:
    from kompass.framework import catalogue_loader, ui_registrations

    CATALOGUE_LOADERS.register(
        CatalogueLoader(
            key="framework",
            label=_("Orientierungsrahmen und Maßnahmenvorlagen"),
            load=catalogue_loader.load_summary,
            order=20,
        )
    )
    ui_registrations.register()
    _personal_data()


def _personal_data() -> None:
    from kompass.framework.models import Framework

    PERSONAL_DATA.register(
        PersonalData(
            key="framework.Framework",
            model=Framework,
            purpose=_("Festhalten, wer den Orientierungsrahmen für die Kommune übernommen hat."),
            legal_basis=PUBLIC_TASK_NAMES,
            retention=_("So lange wie der Eintrag; der Name wird bei einer Löschung der Person geleert."),
            fields=("adopted_by_name",),
            categories=_("Nutzerinnen und Nutzer der Plattform"),
            subjects=(Subject("adopted_by_name", SUBJECT_USER_NAME, ERASE_CLEAR),),
        )
    )

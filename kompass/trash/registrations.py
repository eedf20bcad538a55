"""What the Papierkorb registers in the ground floor's extension points (called from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import (
    ERASE_CLEAR,
    ERASE_HOOK,
    ERASURE_HOOKS,
    NAV_ENTRIES,
    PERSONAL_DATA,
    SUBJECT_PERSON,
    SUBJECT_USER,
    ErasureHook,
    NavEntry,
    PersonalData,
    Subject,
)
from kompass.trash.models import RETENTION_DAYS


def _erase(kommune_id: int, kind: str, object_id: int) -> None:
    from kompass.trash.services import erase_refs

    erase_refs(kommune_id, kind, object_id)


def _expired(rows, now):  # type: ignore[no-untyped-def]
    from kompass.trash.services import expired

    return expired(rows, now)


def register() -> None:
    from kompass.trash.access import CAPABILITY
    from kompass.trash.models import TrashItem

    NAV_ENTRIES.register(
        NavEntry(
            key="trash.index",
            group="verwaltung",
            label=_("Papierkorb"),
            url_name="trash:index",
            order=60,
            capability=CAPABILITY.value,
        )
    )
    PERSONAL_DATA.register(
        PersonalData(
            key="kompass_trash.TrashItem",
            model=TrashItem,
            purpose=_(
                "Versehentlich gelöschte Personen, Organisationseinheiten, Rollen und Maßnahmen mit allem, was mit "
                "ihnen gelöscht wurde, wiederherstellen können."
            ),
            legal_basis=_("Art. 6 Abs. 1 lit. e DSGVO i. V. m. Art. 32 Abs. 1 lit. c DSGVO (Wiederherstellbarkeit)"),
            retention=_(
                "30 Tage nach dem Löschen, dann löscht die tägliche Aufbewahrungsfrist den Eintrag endgültig; "
                "eine Löschung nach Art. 17 DSGVO entfernt jeden Eintrag, der die Person enthält oder nennt, sofort."
            ),
            fields=("label", "payload", "deleted_by"),
            categories=_("Beschäftigte der Kommune; Nutzerinnen und Nutzer der Plattform (wer gelöscht hat)"),
            subjects=(
                Subject("deleted_by", SUBJECT_USER, ERASE_CLEAR),
                # What waits in the Papierkorb about her: the item holds or points at her person or
                # account (Art. 15 information); the erasure hook below deletes such items.
                Subject("refs__object_id", SUBJECT_PERSON, ERASE_HOOK, where=(("refs__model", "org.Person"),)),
                Subject("refs__object_id", SUBJECT_USER, ERASE_HOOK, where=(("refs__model", "accounts.User"),)),
            ),
            retention_days=RETENTION_DAYS,
            expired=_expired,
        )
    )
    # The rows an item holds are found through its references, not a column: a hook erases them.
    ERASURE_HOOKS.register(ErasureHook(key="trash.erase_items", erase=_erase))

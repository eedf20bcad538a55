"""What the audit log registers in the ground floor's extension points (called from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import (
    ERASE_HOOK,
    ERASURE_HOOKS,
    NAV_ENTRIES,
    PERSONAL_DATA,
    SUBJECT_USER,
    ErasureHook,
    NavEntry,
    PersonalData,
    Subject,
)


def _forget(kommune_id: int, kind: str, object_id: int) -> None:
    """An erasure (privacy app) makes the log forget the names it shows for the subject."""
    from kompass.audit.services import forget_subject

    forget_subject(kommune_id=kommune_id, kind=kind, object_id=object_id)


def register() -> None:
    from kompass.audit.models import AuditEntry

    NAV_ENTRIES.register(
        NavEntry(
            key="audit.log",
            group="verwaltung",
            label=_("Protokoll"),
            url_name="audit:log",
            order=20,
            capability="view_audit",
        )
    )
    PERSONAL_DATA.register(
        PersonalData(
            key="audit.AuditEntry",
            model=AuditEntry,
            purpose=_("Nachvollziehen, wer wann was geändert hat (Revisionssicherheit)."),
            legal_basis=_("Art. 6 Abs. 1 lit. c und e DSGVO; Rechenschaftspflicht nach Art. 5 Abs. 2 DSGVO"),
            retention=_(
                "Unveränderlich, solange die Kommune auf der Plattform geführt wird; eine Löschfrist legt "
                "die Kommune mit ihrer bzw. ihrem Datenschutzbeauftragten fest."
            ),
            fields=("actor", "actor_name", "changes", "object_label"),
            categories=_("Nutzerinnen und Nutzer der Plattform; in Änderungen genannte Beschäftigte"),
            subjects=(Subject("actor", SUBJECT_USER, ERASE_HOOK),),
        )
    )
    ERASURE_HOOKS.register(ErasureHook(key="audit.forget_subject", erase=_forget))

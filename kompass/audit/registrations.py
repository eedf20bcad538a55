"""What the audit log registers in the ground floor's extension points (called from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import NAV_ENTRIES, PERSONAL_DATA, NavEntry, PersonalData


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
        )
    )

"""The Verzeichnis von Verarbeitungstätigkeiten (DSGVO Art. 30) from the personal-data registry.

Each registered table is one processing activity: purpose, legal basis, categories of data
subjects and of data (the columns), retention (in words, and the machine rule's period where one
is declared), recipients where declared, and how the rights of data subjects reach it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kompass.core.extensions import ERASE_CLEAR, ERASE_DELETE, PERSONAL_DATA, PersonalData
from kompass.tenancy.models import Kommune

ERASE_WORDS = {ERASE_DELETE: "Zeile wird gelöscht", ERASE_CLEAR: "Angabe wird geleert"}


def _field_label(entry: PersonalData, name: str) -> str:
    return str(getattr(entry.model._meta.get_field(name), "verbose_name", name))


def activity(entry: PersonalData) -> dict[str, Any]:
    erasure = [f"{s.path}: {ERASE_WORDS.get(s.erase, 'über eine Löschroutine')}" for s in entry.subjects]
    return {
        "tabelle": entry.key,
        "bezeichnung": str(entry.model._meta.verbose_name_plural),
        "zweck": str(entry.purpose),
        "rechtsgrundlage": str(entry.legal_basis),
        "betroffene": str(entry.categories),
        "datenkategorien": [f"{_field_label(entry, name)} ({name})" for name in entry.fields],
        "speicherdauer": str(entry.retention),
        "loeschfrist_tage": entry.retention_days,
        "automatische_loeschung": entry.expired is not None,
        "empfaenger": str(entry.recipients) if entry.recipients else "keine außerhalb der Kommune und des Betriebs",
        "betroffenenrechte": erasure or [str(entry.no_subject_reason)],
    }


def build(kommune: Kommune | None = None) -> dict[str, Any]:
    return {
        "titel": "Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO)",
        "verantwortlich": kommune.name if kommune is not None else "die jeweilige Kommune",
        "stand": timezone.localdate().isoformat(),
        "taetigkeiten": [activity(entry) for entry in PERSONAL_DATA],
    }


def markdown(vvt: dict[str, Any]) -> str:
    lines = [f"# {vvt['titel']}", "", f"Verantwortlich: {vvt['verantwortlich']}  ", f"Stand: {vvt['stand']}", ""]
    for item in vvt["taetigkeiten"]:
        lines += [
            f"## {item['bezeichnung']} (`{item['tabelle']}`)",
            "",
            f"- **Zweck:** {item['zweck']}",
            f"- **Rechtsgrundlage:** {item['rechtsgrundlage']}",
            f"- **Betroffene:** {item['betroffene']}",
            f"- **Datenkategorien:** {', '.join(item['datenkategorien'])}",
            f"- **Speicherdauer:** {item['speicherdauer']}",
        ]
        if item["loeschfrist_tage"]:
            lines.append(f"- **Löschfrist:** {item['loeschfrist_tage']} Tage (täglicher Löschlauf)")
        elif item["automatische_loeschung"]:
            lines.append("- **Löschfrist:** nach Ablauf (täglicher Löschlauf)")
        lines += [
            f"- **Empfänger:** {item['empfaenger']}",
            f"- **Auskunft und Löschung:** {'; '.join(item['betroffenenrechte'])}",
            "",
        ]
    return "\n".join(lines)

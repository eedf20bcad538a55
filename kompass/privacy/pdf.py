"""The Auskunft (DSGVO Art. 15) as a readable, tagged PDF in German: the shared `reports.pdf.render_pdf`
with `privacy/pdf/auskunft.html`, from the same data as the JSON export."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kompass.privacy.selectors import DataSubject
from kompass.reports.pdf import CONTENT_TYPE, render_pdf

__all__ = ["CONTENT_TYPE", "export_pdf"]


def _rows(table: dict[str, Any]) -> list[list[tuple[str, Any]]]:
    return [[(key, "" if value is None else value) for key, value in row.items()] for row in table["zeilen"]]


def export_pdf(ds: DataSubject, data: dict[str, Any]) -> bytes:
    tables = [{**table, "rows": _rows(table)} for table in data["tabellen"]]
    context = {
        "kommune": ds.kommune,
        "today": timezone.localdate(),
        "subject_label": ds.label,
        "tables": tables,
        "protocol": data["protokoll_ueber_die_person"],
    }
    return render_pdf("privacy/pdf/auskunft.html", context)

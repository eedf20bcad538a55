"""Writing tables as CSV or XLSX files that spreadsheet programs open safely.

Cells that a spreadsheet program would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
CR) get a leading apostrophe, and in XLSX are stored as text (docs/security.md I4); the importer removes that
apostrophe again (`reading.clean_cell`), so an exported file imports without any change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, WriteOnlyCell

from kompass.core.formulas import escape_formula
from kompass.tenancy.models import Kommune

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    """A file to download: its bytes, its content type and its file name."""

    content: bytes
    content_type: str
    filename: str


def to_csv(header: Iterable[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with BOM (Excel recognises it), `;`, CRLF, RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([escape_formula(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Iterable[str], rows: Iterable[list[str]], title: str) -> bytes:
    """One sheet named `title`: the header, then every row, each cell a text cell."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet: object, value: str) -> WriteOnlyCell | None:
    # Characters XML cannot carry are dropped; everything is written as a string cell, never a formula.
    if not value:
        return None
    cell = WriteOnlyCell(sheet, value=None)
    cell.value = escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = TYPE_STRING
    return cell


def sample_file(*, header: Iterable[str], rows: Iterable[list[str]], fmt: str, stem: str, title: str) -> ExportFile:
    """A template or example file, the same for every Kommune: `<stem>.<fmt>`, written as an export
    is; the XLSX sheet is named `title`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}")
    content = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, title)
    return ExportFile(content=content, content_type=CONTENT_TYPES[fmt], filename=f"{stem}.{fmt}")


def table_file(
    *, header: Iterable[str], rows: Iterable[list[str]], fmt: str, stem: str, kommune: Kommune
) -> ExportFile:
    """The table as `<stem>-<kommune>-<date>.<fmt>`; the XLSX sheet is named after the stem."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt}")
    content = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, stem.capitalize())
    filename = f"{stem}-{kommune.slug}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return ExportFile(content=content, content_type=CONTENT_TYPES[fmt], filename=filename)

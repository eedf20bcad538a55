"""Exporting a Kommune's org units and people as CSV or XLSX, in the import's own columns.

An exported file imports again without any change (round trip). Cells that a spreadsheet
program would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) get a leading
apostrophe, and in XLSX are stored as text (I4); the importer removes that apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, WriteOnlyCell

from kompass.org.imports.columns import COLUMNS
from kompass.org.imports.files import ESCAPED_AFTER_APOSTROPHE, FORMULA_PREFIXES
from kompass.org.imports.report import KIND_ORGUNITS, KIND_PEOPLE
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.tenancy.models import Kommune

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_STEMS = {KIND_ORGUNITS: "organisationseinheiten", KIND_PEOPLE: "personen"}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def escape_formula(value: str) -> str:
    """SECURITY: a cell that starts like a formula is prefixed with `'` so it stays text (I4).
    A value that already starts with `'` before such a character gets one more, so that the
    importer (which removes one) gives back exactly the stored value."""
    if value.startswith(FORMULA_PREFIXES) or (value[:1] == "'" and value[1:2] in ESCAPED_AFTER_APOSTROPHE):
        return f"'{value}"
    return value


def orgunit_rows(kommune: Kommune) -> Iterator[list[str]]:
    """The Kommune's units in import columns, parents before children."""
    with translation.override("de"):
        labels = {value: str(label) for value, label in OrgUnitType.choices}
    units = (
        OrgUnit.objects.for_kommune(kommune)
        .order_by("path")
        .values_list("code", "name", "unit_type", "parent__code", "head__email")
    )
    for code, name, unit_type, parent_code, head_email in units.iterator(chunk_size=2000):
        yield [code, name, labels.get(unit_type, unit_type), parent_code or "", head_email or ""]


def person_rows(kommune: Kommune) -> Iterator[list[str]]:
    people = (
        Person.objects.for_kommune(kommune)
        .order_by("last_name", "first_name", "email")
        .values_list("email", "first_name", "last_name", "function_title", "org_unit__code")
    )
    for email, first, last, function_title, unit_code in people.iterator(chunk_size=2000):
        yield [email, first, last, function_title or "", unit_code or ""]


ROWS = {KIND_ORGUNITS: orgunit_rows, KIND_PEOPLE: person_rows}


def to_csv(header: Iterable[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with BOM (Excel recognises it), `;`, CRLF, RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([escape_formula(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Iterable[str], rows: Iterable[list[str]], title: str) -> bytes:
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


def export_file(*, kind: str, kommune: Kommune, fmt: str) -> ExportFile:
    """The export of `kind` (orgunits | people) for `kommune` in `fmt` (csv | xlsx)."""
    if kind not in ROWS or fmt not in FORMATS:
        raise ValueError(f"unknown export {kind}.{fmt}")
    header = COLUMNS[kind].all
    rows = ROWS[kind](kommune)
    stem = FILE_STEMS[kind]
    content = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, stem.capitalize())
    filename = f"{stem}-{kommune.slug}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return ExportFile(content=content, content_type=CONTENT_TYPES[fmt], filename=filename)

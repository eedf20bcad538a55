"""Report workbooks: tables as formatted XLSX files (title row, bold header, widths, frozen header, legend).

A module hands over its table as plain rows of text and numbers; this module lays it out the same
way for every report, so a council member finds the same kind of file wherever it comes from.

SECURITY: every text cell is stored as a string, never as a formula, and a text that a spreadsheet
program would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading
apostrophe (docs/security.md I4) – in the header and the legend too, because names there are the Kommune's own
text. Characters that XLSX cannot hold (control characters) are dropped. The rule is
`core.formulas`, the same as for the tabular layer's data exports.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kompass.core.formulas import escape_formula

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_LENGTH = 31  # Excel's limit

Cell = str | int | float | None


def cell_text(value: str) -> str:
    """The text as it is stored in a cell: XLSX-illegal characters dropped, formulas defused."""
    return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))


@dataclass(frozen=True)
class Sheet:
    """One table on one sheet. Empty cells (None or "") stay empty; numbers stay numbers."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    widths: Sequence[float] = ()  # column widths in characters from column A on; the rest keep the default
    title: str = ""  # a title row above the header; none when empty
    frozen_columns: int = 0  # columns that stay in view when scrolling right (e.g. the row's name)


@dataclass(frozen=True)
class Legend:
    """A sheet that explains the table: a term in bold and its meaning per row; ("", "") is a gap."""

    lines: Sequence[tuple[str, str]]
    name: str = "Legende"
    widths: tuple[float, float] = (24, 60)


def put(sheet: Worksheet, row: int, column: int, value: Cell, *, bold: bool = False) -> None:
    """Write one cell: text always as a string cell (never a formula), numbers as numbers."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = cell_text(value)
        cell.data_type = TYPE_STRING
    else:
        cell.value = value
    if bold:
        cell.font = Font(bold=True)


def _write_sheet(sheet: Worksheet, spec: Sheet) -> None:
    sheet.title = spec.name[:SHEET_NAME_LENGTH]
    header_row = 1
    if spec.title:
        put(sheet, 1, 1, spec.title)
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        header_row = 2
    for column, name in enumerate(spec.header, start=1):
        put(sheet, header_row, column, name, bold=True)
        sheet.cell(row=header_row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    for row_number, values in enumerate(spec.rows, start=header_row + 1):
        for column, value in enumerate(values, start=1):
            if value is not None and value != "":
                put(sheet, row_number, column, value)
    sheet.freeze_panes = f"{get_column_letter(spec.frozen_columns + 1)}{header_row + 1}"
    for column, width in enumerate(spec.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _write_legend(sheet: Worksheet, legend: Legend) -> None:
    for number, (term, text) in enumerate(legend.lines, start=1):
        if term or text:
            put(sheet, number, 1, term, bold=True)
            put(sheet, number, 2, text)
    sheet.column_dimensions["A"].width = legend.widths[0]
    sheet.column_dimensions["B"].width = legend.widths[1]


def workbook(sheets: Sequence[Sheet], legend: Legend | None = None) -> bytes:
    """The XLSX file: one sheet per table in the given order, the legend (if any) last."""
    book = Workbook()
    for index, spec in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        _write_sheet(sheet, spec)
    if legend is not None:
        _write_legend(book.create_sheet(legend.name[:SHEET_NAME_LENGTH]), legend)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

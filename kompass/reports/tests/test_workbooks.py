"""Report workbooks: layout (title, header, widths, frozen panes, legend) and formula safety."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kompass.reports import workbooks

ATTACK = '=HYPERLINK("http://angriff.example/","Klick")'


def _open(content: bytes) -> list[Worksheet]:
    return load_workbook(io.BytesIO(content)).worksheets


def _report() -> bytes:
    sheet = workbooks.Sheet(
        name="Umsetzungsstand der Digitalen Agenda 2026 (Entwurf)",
        header=["Handlungsfeld", "Maßnahmen", "Anteil umgesetzt"],
        rows=[["Informationssicherheit", 12, 0.75], ["Personal", 4, None], [ATTACK, "", 0]],
        widths=[40, 12],
        title="Bericht an den Rat",
        frozen_columns=1,
    )
    legend = workbooks.Legend([("Kommune", "Teststadt"), ("", ""), ("Anteil", "umgesetzt / geplant")])
    return workbooks.workbook([sheet], legend)


def test_the_report_has_a_title_row_a_bold_wrapped_header_and_the_values() -> None:
    sheet = _open(_report())[0]
    assert sheet["A1"].value == "Bericht an den Rat" and sheet["A1"].font.bold and sheet["A1"].font.sz == 14
    assert [cell.value for cell in sheet[2]] == ["Handlungsfeld", "Maßnahmen", "Anteil umgesetzt"]
    assert all(cell.font.bold and cell.alignment.wrap_text for cell in sheet[2])
    assert [cell.value for cell in sheet[3]] == ["Informationssicherheit", 12, 0.75]
    assert sheet["B3"].data_type == "n", "numbers stay numbers"
    assert sheet["C4"].value is None and sheet["B5"].value is None, "empty cells stay empty"
    assert sheet["C5"].value == 0


def test_the_header_and_the_first_columns_stay_in_view_and_widths_are_set() -> None:
    sheet = _open(_report())[0]
    assert sheet.freeze_panes == "B3"
    assert sheet.column_dimensions["A"].width == 40 and sheet.column_dimensions["B"].width == 12
    assert sheet.title == "Umsetzungsstand der Digitalen A", "Excel allows 31 characters"


def test_without_a_title_the_header_is_the_first_row() -> None:
    content = workbooks.workbook([workbooks.Sheet("Liste", ["Name"], [["Amt"]])])
    sheet = _open(content)[0]
    assert [c.value for c in sheet[1]] == ["Name"] and sheet["A2"].value == "Amt" and sheet.freeze_panes == "A2"
    assert len(_open(content)) == 1, "no legend asked for, none written"


def test_the_legend_is_the_last_sheet_with_bold_terms_and_gaps() -> None:
    legend = _open(_report())[-1]
    assert legend.title == "Legende"
    assert legend["A1"].value == "Kommune" and legend["A1"].font.bold and legend["B1"].value == "Teststadt"
    assert legend["A2"].value is None and legend["A3"].value == "Anteil"
    assert legend.column_dimensions["A"].width == 24 and legend.column_dimensions["B"].width == 60


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-5", "'-5"),
        ("@SUMME(A1)", "'@SUMME(A1)"),
        ("\tversteckt", "'\tversteckt"),
        ("\r=1", "'\r=1"),
        ("'=schon maskiert", "''=schon maskiert"),
        ("Amt 10 = Hauptamt", "Amt 10 = Hauptamt"),
        ("'zitiert", "'zitiert"),
    ],
)
def test_a_text_that_starts_like_a_formula_is_escaped(text: str, stored: str) -> None:
    assert workbooks.escape_formula(text) == stored


def test_formula_texts_are_stored_as_text_everywhere_and_control_characters_dropped() -> None:
    sheet = workbooks.Sheet("Blatt", [ATTACK, "Name"], [[ATTACK, "Amt\x07 10"]])
    book = load_workbook(io.BytesIO(workbooks.workbook([sheet], workbooks.Legend([(ATTACK, ATTACK)]))))
    data, legend = book.worksheets
    for cell in (data["A1"], data["A2"], legend["A1"], legend["B1"]):
        assert cell.value == "'" + ATTACK and cell.data_type == "s"
    assert data["B2"].value == "Amt 10"

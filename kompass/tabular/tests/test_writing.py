"""Writing CSV and XLSX: formula escaping (docs/security.md I4), the CSV dialect, file names."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from kompass.tabular.reading import clean_cell, read_table
from kompass.tabular.writing import escape_formula, table_file, to_csv, to_xlsx


def test_leading_tab_or_carriage_return_are_escaped():
    assert escape_formula("\tx") == "'\tx" and escape_formula("\rx") == "'\rx"
    assert escape_formula("Hauptamt") == "Hauptamt" and escape_formula("") == ""


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from("'=+-@\t"), max_size=12))
def test_escaping_and_the_importers_unescaping_give_back_every_stored_value(value):
    stored = value.strip()  # the services store values without surrounding blanks
    assert clean_cell(escape_formula(stored)) == stored


def test_csv_is_utf8_with_bom_semicolons_crlf_and_rfc_4180_quoting():
    content = to_csv(("name", "notiz"), [["Groß; Klein", 'Sie sagte "ja"'], ["=1+1", ""]])
    assert content == '\ufeffname;notiz\r\n"Groß; Klein";"Sie sagte ""ja"""\r\n\'=1+1;\r\n'.encode()


def test_xlsx_cells_are_text_never_formulas_and_read_back_unchanged():
    content = to_xlsx(("name", "notiz"), [["=SUMME(A1)", "Zeile\x01"], ["Amt", ""]], "Testtabellen")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.title == "Testtabellen"
    cells = [list(row) for row in sheet.iter_rows()]
    assert cells[1][0].value == "'=SUMME(A1)" and cells[1][0].data_type == "s"
    assert cells[1][1].value == "Zeile"  # characters XML cannot carry are dropped
    # One column more than the header is read, so a value without a heading would be noticed.
    assert read_table(content).records == [(2, ["=SUMME(A1)", "Zeile", ""]), (3, ["Amt", "", ""])]


def test_table_file_names_the_kommune_and_the_day_and_refuses_other_formats(world):
    export = table_file(header=("name",), rows=[["A"]], fmt="csv", stem="testtabellen", kommune=world.kommune)
    assert export.filename.startswith("testtabellen-teststadt-") and export.filename.endswith(".csv")
    assert export.content_type == "text/csv; charset=utf-8"
    with pytest.raises(ValueError):
        table_file(header=("name",), rows=[], fmt="pdf", stem="testtabellen", kommune=world.kommune)

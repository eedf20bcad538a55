"""Reading CSV and XLSX safely: row numbers, encodings, and the XLSX shared-strings budget.

The real-world file variants (encodings, delimiters, zip bombs, magic bytes, limits) are tested
through a whole import in `kompass/org/tests/test_import_files.py`.
"""

from __future__ import annotations

import io
import resource
import time
import tracemalloc
import zipfile

import pytest

from kompass.tabular import reading
from kompass.tabular.reading import FileRejected, read_shared_strings, read_table, shared_string_indices
from kompass.tabular.tests.workbooks import MAIN_NS, people_rows, workbook


def test_read_table_counts_blank_lines_for_row_numbers():
    table = read_table(b"\r\nemail;vorname\r\n\r\na@b.example;A\r\n")
    assert table.header_row == 2
    assert table.records == [(4, ["a@b.example", "A"])]


def test_read_table_refuses_unknown_encodings_with_file_rejected():
    with pytest.raises(FileRejected):
        read_table("email;vorname\r\nä;ö\r\n".encode("cp500"))


# --- XLSX shared strings ----------------------------------------------------------------------------

UNUSED = 3_000_000


@pytest.fixture(scope="module")
def bomb_after() -> bytes:
    """2,000 good rows whose texts come first in a table of three million entries (~70 MB unpacked)."""
    return workbook(people_rows(2000), unused_strings=UNUSED)


@pytest.fixture(scope="module")
def bomb_before() -> bytes:
    """The same, but the good texts come after the three million entries no cell uses."""
    return workbook(people_rows(2000), unused_strings=UNUSED, unused_first=True)


def measured(data: bytes) -> tuple[object, float, float]:
    """The result of `read_table` (or its FileRejected), seconds, and peak traced memory in MB."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result: object = read_table(data)
    except FileRejected as exc:
        result = exc
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return result, seconds, peak


def test_the_bomb_is_a_real_one(bomb_after):
    infos = {i.filename: i for i in zipfile.ZipFile(io.BytesIO(bomb_after)).infolist()}
    strings = infos["xl/sharedStrings.xml"]
    assert strings.file_size > 50_000_000 and strings.file_size < reading.XLSX_MAX_RATIO * strings.compress_size
    assert len(bomb_after) < 10 * 1024 * 1024


def test_unused_shared_strings_after_the_used_ones_are_never_read(bomb_after):
    table, seconds, peak = measured(bomb_after)
    assert isinstance(table, reading.Table)
    assert len(table.records) == 2000
    assert table.records[-1] == (2001, ["person1999@example.org", "Vorname1999", "Nachname1999", ""])
    # Before: 27 s and 540 MB resident (openpyxl read all three million strings into a list).
    assert peak < 30, f"{peak:.1f} MB"
    assert seconds < 10, f"{seconds:.1f} s"


def test_a_sheet_that_uses_strings_past_the_budget_is_refused_in_german_before_reading_them(bomb_before):
    rejected, seconds, peak = measured(bomb_before)
    assert isinstance(rejected, FileRejected)
    assert "zu viele oder zu lange Texteinträge" in rejected.issue.message
    assert "höchstens 1.000.000 Einträge" in rejected.issue.message
    assert seconds < 5 and peak < 30, (seconds, peak)


def test_the_character_budget_refuses_long_texts(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_SHARED_CHARACTERS", 1_000)
    with pytest.raises(FileRejected, match="zu viele oder zu lange"):
        read_table(workbook(people_rows(100)))


def test_a_small_workbook_reads_in_bounded_resident_memory(bomb_after):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    read_table(bomb_after)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"{grown_mb:.0f} MB"


def strings_xml(*items: str) -> io.BytesIO:
    return io.BytesIO(f'<sst xmlns="{MAIN_NS}">{"".join(items)}</sst>'.encode())


def test_rich_text_runs_are_joined_and_phonetic_hints_left_out_as_openpyxl_does():
    source = strings_xml(
        "<si><t>null</t></si>",
        '<si><r><t>Haupt</t></r><r><rPr><b/></rPr><t xml:space="preserve">amt </t></r><rPh><t>ハ</t></rPh></si>',
        "<si><t>_x005F_x000D_</t></si>",
        "<si><t>nie gelesen</t></si>",
    )
    assert read_shared_strings(source, {1, 2}) == {1: "Hauptamt ", 2: "_x000D_"}


def test_a_dtd_in_a_part_is_refused():
    source = io.BytesIO(b'<!DOCTYPE sst [<!ENTITY a "aaaa">]><sst><si><t>&a;</t></si></sst>')
    with pytest.raises(ValueError):
        read_shared_strings(source, {0})


def test_a_cell_that_names_a_missing_shared_string_is_a_damaged_file():
    data = workbook(people_rows(3))
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet = archive.read("xl/worksheets/sheet1.xml").replace(b"<v>0</v>", b"<v>999</v>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for info in archive.infolist():
            copy.writestr(info, sheet if info.filename == "xl/worksheets/sheet1.xml" else archive.read(info))
    with pytest.raises(FileRejected, match="beschädigt"):
        read_table(buffer.getvalue())


def test_only_shared_string_cells_are_collected():
    sheet = io.BytesIO(
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="s"><v> 7 </v></c>'
        f'<c r="B1"><v>8</v></c><c r="C1" t="str"><v>9</v></c><c r="D1" t="s"><v>3</v></c></row>'
        "</sheetData></worksheet>".encode()
    )
    assert shared_string_indices(sheet) == {3, 7}


def test_the_sheet_is_scanned_only_as_far_as_the_row_limit_lets_the_reader_go():
    sheet = io.BytesIO(
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c t="s"><v>1</v></c></row><row><c t="s"><v>2</v></c></row>'
        '<row r="9"><c t="s"><v>9</v></c></row></sheetData></worksheet>'.encode()
    )
    assert shared_string_indices(sheet, max_row=8) == {1, 2}


def test_a_workbook_over_the_row_limit_is_refused_for_its_rows_not_as_damaged(settings):
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(FileRejected, match="mehr als 3 Datenzeilen"):
        read_table(workbook([["", ""]] * 3 + people_rows(10)))


def test_a_caller_may_set_its_own_row_limit_for_one_file_csv_and_xlsx(settings):
    """A long-format import (KPI values) allows more rows than the setting; the next file has the
    setting's limit again."""
    settings.IMPORT_MAX_ROWS = 3
    text = "name;wert\n" + "".join(f"a{i};{i}\n" for i in range(5))
    assert len(read_table(text.encode(), filename="werte.csv", max_rows=5).records) == 5
    assert (
        len(read_table(workbook([["name", "wert"]] + [[f"a{i}", str(i)] for i in range(5)]), max_rows=5).records) == 5
    )
    with pytest.raises(FileRejected, match="mehr als 4 Datenzeilen"):
        read_table(text.encode(), filename="werte.csv", max_rows=4)
    with pytest.raises(FileRejected, match="mehr als 3 Datenzeilen"):
        read_table(text.encode(), filename="werte.csv")

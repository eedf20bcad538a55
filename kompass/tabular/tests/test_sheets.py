"""Workbooks with several sheets: the sheet whose header fits the kind is read, else the user picks
one; a header that fits another kind names it. Within the XLSX budgets of `reading`."""

from __future__ import annotations

import io
import time
import tracemalloc
from typing import Any

import pytest
from openpyxl import Workbook

from kompass.org.models import OrgUnit, Person
from kompass.tabular.importing import kinds_fitting, run_import
from kompass.tabular.reading import read_table
from kompass.tabular.report import SheetHeader
from kompass.tabular.tests.workbooks import people_rows, workbook_with_sheets

PEOPLE = [
    ["email", "vorname", "nachname", "organisationseinheit"],
    ["lukasz.wojcik@teststadt.example", "Łukasz", "Wójcik", "32"],
    ["dragana.petrovic@teststadt.example", "Dragana", "Petrović", "10"],
]
UNITS = [["kennung", "name", "typ", "uebergeordnet"], ["62", "Vermessungsamt", "Amt", "D1"]]
NOTES = [["Bitte beachten"], ["Stand: Januar"]]


def xlsx(*sheets: tuple[str, list[list[Any]]], blank_rows: int = 0) -> bytes:
    """A workbook as Excel writes it (openpyxl), one sheet per (name, rows)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for _n in range(blank_rows):
            sheet.append([])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(world: Any, data: bytes, kind: str = "people", **kwargs: Any) -> Any:
    return run_import(
        kind=kind, kommune=world.kommune, actor=None, filename="mappe.xlsx", data=data, dry_run=False, **kwargs
    )


def new_people(world: Any) -> set[str]:
    return set(
        Person.objects.for_kommune(world.kommune)
        .filter(email__endswith="@teststadt.example")
        .values_list("last_name", flat=True)
    ) - {world.alice.last_name, world.bruno.last_name}


def test_the_one_sheet_whose_header_fits_the_kind_is_read(world):
    data = xlsx(("Hinweise", NOTES), ("Einheiten", UNITS), ("Personen", PEOPLE))
    report = run(world, data)
    assert report.ok, report.issues
    assert report.sheet == "Personen" and report.created == 2
    assert new_people(world) == {"Wójcik", "Petrović"}
    report = run(world, data, kind="orgunits")
    assert report.ok and report.sheet == "Einheiten"
    assert OrgUnit.objects.for_kommune(world.kommune).filter(code="62", name="Vermessungsamt").exists()


def test_a_header_below_blank_rows_and_an_empty_sheet_are_understood(world):
    data = xlsx(("Leer", []), ("Personen", PEOPLE), blank_rows=3)
    report = run(world, data)
    assert report.ok and report.sheet == "Personen"
    assert [i.row for i in report.issues] == []
    assert report.rows[0].row == 5


def test_when_several_sheets_fit_the_user_picks_one_and_nothing_changes_meanwhile(world):
    older = [PEOPLE[0], ["alt@teststadt.example", "Alt", "Älter", "32"]]
    data = xlsx(("Personen 2024", older), ("Personen 2025", PEOPLE))
    report = run(world, data)
    assert not report.ok and report.needs_sheet
    assert [s.name for s in report.sheets] == ["Personen 2024", "Personen 2025"]
    assert report.sheets[1] == SheetHeader(2, "Personen 2025", ("email", "vorname", "nachname", "organisationseinheit"))
    assert "mehrere Tabellenblätter" in report.issues[0].message
    assert "„Personen 2024“, „Personen 2025“" in report.issues[0].message
    assert new_people(world) == set()
    report = run(world, data, sheet="Personen 2025")
    assert report.ok and report.sheet == "Personen 2025"
    assert new_people(world) == {"Wójcik", "Petrović"}


def test_of_several_fitting_sheets_the_only_exact_one_is_taken(world):
    extra = [[*PEOPLE[0], "bemerkung"], ["x@teststadt.example", "X", "Ypsilon", "32", "neu"]]
    report = run(world, xlsx(("Entwurf", extra), ("Personen", PEOPLE)))
    assert report.ok and report.sheet == "Personen"


def test_when_no_sheet_fits_every_sheet_is_offered_with_its_first_cells(world):
    report = run(world, xlsx(("Hinweise", NOTES), ("Einheiten", UNITS)), kind="assignments")
    assert not report.ok and report.needs_sheet
    assert [(s.name, s.header) for s in report.sheets] == [
        ("Hinweise", ("bitte beachten",)),
        ("Einheiten", ("kennung", "name", "typ", "uebergeordnet")),
    ]
    messages = [i.message for i in report.issues]
    assert messages[0].startswith("Diese Datei sieht nach Organisationseinheiten aus")
    assert "in keinem passt die Kopfzeile zu den Spalten für Rollenzuordnungen" in messages[1]
    assert "Pflichtspalten: email, rolle, von" in messages[1]
    assert report.suggested_kind == "orgunits"
    assert [k.key for k in kinds_fitting(report.sheets[1].header)] == ["orgunits"]


def test_an_unknown_sheet_name_is_refused_with_the_names_there_are(world):
    report = run(world, xlsx(("Hinweise", NOTES), ("Personen", PEOPLE)), sheet="Gibt es nicht")
    assert report.needs_sheet
    assert "kein Tabellenblatt „Gibt es nicht“" in report.issues[0].message
    assert "„Hinweise“, „Personen“" in report.issues[0].message
    assert new_people(world) == set()


def test_a_single_sheet_workbook_is_read_as_before_and_names_no_sheet(world):
    report = run(world, xlsx(("Tabelle1", PEOPLE)), sheet="egal")
    assert report.ok and report.sheet == ""


def test_without_a_picker_the_first_sheet_is_read():
    table = read_table(xlsx(("Hinweise", NOTES), ("Personen", PEOPLE)))
    assert table.header[0] == "bitte beachten" and table.sheet == "Hinweise"


# --- a header that fits another kind -------------------------------------------------------------


def test_a_people_file_uploaded_as_org_units_names_the_people_import(world):
    data = ";".join(PEOPLE[0]).encode() + b"\r\n" + ";".join(PEOPLE[1]).encode() + b"\r\n"
    report = run_import(kind="orgunits", kommune=world.kommune, actor=None, filename="p.csv", data=data, dry_run=True)
    assert report.suggested_kind == "people"
    assert report.issues[0].message.startswith(
        "Diese Datei sieht nach Personen aus – als Personen importieren? Gewählt war „Organisationseinheiten“"
    )
    assert any("Pflichtspalte „kennung“ fehlt" in i.message for i in report.issues)


def test_a_misspelt_header_of_the_right_kind_suggests_nothing(world):
    data = b"kennung;name;typ;uebergeordent\r\n62;Vermessungsamt;Amt;D1\r\n"
    report = run_import(kind="orgunits", kommune=world.kommune, actor=None, filename="e.csv", data=data, dry_run=True)
    assert not report.ok and report.suggested_kind == ""
    assert not any("sieht nach" in i.message for i in report.issues)


# --- budgets --------------------------------------------------------------------------------------


def measured(data: bytes, kind: str, world: Any) -> tuple[Any, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    report = run_import(kind=kind, kommune=world.kommune, actor=None, filename="m.xlsx", data=data, dry_run=True)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    tracemalloc.stop()
    return report, seconds, peak


@pytest.fixture(scope="module")
def sheets_and_bomb() -> tuple[bytes, bytes]:
    """Two sheets (notes, 2,000 people) whose texts sit before (after) three million unused entries."""
    sheets = [("Hinweise", [["Bitte beachten"]]), ("Personen", people_rows(2000))]
    return (
        workbook_with_sheets(sheets, unused_strings=3_000_000),
        workbook_with_sheets(sheets, unused_strings=3_000_000, unused_first=True),
    )


def test_finding_the_sheet_keeps_to_the_shared_strings_budget(world, sheets_and_bomb):
    after, before = sheets_and_bomb
    report, seconds, peak = measured(after, "people", world)
    assert report.ok and report.sheet == "Personen" and report.created == 2000
    assert seconds < 15 and peak < 40, (seconds, peak)
    report, seconds, peak = measured(before, "people", world)
    assert "zu viele oder zu lange Texteinträge" in report.issues[0].message
    assert seconds < 5 and peak < 30, (seconds, peak)

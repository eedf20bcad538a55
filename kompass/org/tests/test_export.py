"""Exports: the import's columns, formula-injection safe (docs/security.md I4), scoped to the Kommune, round trip."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from kompass.audit.models import AuditEntry
from kompass.factories import orgunit, person
from kompass.org import services
from kompass.org.models import OrgUnitType
from kompass.tabular.importing import run_import
from kompass.tabular.kinds import export_file

DANGEROUS = ['=HYPERLINK("http://x";"y")', "+1", "-2+3", "@SUM(A1)", "=1+1;2"]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline=""), delimiter=";"))


def xlsx_cells(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


@pytest.fixture
def dangerous(world: Any) -> Any:
    """A unit and people whose names a spreadsheet would run as formulas."""
    unit = orgunit(world.kommune, "99", DANGEROUS[0], OrgUnitType.AMT, world.dezernat)
    for n, value in enumerate(DANGEROUS):
        person(world.kommune, value, f"Name{n}", unit, email=f"f{n}@teststadt.example", function_title=value)
    return unit


def test_csv_export_has_bom_semicolons_crlf_and_the_import_columns(world):
    content = export_file(kind="orgunits", kommune=world.kommune, fmt="csv").content
    assert content.startswith(b"\xef\xbb\xbfkennung;name;typ;uebergeordnet;leitung_email\r\n")
    rows = csv_rows(content)
    assert rows[1] == ["VV", "Verwaltungsvorstand", "Verwaltungsvorstand", "", ""]
    assert ["32.1", "Gewerbe", "Sachgebiet", "32", ""] in rows
    assert content.count(b"\r\n") == len(rows)


def test_people_export_lists_email_names_function_unit_code_employment_and_employer(world):
    from decimal import Decimal

    from kompass.org.models import Person

    Person.objects.for_kommune(world.kommune).filter(pk=world.bruno.pk).update(
        employment_percent=Decimal("62.5"), employer_kind="extern", employer_name="Rechenzentrum Süd"
    )
    rows = csv_rows(export_file(kind="people", kommune=world.kommune, fmt="csv").content)
    assert rows[0] == [
        "email",
        "vorname",
        "nachname",
        "funktion",
        "organisationseinheit",
        "umfang",
        "arbeitgeber",
        "arbeitgeber_name",
    ]
    alice = ["alice.amtsleiterin@teststadt.example", "Alice", "Amtsleiterin", "Amtsleitung", "10", "100", "eigen", ""]
    assert alice in rows
    bob = next(row for row in rows if row[0] == world.bruno.email)
    assert bob[5:] == ["62,5", "extern", "Rechenzentrum Süd"]


def test_exports_contain_nothing_of_another_kommune(world):
    for kind in ("orgunits", "people"):
        for fmt in ("csv", "xlsx"):
            content = export_file(kind=kind, kommune=world.kommune, fmt=fmt).content
            text = content.decode("utf-8") if fmt == "csv" else repr(xlsx_cells(content))
            assert "GEHEIM" not in text and "nachbarort" not in text.lower()


def test_csv_cells_that_look_like_formulas_start_with_an_apostrophe(world, dangerous):
    rows = csv_rows(export_file(kind="people", kommune=world.kommune, fmt="csv").content)
    first_names = {row[1] for row in rows[1:]}
    assert {f"'{value}" for value in DANGEROUS} <= first_names
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_csv_quoting_follows_rfc_4180(world, dangerous):
    content = export_file(kind="orgunits", kommune=world.kommune, fmt="csv").content
    assert b'99;"\'=HYPERLINK(""http://x"";""y"")";Amt;D1;\r\n' in content


def test_xlsx_cells_that_look_like_formulas_are_text_with_an_apostrophe(world, dangerous):
    cells = xlsx_cells(export_file(kind="people", kommune=world.kommune, fmt="xlsx").content)
    first_names = {row[1].value: row[1] for row in cells[1:]}
    for value in DANGEROUS:
        cell = first_names[f"'{value}"]
        assert cell.data_type == "s"
    assert not any(cell.data_type == "f" for row in cells for cell in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["orgunits", "people"])
def test_an_exported_file_imports_again_without_any_change(world, dangerous, kind, fmt):
    services.orgunit_update(kommune=world.kommune, actor=None, unit=world.hauptamt, data={"head": world.alice})
    audit_entries = AuditEntry.objects.for_kommune(world.kommune).count()
    export = export_file(kind=kind, kommune=world.kommune, fmt=fmt)
    report = run_import(
        kind=kind, kommune=world.kommune, actor=None, filename=export.filename, data=export.content, dry_run=False
    )
    assert report.ok, report.issues
    # 6 units (VV, D1, 10, 32, 32.1, 99) or 7 people (Alice, Bruno and the five formula names).
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6 if kind == "orgunits" else 7)
    assert AuditEntry.objects.for_kommune(world.kommune).count() == audit_entries


def test_export_filename_and_content_type(world):
    export = export_file(kind="people", kommune=world.kommune, fmt="xlsx")
    assert export.filename.startswith("personen-teststadt-") and export.filename.endswith(".xlsx")
    assert export.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert export.content.startswith(b"PK\x03\x04")


def test_unknown_kind_or_format_is_refused(world):
    with pytest.raises(ValueError):
        export_file(kind="rollen", kommune=world.kommune, fmt="csv")
    with pytest.raises(ValueError):
        export_file(kind="people", kommune=world.kommune, fmt="pdf")


def test_a_name_that_starts_with_an_apostrophe_survives_the_round_trip(world):
    services.orgunit_update(kommune=world.kommune, actor=None, unit=world.hauptamt, data={"name": "'=kein Formel"})
    export = export_file(kind="orgunits", kommune=world.kommune, fmt="csv")
    assert b"''=kein Formel" in export.content
    report = run_import(
        kind="orgunits", kommune=world.kommune, actor=None, filename="x.csv", data=export.content, dry_run=True
    )
    assert report.ok and report.updated == 0

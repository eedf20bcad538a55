"""Import and export of role assignments: keyed on (email, rolle, organisationseinheit, von),
idempotent, all or nothing, through `run_import`, the upload page, the API and a command."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kompass.audit.models import AuditEntry
from kompass.audit.presentation import present_entries
from kompass.audit.selectors import entry_changes
from kompass.factories import person
from kompass.roles import services
from kompass.roles.importers import export_file, parse_date, parse_time_share
from kompass.roles.models import Assignment
from kompass.roles.tests.conftest import Model
from kompass.tabular.importing import run_import
from kompass.tabular.kinds import columns_for

HEADER = "email;rolle;organisationseinheit;zeitanteil;von;bis"
ALICE = "alice.amtsleiterin@teststadt.example"
BRUNO = "bruno.ordner@teststadt.example"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8")


def run(adopted: Model, data: bytes, *, dry_run: bool = False, actor: Any = None) -> Any:
    kommune = adopted.world.kommune
    return run_import(
        kind="assignments", kommune=kommune, actor=actor, filename="zuordnungen.csv", data=data, dry_run=dry_run
    )


def assignments(adopted: Model) -> list[tuple[Any, ...]]:
    return list(
        Assignment.objects.for_kommune(adopted.world.kommune)
        .order_by("id")
        .values_list("person__email", "role__key", "org_unit__code", "time_share", "valid_from", "valid_until")
    )


def state(adopted: Model) -> tuple[Any, ...]:
    k = adopted.world.kommune
    return (list(Assignment.objects.for_kommune(k).order_by("id").values()), AuditEntry.objects.for_kommune(k).count())


def issues(report: Any) -> list[tuple[int, str]]:
    return [(i.row, i.column) for i in report.issues]


# --- reading the cells -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.03.2025", datetime.date(2025, 3, 1)),
        ("1.3.2025", datetime.date(2025, 3, 1)),
        ("2025-03-01", datetime.date(2025, 3, 1)),
        ("2025-03-01T00:00:00", datetime.date(2025, 3, 1)),
        ("31.02.2025", None),
        ("03/01/2025", None),
        ("2025-03-01T12:30:00", None),
        ("", None),
    ],
)
def test_dates_are_read_as_german_or_iso_dates(text: str, expected: datetime.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", Decimal("10")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("12,5 %", Decimal("12.5")),
        ("12,50", Decimal("12.5")),
        ("", None),
        ("12,55", None),
        ("1.000", None),
        ("zehn", None),
        ("-5", None),
        ("1e2", None),
    ],
)
def test_time_shares_take_a_german_decimal_comma(text: str, expected: Decimal | None) -> None:
    assert parse_time_share(text) == expected


def test_the_columns_of_the_assignment_kind_are_known_to_the_org_importer() -> None:
    columns = columns_for("assignments")
    assert set(columns.all) == set(HEADER.split(";"))
    assert columns.required == ("email", "rolle", "von")


# --- creating ------------------------------------------------------------------------------------


def test_new_assignments_are_created_with_unit_share_and_period_and_audited_as_import(adopted: Model) -> None:
    w = adopted.world
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;32;12,5;01.03.2025;31.12.2026"), actor=w.admin)
    assert report.ok and (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert assignments(adopted) == [
        (BRUNO, "lotse", "32", Decimal("12.5"), datetime.date(2025, 3, 1), datetime.date(2026, 12, 31))
    ]
    entry = AuditEntry.objects.for_kommune(w.kommune).get(object_type="assignment")
    assert (entry.action, entry.source, entry.request_id, entry.actor) == (
        "create",
        "import",
        report.import_id,
        w.admin,
    )
    assert entry_changes(entry)["time_share"] == [None, "12.5"]
    assert present_entries([entry])[0].object_label == "Bruno Ordner – Digitale Lotsinnen und Lotsen"


def test_header_is_case_insensitive_and_its_order_free(adopted: Model) -> None:
    content = csv_bytes(f"2025-03-01;{BRUNO.upper()};ISB;;10", header="Von;EMAIL;Rolle;BIS;Zeitanteil")
    report = run(adopted, content)
    assert report.ok, report.issues
    assert assignments(adopted) == [(BRUNO, "isb", None, Decimal("10.0"), datetime.date(2025, 3, 1), None)]


@pytest.mark.parametrize("text", ["dsb", "DSB", "Datenschutzbeauftragte(r)", "datenschutzbeauftragte(r)"])
def test_the_role_is_found_by_key_exact_name_or_short_name(adopted: Model, text: str) -> None:
    report = run(adopted, csv_bytes(f"{ALICE};{text};;5;01.01.2026;"))
    assert report.ok, report.issues
    assert assignments(adopted)[0][1] == "dsb"


def test_a_name_that_fits_two_roles_must_be_given_by_key(adopted: Model) -> None:
    k = adopted.world.kommune
    for name in ("Datenlotse Nord", "Datenlotse Süd"):
        services.role_create(kommune=k, actor=None, data={"name": name, "short_name": "DL"})
    report = run(adopted, csv_bytes(f"{ALICE};DL;;5;01.01.2026;"))
    assert issues(report) == [(2, "rolle")]
    assert "mehreren Rollen" in report.issues[0].message and "datenlotse-nord" in report.issues[0].message
    assert run(adopted, csv_bytes(f"{ALICE};datenlotse-sud;;5;01.01.2026;")).ok


# --- bad input: nothing is imported ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column", "text"),
    [
        (f"{BRUNO};hausmeister;;10;01.01.2026;", "rolle", "gibt es im Rollenmodell dieser Kommune nicht"),
        ("niemand@teststadt.example;lotse;;10;01.01.2026;", "email", "Keine Person dieser Kommune"),
        (f"{BRUNO};lotse;99;10;01.01.2026;", "organisationseinheit", "gibt es in der Kommune nicht"),
        (f"{BRUNO};lotse;;120;01.01.2026;", "zeitanteil", "größer als 0 bis 100"),
        (f"{BRUNO};lotse;;-1;01.01.2026;", "zeitanteil", "größer als 0 bis 100"),
        (f"{BRUNO};lotse;;0;01.01.2026;", "zeitanteil", "größer als 0 bis 100"),
        (f"{BRUNO};lotse;;0,5;01.01.2026;", "zeitanteil", "0,5 % – meinten Sie 50 %?"),
        (f"{BRUNO};lotse;;;01.01.2026;", "zeitanteil", "Bitte geben Sie den Zeitanteil der neuen Zuordnung an"),
        (f"{BRUNO};lotse;;viel;01.01.2026;", "zeitanteil", "kein gültiger Zeitanteil"),
        (f"{BRUNO};lotse;;10;01.06.2026;31.05.2026", "bis", "vor dem Beginn"),
        (f"{BRUNO};lotse;;10;2026/01/01;", "von", "TT.MM.JJJJ"),
        (f"{BRUNO};lotse;;10;;", "von", "kein gültiges Datum"),
        (f"{BRUNO};lotse;;10;01.01.2026;30.02.2027", "bis", "kein gültiges Datum"),
        (";lotse;;10;01.01.2026;", "email", "E-Mail-Adresse"),
        (f"{BRUNO};;;10;01.01.2026;", "rolle", "Bitte geben Sie die Rolle an"),
    ],
)
def test_a_bad_cell_names_row_and_column_and_nothing_is_imported(
    adopted: Model, line: str, column: str, text: str
) -> None:
    before = state(adopted)
    report = run(adopted, csv_bytes(f"{ALICE};cdo;;50;01.01.2026;", line))
    assert not report.ok
    assert issues(report) == [(3, column)]
    assert text in report.issues[0].message
    assert (report.created, report.rows) == (0, [])
    assert state(adopted) == before


def test_another_kommunes_person_unit_or_role_is_unknown_here(adopted: Model) -> None:
    w = adopted.world
    services.role_create(kommune=w.other, actor=None, data={"name": "GEHEIM-Rolle"})
    report = run(
        adopted,
        csv_bytes(
            f"{w.other_person.email};lotse;;10;01.01.2026;",
            f"{BRUNO};geheim-rolle;;10;01.01.2026;",
            f"{BRUNO};lotse;10;10;01.01.2026;",  # Teststadt's own 10 exists: fine
        ),
    )
    assert issues(report) == [(2, "email"), (3, "rolle")]
    assert not Assignment.objects.for_kommune(w.other).exists()


def test_the_same_assignment_twice_in_the_file_is_an_error(adopted: Model) -> None:
    line = f"{BRUNO};lotse;32;10;01.01.2026;"
    report = run(adopted, csv_bytes(line, line.replace(";10;", ";20;")))
    assert issues(report) == [(3, "")]
    assert "zuerst in Zeile 2" in report.issues[0].message


def test_an_inactive_role_takes_no_new_assignments_but_keeps_its_history(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "cio", 10, valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2024, 12, 31))
    services.role_update(kommune=w.kommune, actor=None, role=adopted.roles["cio"], data={"is_active": False})
    report = run(adopted, csv_bytes(f"{BRUNO};cio;;10;01.01.2024;31.12.2024", f"{ALICE};cio;;10;01.01.2026;"))
    assert issues(report) == [(3, "rolle")]
    assert "inaktiv" in report.issues[0].message


def test_two_equal_assignments_in_the_kommune_make_the_row_ambiguous(adopted: Model) -> None:
    w = adopted.world
    for _n in range(2):  # from before duplicates were refused: written past the service
        Assignment.objects.create(
            kommune=w.kommune,
            person=w.bruno,
            role=adopted.roles["lotse"],
            time_share=10,
            valid_from=datetime.date(2026, 1, 1),
        )
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;;15;01.01.2026;"))
    assert issues(report) == [(2, "")]
    assert "nicht eindeutig" in report.issues[0].message


def test_a_thousand_rows_with_one_bad_row_import_nothing(adopted: Model) -> None:
    w = adopted.world
    people = [person(w.kommune, f"Vorname{n}", f"Nachname{n}", w.sachgebiet) for n in range(100)]
    roles = ["lotse", "isb", "dsb", "personal", "cio"]
    lines = [
        # One-day periods: rows of the same person, role and unit start on different days, so none is a duplicate.
        f"{people[n % 100].email};{roles[n % 5]};{('32', '10', '')[n % 3]};{1 + n % 20},5;{day};{day}"
        for n in range(1000)
        for day in [f"{1 + n // 500:02d}.0{1 + n % 9}.2026"]
    ]
    bad_row = 742
    lines[bad_row - 2] = lines[bad_row - 2].replace(";32;", ";99;").replace(";10;", ";99;").replace(";;", ";99;", 1)
    before = state(adopted)
    report = run(adopted, csv_bytes(*lines))
    assert issues(report) == [(bad_row, "organisationseinheit")]
    assert (report.created, report.rows) == (0, [])
    assert state(adopted) == before
    lines[bad_row - 2] = lines[bad_row - 1 - 2]  # replaced by a duplicate of the row above: still refused
    assert not run(adopted, csv_bytes(*lines)).ok
    lines[bad_row - 2] = f"{people[0].email};cdo;;10;01.01.2026;"
    report = run(adopted, csv_bytes(*lines))
    assert report.ok and report.created == 1000
    assert Assignment.objects.for_kommune(w.kommune).count() == 1000
    assert AuditEntry.objects.for_kommune(w.kommune).filter(source="import", object_type="assignment").count() == 1000


# --- re-import -------------------------------------------------------------------------------------


def test_the_same_file_twice_changes_nothing_and_writes_no_audit_entry(adopted: Model) -> None:
    content = csv_bytes(f"{BRUNO};lotse;32;10;01.01.2026;", f"{ALICE};cdo;;50,5;01.03.2025;31.12.2027")
    assert run(adopted, content).created == 2
    before = state(adopted)
    report = run(adopted, content)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert state(adopted) == before


def test_one_changed_cell_is_exactly_one_update(adopted: Model) -> None:
    w = adopted.world
    run(adopted, csv_bytes(f"{BRUNO};lotse;32;10;01.01.2026;", f"{ALICE};cdo;;50;01.03.2025;"))
    audit = AuditEntry.objects.for_kommune(w.kommune).count()
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;32;15;01.01.2026;", f"{ALICE};cdo;;50;01.03.2025;"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.rows[0].changed == ["zeitanteil"]
    entries = AuditEntry.objects.for_kommune(w.kommune).order_by("id")[audit:]
    assert [(e.action, e.source, entry_changes(e)) for e in entries] == [
        ("update", "import", {"time_share": ["10.0", "15.0"]})
    ]
    lotse = Assignment.objects.for_kommune(w.kommune).get(role__key="lotse")
    assert (lotse.time_share, lotse.version) == (Decimal("15.0"), 2)


def test_an_end_date_ends_an_assignment_and_a_new_start_is_a_new_assignment(adopted: Model) -> None:
    run(adopted, csv_bytes(f"{BRUNO};lotse;32;10;01.01.2025;"))
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;32;10;01.01.2025;31.12.2025", f"{BRUNO};lotse;32;20;01.01.2026;"))
    assert (report.created, report.updated) == (1, 1)
    assert report.rows[0].changed == ["bis"]
    assert [row[3:] for row in assignments(adopted)] == [
        (Decimal("10.0"), datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        (Decimal("20.0"), datetime.date(2026, 1, 1), None),
    ]


def test_absent_optional_columns_leave_share_and_end_as_they_are(adopted: Model) -> None:
    run(adopted, csv_bytes(f"{BRUNO};lotse;32;10;01.01.2025;31.12.2026"))
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;32;01.01.2025", header="email;rolle;organisationseinheit;von"))
    assert (report.unchanged, report.updated) == (1, 0)
    assert assignments(adopted)[0][3:] == (Decimal("10.0"), datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))


def test_a_dry_run_reports_and_changes_nothing(adopted: Model) -> None:
    before = state(adopted)
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;32;10;01.01.2026;"), dry_run=True)
    assert report.ok and report.dry_run and report.created == 1
    assert report.rows[0].key == f"{BRUNO} · lotse · 32 · 01.01.2026"
    assert state(adopted) == before


def test_a_missing_required_column_or_an_unknown_one_rejects_the_file(adopted: Model) -> None:
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;10", header="email;rolle;zeitanteil"))
    assert issues(report) == [(1, "von")]
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;01.01.2026;x", header="email;rolle;von;stelle"))
    assert issues(report) == [(1, "stelle")]


# --- export and round trip -------------------------------------------------------------------------


def _some_assignments(adopted: Model) -> None:
    w = adopted.world
    tricky = person(w.kommune, "Formel", "Frau", w.hauptamt, email="=cmd@teststadt.example")
    adopted.assign(w.bruno, "lotse", "12.5", org_unit=w.ordnungsamt, valid_until=datetime.date(2026, 12, 31))
    adopted.assign(w.alice, "cdo", 50)
    adopted.assign(tricky, "isb", 1, valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2024, 6, 30))


def test_the_csv_export_has_the_import_columns_and_escapes_formulas(adopted: Model) -> None:
    _some_assignments(adopted)
    export = export_file(kommune=adopted.world.kommune, fmt="csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER
    assert lines[1:] == [
        "'=cmd@teststadt.example;isb;;1;01.01.2024;30.06.2024",
        f"{ALICE};cdo;;50;01.01.2025;",
        f"{BRUNO};lotse;32;12,5;01.01.2025;31.12.2026",
    ]
    assert export.filename.startswith("rollenzuordnungen-teststadt-") and export.filename.endswith(".csv")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_file_imports_again_without_any_change(adopted: Model, fmt: str) -> None:
    _some_assignments(adopted)
    before = state(adopted)
    report = run(adopted, export_file(kommune=adopted.world.kommune, fmt=fmt).content)
    assert report.ok, report.issues
    assert (report.unchanged, report.created, report.updated) == (3, 0, 0)
    assert state(adopted) == before


def test_the_xlsx_export_stores_every_cell_as_text(adopted: Model) -> None:
    _some_assignments(adopted)
    sheet = load_workbook(io.BytesIO(export_file(kommune=adopted.world.kommune, fmt="xlsx").content)).active
    first = [cell.value for cell in sheet[2]]
    assert first == ["'=cmd@teststadt.example", "isb", None, "1", "01.01.2024", "30.06.2024"]
    assert all(cell.data_type == "s" for cell in sheet[2] if cell.value is not None)


def test_an_xlsx_file_with_date_and_number_cells_is_read(adopted: Model) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email", "Rolle", "Organisationseinheit", "Zeitanteil", "Von", "Bis"])
    sheet.append([BRUNO, "Lotse", "32", 12.5, datetime.datetime(2026, 1, 1), None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(adopted, buffer.getvalue())
    assert report.ok, report.issues
    assert assignments(adopted) == [(BRUNO, "lotse", "32", Decimal("12.5"), datetime.date(2026, 1, 1), None)]


# --- upload page, download and command -------------------------------------------------------------


def test_the_upload_page_imports_assignments_after_preview_and_confirm(adopted: Model, admin_client: Client) -> None:
    page = admin_client.get(reverse("org:import_export", args=["teststadt"])).content.decode()
    assert 'value="assignments"' in page and "Rollenzuordnungen" in page
    assert 'id="aufbau-rollenzuordnungen"' in page and '<span class="kk-code">zeitanteil</span> (optional)' in page
    content = csv_bytes(f"{BRUNO};Lotse;32;10;01.01.2026;")
    preview = admin_client.post(
        reverse("org:import_preview", args=["teststadt"]),
        {"kind": "assignments", "file": SimpleUploadedFile("z.csv", content)},
    )
    text = preview.content.decode()
    assert preview.status_code == 200 and "Zuordnung (E-Mail · Rolle · Einheit · von)" in text
    assert f"{BRUNO} · lotse · 32 · 01.01.2026" in text
    assert not assignments(adopted)
    token = preview.context["token"]
    response = admin_client.post(reverse("org:import_confirm", args=["teststadt"]), {"token": token, "action": "go"})
    assert response.status_code == 302
    assert len(assignments(adopted)) == 1


def test_the_upload_page_shows_row_errors_and_imports_nothing(adopted: Model, admin_client: Client) -> None:
    content = csv_bytes(f"{BRUNO};Hausmeister;32;10;01.01.2026;")
    response = admin_client.post(
        reverse("org:import_preview", args=["teststadt"]),
        {"kind": "assignments", "file": SimpleUploadedFile("z.csv", content)},
    )
    assert response.status_code == 200
    assert "Die Rolle „Hausmeister“ gibt es im Rollenmodell dieser Kommune nicht" in response.content.decode()
    assert not assignments(adopted)


def test_every_member_downloads_the_assignments(adopted: Model, reader_client: Client) -> None:
    _some_assignments(adopted)
    response = reader_client.get(reverse("org:export", args=["teststadt", "rollenzuordnungen", "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert b"cdo" in response.content and response["Cache-Control"] == "no-store"


def test_the_outsider_cannot_download_the_assignments(adopted: Model, outsider_client: Client) -> None:
    response = outsider_client.get(reverse("org:export", args=["teststadt", "rollenzuordnungen", "xlsx"]))
    assert response.status_code == 404


def test_the_command_imports_with_dry_run_first(adopted: Model, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "zuordnungen.csv"
    path.write_bytes(csv_bytes(f"{BRUNO};lotse;32;10;01.01.2026;"))
    call_command("import_assignments", str(path), "--kommune", "teststadt", "--dry-run")
    assert "Probelauf" in capsys.readouterr().out and not assignments(adopted)
    call_command("import_assignments", str(path), "--kommune", "teststadt")
    assert "1 neu" in capsys.readouterr().out and len(assignments(adopted)) == 1
    entry = AuditEntry.objects.for_kommune(adopted.world.kommune).get(object_type="assignment")
    assert (entry.source, entry.actor_name) == ("import", "System")


def test_the_command_refuses_a_bad_file_with_the_reasons(adopted: Model, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "zuordnungen.csv"
    path.write_bytes(csv_bytes(f"{BRUNO};lotse;32;101;01.01.2026;"))
    with pytest.raises(CommandError, match="abgelehnt"):
        call_command("import_assignments", str(path), "--kommune", "teststadt")
    assert "Zeile 2, Spalte zeitanteil" in capsys.readouterr().err
    assert not assignments(adopted)

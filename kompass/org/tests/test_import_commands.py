"""Management commands: import_orgunits / import_people and export_orgunits / export_people."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kompass.audit.models import AuditEntry
from kompass.org.models import OrgUnit, Person


def call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return str(path)


UNITS = "kennung;name;typ;uebergeordnet;leitung_email\n62;Vermessungsamt;Amt;D1;\n62.1;Straßen;Sachgebiet;62;\n"


def test_import_orgunits_imports_and_reports_the_counts_on_stdout(world, tmp_path):
    out, err = call("import_orgunits", write(tmp_path, "e.csv", UNITS), "--kommune", "teststadt")
    assert "Import abgeschlossen: 2 neu, 0 geändert, 0 unverändert" in out
    assert err == ""
    unit = OrgUnit.objects.for_kommune(world.kommune).get(code="62.1")
    assert unit.name == "Straßen"
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(object_id=str(unit.pk), object_type="orgunit")
    assert [(e.source, e.actor_name) for e in entries] == [("import", "System")]


def test_dry_run_changes_nothing(world, tmp_path):
    out, _err = call("import_orgunits", write(tmp_path, "e.csv", UNITS), "--kommune", "teststadt", "--dry-run")
    assert "Probelauf, nichts gespeichert: 2 neu" in out
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(code="62").exists()


def test_a_rejected_file_exits_non_zero_with_row_and_column_on_stderr(world, tmp_path):
    path = write(tmp_path, "e.csv", UNITS + "63;Bauamt;Amt;99;\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="abgelehnt"):
        call_command("import_orgunits", path, "--kommune", "teststadt", stdout=io.StringIO(), stderr=err)
    assert "Zeile 4, Spalte uebergeordnet: Die übergeordnete Einheit „99“" in err.getvalue()
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(code="62").exists()


def test_the_command_exit_status_is_non_zero_on_rejection(world, tmp_path):
    """Through the real CLI entry point, as an operator's script would see it."""
    from django.core.management import ManagementUtility

    path = write(tmp_path, "p.csv", "email;vorname\nx@y.example;X\n")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_people", path, "--kommune", "teststadt"]).execute()
    assert exit_info.value.code != 0


def test_import_people_reads_a_windows_1252_file(world, tmp_path):
    path = write(
        tmp_path,
        "p.csv",
        "email;vorname;nachname;funktion;organisationseinheit\n"
        "g.groß@teststadt.example;Gisela;Groß;Bürgerbüro;32\n".replace("groß@", "gross@"),
    )
    out, _err = call("import_people", path, "--kommune", "teststadt")
    assert "1 neu" in out
    assert Person.objects.for_kommune(world.kommune).get(email="g.gross@teststadt.example").last_name == "Groß"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kommune", "gibt-es-nicht"], "Keine Kommune"),
        (["--kommune", "teststadt", "--dry-run"], "kann nicht gelesen werden"),
    ],
)
def test_unknown_kommune_or_missing_file_is_a_command_error(world, tmp_path, args, message):
    path = str(tmp_path / "fehlt.csv") if "--dry-run" in args else write(tmp_path, "e.csv", UNITS)
    with pytest.raises(CommandError, match=message):
        call("import_orgunits", path, *args)


def test_a_file_over_the_size_limit_is_refused_before_reading(world, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(CommandError, match="zu groß"):
        call("import_orgunits", write(tmp_path, "e.csv", UNITS), "--kommune", "teststadt")


def test_export_people_writes_csv_to_stdout(world):
    out, _err = call("export_people", "--kommune", "teststadt")
    assert out.startswith(
        "\ufeffemail;vorname;nachname;funktion;organisationseinheit;umfang;arbeitgeber;arbeitgeber_name\r\n"
    )
    assert "alice.amtsleiterin@teststadt.example;Alice;Amtsleiterin;Amtsleitung;10;100;eigen;\r\n" in out
    assert "GEHEIM" not in out


def test_export_orgunits_writes_xlsx_to_a_file_that_imports_unchanged(world, tmp_path):
    target = tmp_path / "einheiten.xlsx"
    _out, err = call("export_orgunits", "--kommune", "teststadt", "--format", "xlsx", "--output", str(target))
    assert target.read_bytes().startswith(b"PK\x03\x04") and "einheiten.xlsx" in err
    out, _err = call("import_orgunits", str(target), "--kommune", "teststadt")
    assert "0 neu, 0 geändert, 5 unverändert" in out


def test_xlsx_export_needs_an_output_file(world):
    with pytest.raises(CommandError, match="--output"):
        call("export_orgunits", "--kommune", "teststadt", "--format", "xlsx")

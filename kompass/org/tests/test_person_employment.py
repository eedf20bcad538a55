"""Issue 12, points 8 and 9: a person's Beschäftigungsumfang and employer in the form, the person page,
the import (optional columns, all-or-nothing, cp1252) and the audit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.selectors import entry_changes
from kompass.conftest import World
from kompass.org.models import EmployerKind, Person
from kompass.org.tests.test_views import person_form, url
from kompass.tabular.importing import run_import

pytestmark = pytest.mark.django_db


def fresh(world: World, pk: int) -> Person:
    return Person.objects.for_kommune(world.kommune).get(pk=pk)


def state(world: World) -> list[tuple[Any, ...]]:
    return list(
        Person.objects.for_kommune(world.kommune)
        .order_by("pk")
        .values_list("email", "employment_percent", "employer_kind", "employer_name", "version")
    )


# --- form ---------------------------------------------------------------------------------------


def test_the_form_saves_a_part_time_umfang_with_a_german_comma_and_an_external_employer(world: World) -> None:
    response = world.client_for(world.admin).post(
        url("person_edit", world.bruno.pk),
        person_form(
            world.bruno, employment_percent="62,5", employer_kind="extern", employer_name=" Rechenzentrum Süd "
        ),
    )
    assert response.status_code == 302
    bruno = fresh(world, world.bruno.pk)
    assert (bruno.employment_percent, bruno.employer_kind, bruno.employer_name) == (
        Decimal("62.5"),
        EmployerKind.EXTERNAL,
        "Rechenzentrum Süd",
    )
    entry = AuditEntry.objects.for_kommune(world.kommune).get(
        object_type="person", object_id=str(bruno.pk), action=AuditAction.UPDATE
    )
    assert set(entry_changes(entry)) == {"employment_percent", "employer_kind", "employer_name"}
    page = world.client_for(world.reader).get(url("person_detail", bruno.pk)).content.decode()
    assert "62,5 % einer Vollzeitstelle (Teilzeit)" in page and "Externe Stelle: Rechenzentrum Süd" in page


def test_the_edit_form_shows_the_stored_values_and_a_new_person_is_full_time_of_the_own_administration(
    world: World,
) -> None:
    Person.objects.for_kommune(world.kommune).filter(pk=world.bruno.pk).update(employment_percent=Decimal("75"))
    form = world.client_for(world.admin).get(url("person_edit", world.bruno.pk)).context["form"]
    assert form.initial["employment_percent"] == "75" and form.initial["employer_kind"] == "eigen"
    client = world.client_for(world.admin)
    client.post(url("person_create"), {"first_name": "Neu", "last_name": "Person", "email": "neu@teststadt.example"})
    created = Person.objects.for_kommune(world.kommune).get(email="neu@teststadt.example")
    assert (created.employment_percent, created.employer_kind, created.employer_name) == (Decimal(100), "eigen", "")


def test_fields_not_sent_keep_the_stored_values(world: World) -> None:
    Person.objects.for_kommune(world.kommune).filter(pk=world.bruno.pk).update(
        employment_percent=Decimal("50"), employer_kind="extern", employer_name="Zweckverband IT"
    )
    bruno = fresh(world, world.bruno.pk)
    response = world.client_for(world.admin).post(
        url("person_edit", bruno.pk), person_form(bruno, function_title="Sachbearbeitung")
    )
    assert response.status_code == 302
    assert fresh(world, bruno.pk).employment_percent == Decimal("50")
    assert fresh(world, bruno.pk).employer_name == "Zweckverband IT"


def test_switching_back_to_the_own_administration_drops_the_name(world: World) -> None:
    Person.objects.for_kommune(world.kommune).filter(pk=world.bruno.pk).update(
        employer_kind="extern", employer_name="Zweckverband IT"
    )
    bruno = fresh(world, world.bruno.pk)
    world.client_for(world.admin).post(
        url("person_edit", bruno.pk), person_form(bruno, employer_kind="eigen", employer_name="Zweckverband IT")
    )
    assert (fresh(world, bruno.pk).employer_kind, fresh(world, bruno.pk).employer_name) == ("eigen", "")


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"employment_percent": "0"}, "employment_percent", "eine Zahl von 1 bis 100"),
        ({"employment_percent": "101"}, "employment_percent", "eine Zahl von 1 bis 100"),
        ({"employment_percent": "-5"}, "employment_percent", "eine Zahl von 1 bis 100"),
        ({"employment_percent": "50,25"}, "employment_percent", "höchstens einer Nachkommastelle"),
        ({"employment_percent": "halb"}, "employment_percent", "in Prozent einer Vollzeitstelle"),
        ({"employment_percent": "NaN"}, "employment_percent", "eine Zahl von 1 bis 100"),
        ({"employment_percent": "0,5"}, "employment_percent", "meinten Sie 50 %?"),
        ({"employer_kind": "extern", "employer_name": ""}, "employer_name", "Bitte nennen Sie die externe Stelle"),
        ({"employer_kind": "fremd"}, "employer_kind", "gültige Auswahl"),
        ({"employer_kind": "extern", "employer_name": "X" * 201}, "employer_name", "höchstens 200 Zeichen"),
    ],
)
def test_bad_input_is_a_german_field_error_and_changes_nothing(
    world: World, changes: dict[str, str], field: str, fragment: str
) -> None:
    before = state(world)
    response = world.client_for(world.admin).post(
        url("person_edit", world.bruno.pk), person_form(world.bruno, **changes)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}-error"' in body
    assert fragment in " ".join(response.context["form"].errors[field])
    assert state(world) == before


# --- import ---------------------------------------------------------------------------------------

HEADER = "email;vorname;nachname;funktion;organisationseinheit;umfang;arbeitgeber;arbeitgeber_name"


def run(world: World, lines: list[str], *, header: str = HEADER, encoding: str = "utf-8") -> Any:
    data = ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)
    return run_import(
        kind="people", kommune=world.kommune, actor=world.admin, filename="personen.csv", data=data, dry_run=False
    )


def test_a_cp1252_file_with_the_new_columns_imports_umlauts_and_both_fields(world: World) -> None:
    report = run(
        world,
        [
            "joerg.gross@teststadt.example;Jörg;Groß;Sachbearbeitung;10;75,5;eigen;",
            "sven.kraemer@teststadt.example;Sven;Krämer;Kundenbetreuung;;100;Extern;Kommunales Rechenzentrum Süd",
            "bruno.ordner@teststadt.example;Bruno;Ordner;;32.1;50;;",
        ],
        encoding="cp1252",
    )
    assert report.ok, report.issues
    assert (report.created, report.updated) == (2, 1)
    people = {p.email: p for p in Person.objects.for_kommune(world.kommune)}
    joerg, sven, bruno = (
        people[e]
        for e in ("joerg.gross@teststadt.example", "sven.kraemer@teststadt.example", "bruno.ordner@teststadt.example")
    )
    assert (joerg.last_name, joerg.employment_percent, joerg.employer_kind) == ("Groß", Decimal("75.5"), "eigen")
    assert (sven.employer_kind, sven.employer_name) == ("extern", "Kommunales Rechenzentrum Süd")
    assert bruno.employment_percent == Decimal(50)
    changed = next(row for row in report.rows if row.key == "bruno.ordner@teststadt.example")
    assert changed.changed == ["umfang"]


def test_the_new_columns_are_optional_and_a_missing_column_keeps_the_value(world: World) -> None:
    Person.objects.for_kommune(world.kommune).filter(pk=world.bruno.pk).update(
        employment_percent=Decimal("50"), employer_kind="extern", employer_name="Zweckverband IT"
    )
    report = run(
        world,
        ["bruno.ordner@teststadt.example;Bruno;Ordner;;32.1"],
        header="email;vorname;nachname;funktion;organisationseinheit",
    )
    assert report.ok and report.unchanged == 1
    bruno = fresh(world, world.bruno.pk)
    assert (bruno.employment_percent, bruno.employer_kind, bruno.employer_name) == (
        Decimal(50),
        "extern",
        "Zweckverband IT",
    )


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        ("0;eigen;", "umfang", "eine Zahl von 1 bis 100"),
        ("120;eigen;", "umfang", "eine Zahl von 1 bis 100"),
        ("1.000;eigen;", "umfang", "eine Zahl von 1 bis 100"),
        ("0,5;eigen;", "umfang", "meinten Sie 50 %?"),
        ("zwei Drittel;eigen;", "umfang", "„zwei Drittel“"),
        ("100;fremd;", "arbeitgeber", "„fremd“ ist kein Arbeitgeber"),
        ("100;extern;", "arbeitgeber_name", "Bitte nennen Sie die externe Stelle"),
        ("100;eigen;Rechenzentrum", "arbeitgeber_name", "Einen Namen hat nur eine externe Stelle"),
        ("100;extern;" + "R" * 201, "arbeitgeber_name", "Höchstens 200 Zeichen"),
    ],
)
def test_a_bad_cell_in_the_new_columns_rejects_the_whole_file(
    world: World, cells: str, column: str, fragment: str
) -> None:
    before = state(world)
    report = run(
        world,
        [
            "neu@teststadt.example;Neu;Person;;10;100;eigen;",
            f"bruno.ordner@teststadt.example;Bruno;Ordner;;32.1;{cells}",
        ],
    )
    assert [(i.row, i.column) for i in report.issues] == [(3, column)]
    assert fragment in report.issues[0].message
    assert state(world) == before


def test_the_export_imports_again_without_a_change(world: World) -> None:
    from kompass.org.exports import export_people

    Person.objects.for_kommune(world.kommune).filter(pk=world.bruno.pk).update(
        employment_percent=Decimal("62.5"), employer_kind="extern", employer_name="Rechenzentrum Süd"
    )
    content = export_people(world.kommune, "csv").content
    report = run_import(
        kind="people", kommune=world.kommune, actor=world.admin, filename="p.csv", data=content, dry_run=False
    )
    assert report.ok and report.created == report.updated == 0

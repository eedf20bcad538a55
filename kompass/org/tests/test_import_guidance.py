"""The import page explains the file: the sheet to read, the kind it looks like, names next to keys,
short import ids, and templates and examples for every kind (issue 8, point 10)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kompass.factories import KommuneFactory, UserFactory
from kompass.org.models import OrgUnit, Person
from kompass.tabular.kinds import TABLE_KINDS
from kompass.tenancy.models import Membership, Role

PEOPLE = [
    ["email", "vorname", "nachname", "organisationseinheit"],
    ["lukasz.wojcik@teststadt.example", "Łukasz", "Wójcik", "32"],
    ["guenther.gross@teststadt.example", "Günther", "Groß", "10"],
]
OLDER = [PEOPLE[0], ["alt@teststadt.example", "Alma", "Älter", "32"]]


def url(name: str, *args: str) -> str:
    return reverse(f"org:{name}", args=["teststadt", *args])


def xlsx(*sheets: tuple[str, list[list[str]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: Any, data: bytes, kind: str = "people", name: str = "mappe.xlsx") -> Any:
    return client.post(url("import_preview"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def people(world: Any) -> set[str]:
    return set(
        Person.objects.for_kommune(world.kommune)
        .filter(
            email__in=["lukasz.wojcik@teststadt.example", "guenther.gross@teststadt.example", "alt@teststadt.example"]
        )
        .values_list("last_name", flat=True)
    )


def test_a_workbook_with_the_fitting_sheet_is_previewed_from_it_with_names_next_to_keys(world, admin_client):
    response = upload(admin_client, xlsx(("Hinweise", [["Stand Januar"]]), ("Personal", PEOPLE)))
    html = response.content.decode()
    assert response.context["report"].ok
    assert "Gelesen wurde das Tabellenblatt „Personal“." in html
    assert '<th scope="row" class="kern-table__cell">lukasz.wojcik@teststadt.example</th>' in html
    assert '<td class="kern-table__cell">Łukasz Wójcik</td>' in html
    assert '<td class="kern-table__cell">Günther Groß</td>' in html
    response = admin_client.post(url("import_confirm"), {"token": response.context["token"]}, follow=True)
    assert people(world) == {"Wójcik", "Groß"}


def test_when_several_sheets_fit_the_user_picks_one_without_uploading_again(world, admin_client):
    response = upload(admin_client, xlsx(("Personen 2024", OLDER), ("Personen 2025", PEOPLE)))
    html = response.content.decode()
    assert response.status_code == 200 and not response.context["form"].errors
    assert "Tabellenblatt wählen: mappe.xlsx" in html
    assert 'name="sheet" value="Personen 2025"' in html
    assert "email; vorname; nachname; organisationseinheit" in html and "passt zu:" in html
    assert "Import ausführen" not in html
    token = response.context["token"]
    response = admin_client.post(url("import_preview"), {"token": token, "kind": "people", "sheet": "Personen 2025"})
    assert response.context["report"].ok and response.context["report"].sheet == "Personen 2025"
    assert people(world) == set()
    admin_client.post(url("import_confirm"), {"token": response.context["token"], "action": "import"})
    assert people(world) == {"Wójcik", "Groß"}


def test_a_people_file_sent_as_org_units_is_offered_to_the_people_import(world, admin_client):
    data = "\r\n".join(";".join(row) for row in PEOPLE).encode("cp1252", errors="replace")
    units = OrgUnit.objects.for_kommune(world.kommune).count()
    response = upload(admin_client, data, kind="orgunits", name="personen.csv")
    html = response.content.decode()
    assert "Diese Datei sieht nach Personen aus – als Personen importieren?" in html
    assert "Als Personen prüfen" in html and 'name="kind" value="people"' in html
    assert OrgUnit.objects.for_kommune(world.kommune).count() == units and people(world) == set()
    response = admin_client.post(url("import_preview"), {"token": response.context["token"], "kind": "people"})
    assert response.context["report"].ok and response.context["report"].kind == "people"
    assert response.context["form"]["kind"].value() == "people"


def test_a_file_that_is_just_wrong_is_not_kept_and_offers_nothing(world, admin_client):
    response = upload(admin_client, b"kennung;name;typ;uebergeordnet\r\n62;;Amt;\r\n", kind="orgunits", name="e.csv")
    assert not response.context["report"].ok and response.context["token"] == ""
    assert "sieht nach" not in response.content.decode()
    assert not any(key.startswith("kompass.import.") for key, _value in admin_client.session.items())


def test_a_recheck_with_an_expired_token_asks_for_the_file_again(world, admin_client):
    response = admin_client.post(url("import_preview"), {"token": "alt", "kind": "people"}, follow=True)
    assert "Diese Vorschau ist nicht mehr gültig" in response.content.decode()


def test_a_recheck_needs_the_import_right(world, admin_client, reader_client):
    token = upload(admin_client, xlsx(("A", OLDER), ("B", PEOPLE))).context["token"]
    assert reader_client.post(url("import_preview"), {"token": token, "kind": "people"}).status_code == 403


def test_the_success_message_shows_the_import_id_short(world, admin_client):
    token = upload(admin_client, xlsx(("Personen", PEOPLE))).context["token"]
    response = admin_client.post(url("import_confirm"), {"token": token}, follow=True)
    match = re.search(r"Import-ID ([0-9a-f]+)\)", response.content.decode())
    assert match and len(match.group(1)) == 8


# --- templates and examples ----------------------------------------------------------------------


def rows_of(response: Any) -> list[list[str]]:
    content = response.content
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_kind_has_a_template_with_its_header_only(world, reader_client, fmt):
    for kind in TABLE_KINDS:
        response = reader_client.get(url("import_template", kind.slug, fmt))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="vorlage-{kind.slug}.{fmt}"'
        assert rows_of(response) == [list(kind.columns_in_order)]


def test_the_page_links_templates_and_examples_and_explains_every_column(world, reader_client):
    html = reader_client.get(url("import_export")).content.decode()
    for kind in TABLE_KINDS:
        assert url("import_template", kind.slug, "xlsx") in html
        assert url("import_example", kind.slug, "csv") in html
        assert f'id="aufbau-{kind.slug}"' in html
    assert "Kennung der übergeordneten Einheit; leer für die oberste Ebene." in html


def test_unknown_kinds_formats_and_missing_examples_are_404(world, reader_client, glossary_kind):
    assert reader_client.get(url("import_template", "rollen", "csv")).status_code == 404
    assert reader_client.get(url("import_example", "personen", "ods")).status_code == 404
    assert reader_client.get(url("import_template", "glossar", "csv")).status_code == 200
    assert reader_client.get(url("import_example", "glossar", "csv")).status_code == 404


@pytest.fixture
def glossary_kind() -> Any:
    from kompass.tabular.columns import Columns
    from kompass.tabular.kinds import TableKind

    kind = TableKind(
        key="glossary",
        label="Glossarbegriffe",
        slug="glossar",
        columns=Columns(("begriff",)),
        check_and_apply=lambda *args: None,
        export=lambda *args: None,  # type: ignore[arg-type,return-value]
    )
    TABLE_KINDS.register(kind)
    yield kind
    TABLE_KINDS.unregister(kind.key)


def empty_kommune_admin() -> tuple[Any, Client]:
    """A new Kommune without units or people, and a client of its administrator."""
    kommune = KommuneFactory(name="Leerstadt", slug="leerstadt", ags="05333000")
    user = UserFactory(username="leer-admin")
    Membership.objects.create(kommune=kommune, user=user, role=Role.ADMIN)
    client = Client()
    client.force_login(user)
    return kommune, client


def import_example(client: Any, slug: str, kind: Any, fmt: str) -> Any:
    """Download the kind's example and import it through the page; the dry run's report."""
    example = client.get(reverse("org:import_example", args=[slug, kind.slug, fmt]))
    name = example["Content-Disposition"].split('"')[1]
    assert name == f"beispiel-{kind.slug}.{fmt}"
    response = client.post(
        reverse("org:import_preview", args=[slug]),
        {"kind": kind.key, "file": SimpleUploadedFile(name, example.content)},
    )
    report = response.context["report"]
    if report.ok:
        client.post(reverse("org:import_confirm", args=[slug]), {"token": response.context["token"]})
    return report


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_unit_and_people_examples_import_into_an_empty_kommune(world, fmt):
    kommune, client = empty_kommune_admin()
    for key in ("orgunits", "people"):
        kind = TABLE_KINDS[key]
        report = import_example(client, "leerstadt", kind, fmt)
        assert report.ok and report.created == len(kind.example), report.issues
    assert Person.objects.for_kommune(kommune).get(last_name="Wójcik").org_unit.code == "10.1"
    assert OrgUnit.objects.for_kommune(kommune).get(code="20").name == "Kämmerei"

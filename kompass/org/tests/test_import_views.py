"""The import/export page: upload → preview → confirm, permissions, downloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kompass.audit.models import AuditEntry
from kompass.org.models import OrgUnit, Person
from kompass.tabular.columns import Columns
from kompass.tabular.kinds import TABLE_KINDS, TableKind
from kompass.tabular.report import ACTION_NEW, ImportRow
from kompass.tabular.writing import table_file

GOOD = "kennung;name;typ;uebergeordnet;leitung_email\r\n62;Vermessungsamt;Amt;D1;\r\n62.1;Kataster;Sachgebiet;62;\r\n"
BAD = GOOD + "63;Bauamt;Amt;GIBT-ES-NICHT;\r\n"


def page() -> str:
    return reverse("org:import_export", args=["teststadt"])


def preview_url() -> str:
    return reverse("org:import_preview", args=["teststadt"])


def confirm_url() -> str:
    return reverse("org:import_confirm", args=["teststadt"])


def upload(client: Any, text: str = GOOD, kind: str = "orgunits", name: str = "einheiten.csv") -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(preview_url(), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def codes(world: Any) -> set[str]:
    return set(OrgUnit.objects.for_kommune(world.kommune).values_list("code", flat=True))


def test_members_see_the_export_links_and_only_importers_the_upload_form(world, admin_client, reader_client):
    admin_page = admin_client.get(page()).content.decode()
    reader_page = reader_client.get(page()).content.decode()
    export_url = reverse("org:export", args=["teststadt", "personen", "xlsx"])
    assert export_url in admin_page and export_url in reader_page
    assert 'enctype="multipart/form-data"' in admin_page
    assert 'enctype="multipart/form-data"' not in reader_page


def test_anonymous_visitors_are_sent_to_the_login(world, client):
    for response in (
        client.get(page()),
        client.post(preview_url()),
        client.post(confirm_url()),
        client.get(reverse("org:export", args=["teststadt", "personen", "csv"])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_members_of_another_kommune_get_404_everywhere(world, outsider_client):
    assert outsider_client.get(page()).status_code == 404
    assert upload(outsider_client).status_code == 404
    assert outsider_client.post(confirm_url(), {"token": "x"}).status_code == 404
    assert outsider_client.get(reverse("org:export", args=["teststadt", "personen", "csv"])).status_code == 404
    assert "62" not in codes(world)


def test_readers_and_subtree_editors_may_not_upload_or_confirm(world, reader_client, editor_client):
    for client in (reader_client, editor_client):
        assert upload(client).status_code == 403
        assert client.post(confirm_url(), {"token": "x"}).status_code == 403
    assert "62" not in codes(world)


def test_wrong_http_methods_are_refused(world, admin_client):
    assert admin_client.post(page()).status_code == 405
    assert admin_client.get(preview_url()).status_code == 405
    assert admin_client.get(confirm_url()).status_code == 405
    assert admin_client.post(reverse("org:export", args=["teststadt", "personen", "csv"])).status_code == 405


def test_preview_shows_what_would_change_and_saves_nothing(world, admin_client):
    response = upload(admin_client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vorschau: einheiten.csv" in html
    assert "Geplante Änderungen: 2 Zeilen" in html
    assert '<th scope="row" class="kern-table__cell">62.1</th>' in html
    assert "Import ausführen" in html
    assert "62" not in codes(world)


def confirm_token(response: Any) -> str:
    return response.context["token"]


def test_confirm_imports_the_previewed_file_with_the_user_as_actor(world, admin_client):
    token = confirm_token(upload(admin_client))
    response = admin_client.post(confirm_url(), {"token": token, "action": "import"}, follow=True)
    assert response.redirect_chain[-1][0] == page()
    assert "Import abgeschlossen: 2 neu, 0 geändert, 0 unverändert" in response.content.decode()
    assert {"62", "62.1"} <= codes(world)
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(source="import")
    assert entries.count() == 2
    assert {e.actor_id for e in entries} == {world.admin.pk}
    assert len({e.request_id for e in entries}) == 1


def test_a_confirm_cannot_be_replayed(world, admin_client):
    token = confirm_token(upload(admin_client))
    admin_client.post(confirm_url(), {"token": token})
    OrgUnit.objects.for_kommune(world.kommune).filter(code="62.1").delete()
    response = admin_client.post(confirm_url(), {"token": token}, follow=True)
    assert "nicht mehr gültig" in response.content.decode()
    assert "62.1" not in codes(world)


def test_a_forged_token_imports_nothing(world, admin_client):
    upload(admin_client)
    response = admin_client.post(confirm_url(), {"token": "gefälscht"}, follow=True)
    assert "nicht mehr gültig" in response.content.decode()
    assert "62" not in codes(world)


def test_cancel_discards_the_upload(world, admin_client):
    token = confirm_token(upload(admin_client))
    response = admin_client.post(confirm_url(), {"token": token, "action": "cancel"}, follow=True)
    assert "verworfen" in response.content.decode()
    admin_client.post(confirm_url(), {"token": token})
    assert "62" not in codes(world)


def test_confirm_checks_the_file_again_against_the_current_data(world, admin_client):
    token = confirm_token(upload(admin_client, "kennung;name;typ;uebergeordnet\r\n62;Vermessungsamt;Amt;10\r\n"))
    OrgUnit.objects.for_kommune(world.kommune).filter(code="10").update(code="10-alt")
    response = admin_client.post(confirm_url(), {"token": token})
    assert response.status_code == 200
    assert "„10“ gibt es weder in dieser Datei noch in der Kommune" in response.content.decode()
    assert "62" not in codes(world)


def test_a_bad_file_is_reported_in_german_with_row_and_column_and_nothing_is_kept(world, admin_client):
    response = upload(admin_client, BAD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte korrigieren Sie die folgenden Angaben:" in html
    assert "Die Datei wurde abgelehnt (1 Fehler, siehe unten). Es wurde nichts geändert." in html
    assert '<th scope="row" class="kern-table__cell">4</th>' in html
    assert "uebergeordnet" in html and "GIBT-ES-NICHT" in html
    assert "Import ausführen" not in html
    assert not any(key.startswith("kompass.import.") for key, _value in admin_client.session.items())
    assert "62" not in codes(world)


def test_a_file_level_problem_is_shown_as_such(world, admin_client):
    html = upload(admin_client, b"%PDF-1.4 ...", name="einheiten.xlsx").content.decode()
    assert '<th scope="row" class="kern-table__cell">Datei</th>' in html
    assert "Die Datei ist keine gültige Excel-Datei" in html and "erkannt: PDF" in html


def test_a_file_over_the_limit_is_refused_at_the_field(world, admin_client, settings):
    settings.IMPORT_MAX_BYTES = 20
    response = upload(admin_client)
    assert response.status_code == 200
    assert 'id="id_file-error"' in response.content.decode()
    assert "zu groß" in response.content.decode()


def test_missing_file_or_unknown_kind_are_form_errors(world, admin_client):
    for response in (admin_client.post(preview_url(), {"kind": "orgunits"}), upload(admin_client, kind="rollen")):
        assert response.status_code == 200
        assert "Bitte korrigieren Sie die folgenden Angaben:" in response.content.decode()
        assert "Import ausführen" not in response.content.decode()


def test_people_can_be_imported_through_the_page(world, admin_client):
    text = "email;vorname;nachname;funktion;organisationseinheit\r\nz@teststadt.example;Zoe;Zander;Lotsin;32\r\n"
    token = confirm_token(upload(admin_client, text, kind="people"))
    admin_client.post(confirm_url(), {"token": token})
    assert Person.objects.for_kommune(world.kommune).get(email="z@teststadt.example").org_unit == world.ordnungsamt


@pytest.mark.parametrize(
    ("kind", "fmt", "content_type"),
    [
        ("personen", "csv", "text/csv; charset=utf-8"),
        ("organisationseinheiten", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_readers_can_download_exports_as_attachments(world, reader_client, kind, fmt, content_type):
    response = reader_client.get(reverse("org:export", args=["teststadt", kind, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(f'attachment; filename="{kind}-teststadt-')
    assert b"GEHEIM" not in response.content


def test_unknown_export_kinds_and_formats_are_404(world, reader_client):
    assert reader_client.get(reverse("org:export", args=["teststadt", "rollen", "csv"])).status_code == 404
    assert reader_client.get(reverse("org:export", args=["teststadt", "personen", "pdf"])).status_code == 404


# --- kinds come from the tabular layer's registry ---------------------------------------------------


@pytest.fixture
def glossary_kind() -> Any:
    """A kind another app could register: it only records what it was given."""
    seen: list[Any] = []

    def check_and_apply(kommune: Any, actor: Any, rows: list[Any], report: Any) -> None:
        seen.extend(rows)
        report.record([ImportRow(r.row, r.get("begriff"), ACTION_NEW) for r in rows])

    def export(kommune: Any, fmt: str) -> Any:
        return table_file(header=("begriff",), rows=[["Lotse"]], fmt=fmt, stem="glossar", kommune=kommune)

    kind = TableKind(
        key="glossary",
        label="Glossarbegriffe",
        slug="glossar",
        columns=Columns(("begriff",), ("erklaerung",)),
        check_and_apply=check_and_apply,
        export=export,
        order=99,
        key_label="Begriff",
        description="Glossarbegriffe: ein Begriff je Zeile.",
    )
    TABLE_KINDS.register(kind)
    yield seen
    TABLE_KINDS.unregister(kind.key)


def test_a_registered_kind_appears_on_the_page_imports_and_exports(world, admin_client, glossary_kind):
    content = admin_client.get(page()).content.decode()
    assert 'value="glossary"' in content and "Glossarbegriffe" in content
    assert "Glossarbegriffe: ein Begriff je Zeile." in content and "begriff" in content
    assert reverse("org:export", args=["teststadt", "glossar", "csv"]) in content
    response = upload(admin_client, "begriff;erklaerung\r\nLotse;begleitet\r\n", kind="glossary")
    assert response.context["report"].ok and response.context["token"]
    assert '<th scope="col" class="kern-table__header">Begriff</th>' in response.content.decode()
    assert [r.values for r in glossary_kind] == [{"begriff": "Lotse", "erklaerung": "begleitet"}]
    download = admin_client.get(reverse("org:export", args=["teststadt", "glossar", "csv"]))
    assert download["Content-Disposition"].startswith('attachment; filename="glossar-teststadt-')


def test_an_unregistered_kind_is_gone_from_the_page_and_refused(world, admin_client, glossary_kind):
    TABLE_KINDS.unregister("glossary")
    content = admin_client.get(page()).content.decode()
    assert "Glossarbegriffe" not in content and 'value="glossary"' not in content
    response = upload(admin_client, "begriff\r\nLotse\r\n", kind="glossary")
    assert response.status_code == 200 and "Import ausführen" not in response.content.decode()
    assert response.context["form"].errors["kind"]
    assert glossary_kind == []
    assert admin_client.get(reverse("org:export", args=["teststadt", "glossar", "csv"])).status_code == 404

"""Pages of the Verwaltungsgliederung: happy paths, German errors, audit, locking, scope and lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.selectors import entry_changes
from kompass.conftest import World
from kompass.factories import orgunit, person
from kompass.org.models import OrgUnit, OrgUnitType, Person

pytestmark = pytest.mark.django_db

SLUG = "teststadt"


def url(name: str, *args: Any) -> str:
    return reverse(f"org:{name}", args=[SLUG, *args])


def unit_form(unit: OrgUnit, **changes: Any) -> dict[str, Any]:
    data = {
        "code": unit.code,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "parent": unit.parent_id or "",
        "head_email": unit.head.email if unit.head else "",
        "is_active": "on" if unit.is_active else "",
        "version": unit.version,
    }
    return {**data, **changes}


def person_form(p: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "function_title": p.function_title,
        "org_unit": p.org_unit_id or "",
        "is_active": "on",
        "version": p.version,
    }
    return {**data, **changes}


def units(world: World) -> dict[int, dict[str, Any]]:
    return {u["id"]: u for u in OrgUnit.objects.for_kommune(world.kommune).values()}


def people(world: World) -> dict[int, dict[str, Any]]:
    return {p["id"]: p for p in Person.objects.for_kommune(world.kommune).values()}


def entries(world: World, **filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_kommune(world.kommune).filter(**filters))


# --- tree and lists ------------------------------------------------------------------------------


def test_the_tree_shows_every_unit_of_the_kommune_and_nothing_else(world: World) -> None:
    body = world.client_for(world.reader).get(url("tree")).content.decode()
    for name in ("Verwaltungsvorstand", "Dezernat I", "Hauptamt", "Ordnungsamt", "Gewerbe"):
        assert name in body
    assert "GEHEIM" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "ordnung"}, ["32"]),
        ({"typ": "sachgebiet"}, ["32.1"]),
        ({"q": "3"}, ["32", "32.1"]),
        ({"status": "inaktiv"}, []),
        ({"sort": "-code"}, ["VV", "D1", "32.1", "32", "10"]),
        ({"sort": "name"}, ["D1", "32.1", "10", "32", "VV"]),
        ({"typ": "gibt-es-nicht"}, ["10", "32", "32.1", "D1", "VV"]),
    ],
)
def test_the_unit_list_searches_filters_and_sorts(world: World, query: dict[str, str], expected: list[str]) -> None:
    response = world.client_for(world.reader).get(url("unit_list"), query)
    assert response.status_code == 200
    assert [u.code for u in response.context["page"]] == expected


def test_the_person_list_filters_by_unit_including_sub_units(world: World) -> None:
    response = world.client_for(world.reader).get(url("person_list"), {"einheit": world.ordnungsamt.pk})
    assert [p.last_name for p in response.context["page"]] == ["Ordner"]
    by_mail = world.client_for(world.reader).get(url("person_list"), {"q": "amtsleiterin@"})
    assert [p.last_name for p in by_mail.context["page"]] == ["Amtsleiterin"]


def test_the_person_list_ignores_another_kommunes_unit_in_the_filter(world: World) -> None:
    response = world.client_for(world.reader).get(url("person_list"), {"einheit": world.other_unit.pk})
    assert response.status_code == 200
    assert "GEHEIM" not in response.content.decode()
    assert response.context["form"].errors


@pytest.fixture
def crowd(world: World) -> list[Person]:
    return [person(world.kommune, f"Vorname{i:02d}", f"Zuname{i:02d}", world.hauptamt) for i in range(55)]


@pytest.mark.parametrize(
    ("page", "number", "rows"), [("1", 1, 50), ("2", 2, 7), ("99", 2, 7), ("abc", 1, 50), ("-1", 2, 7), ("", 1, 50)]
)
def test_pagination_handles_pages_beyond_the_range_and_malformed_numbers(
    world: World, crowd: list[Person], page: str, number: int, rows: int
) -> None:
    response = world.client_for(world.reader).get(url("person_list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == number
    assert len(response.context["page"]) == rows


def test_pagination_links_keep_the_filters(world: World, crowd: list[Person]) -> None:
    body = world.client_for(world.reader).get(url("person_list"), {"q": "Zuname", "page": "1"}).content.decode()
    assert "?q=Zuname&amp;page=2" in body
    assert "Seite 1 von 2" in body


@pytest.mark.parametrize("name", ["unit_list", "person_list"])
def test_htmx_requests_get_only_the_table(world: World, name: str) -> None:
    client = world.client_for(world.reader)
    full = client.get(url(name))
    partial = client.get(url(name), HTTP_HX_REQUEST="true")
    assert b"<html" in full.content
    assert b"<html" not in partial.content and b"<table" in partial.content


@pytest.mark.parametrize("name", ["unit_list", "person_list"])
def test_an_htmx_history_restore_gets_the_whole_list_page(world: World, name: str) -> None:
    """After Back, htmx may ask again for the address it pushed: it must get the page, not the table."""
    response = world.client_for(world.reader).get(
        url(name), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in response.content


@pytest.mark.parametrize("name", ["unit_list", "person_list"])
def test_list_pages_tell_caches_that_they_vary_with_the_htmx_header(world: World, name: str) -> None:
    assert "HX-Request" in world.client_for(world.reader).get(url(name))["Vary"]


def test_an_unknown_sort_key_sorts_by_the_default_and_marks_that_column(world: World) -> None:
    response = world.client_for(world.reader).get(url("unit_list"), {"sort": "pfad"})
    assert [u.code for u in response.context["page"]] == ["10", "32", "32.1", "D1", "VV"]
    assert response.context["sort"] == "code"
    assert 'aria-sort="ascending"><a href="?sort=-code">' in response.content.decode()


def test_the_sort_holds_while_a_filter_is_invalid(world: World) -> None:
    response = world.client_for(world.reader).get(url("unit_list"), {"q": "x" * 101, "sort": "-code"})
    assert response.context["form"].errors
    assert [u.code for u in response.context["page"]] == ["VV", "D1", "32.1", "32", "10"]


def test_the_person_list_sorts_by_unit(world: World) -> None:
    response = world.client_for(world.reader).get(url("person_list"), {"sort": "-unit"})
    assert [p.last_name for p in response.context["page"]] == ["Ordner", "Amtsleiterin"]


@pytest.mark.parametrize("name", ["tree", "unit_list", "person_list"])
def test_the_number_of_queries_does_not_grow_with_the_data(world: World, name: str) -> None:
    client = world.client_for(world.reader)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(name)).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(8):
        unit = orgunit(world.kommune, f"60.{i}", f"Abteilung {i}", OrgUnitType.ABTEILUNG, world.hauptamt)
        person(world.kommune, f"Extra{i}", "Person", unit)
    assert count() == before


# --- creating and editing units ------------------------------------------------------------------


def test_admin_creates_a_unit_and_the_audit_log_records_it(world: World) -> None:
    response = world.client_for(world.admin).post(
        url("unit_create"),
        {
            "code": "33",
            "name": "Bürgeramt",
            "unit_type": "amt",
            "parent": world.dezernat.pk,
            "head_email": "ALICE.amtsleiterin@teststadt.example",
            "is_active": "on",
        },
    )
    unit = OrgUnit.objects.for_kommune(world.kommune).get(code="33")
    assert response.status_code == 302 and response["Location"] == url("unit_detail", unit.pk)
    assert (unit.parent_id, unit.head_id, unit.depth) == (world.dezernat.pk, world.alice.pk, 2)
    (entry,) = entries(world, object_type="orgunit", object_id=str(unit.pk))
    assert (entry.action, entry.actor_id, entry.actor_name, entry.source) == (
        "create",
        world.admin.pk,
        "",  # no name in the row: shown from the account
        "ui",
    )
    assert entry.changes["name"] == [None, "Bürgeramt"]
    assert entry.request_id


def test_invalid_unit_input_shows_german_errors_at_the_field_and_on_top_and_changes_nothing(world: World) -> None:
    before, audit = units(world), len(entries(world))
    response = world.client_for(world.admin).post(
        url("unit_create"), {"code": "32", "name": "", "unit_type": "amt", "head_email": "niemand@teststadt.example"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_name-error"' in body and "Dieses Feld ist zwingend erforderlich." in body
    assert 'id="id_head_email-error"' in body
    assert "Keine Person dieser Kommune passt zu „niemand@teststadt.example“." in body
    summary = body.split('class="kern-alert kern-alert--danger kk-error-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "Bitte korrigieren Sie die folgenden Angaben:" in summary
    assert 'href="#id_name"' in summary and "Keine Person dieser Kommune" in summary
    assert units(world) == before and len(entries(world)) == audit


def test_a_taken_code_is_reported_at_the_code_field(world: World) -> None:
    response = world.client_for(world.admin).post(
        url("unit_create"), {"code": "32", "name": "Zweites Ordnungsamt", "unit_type": "amt"}
    )
    assert response.context["form"].errors["code"] == ["Die Kennung „32“ ist bereits vergeben."]
    assert OrgUnit.objects.for_kommune(world.kommune).filter(code="32").count() == 1


def test_admin_edits_a_unit_and_the_audit_entry_has_before_and_after(world: World) -> None:
    response = world.client_for(world.admin).post(
        url("unit_edit", world.hauptamt.pk), unit_form(world.hauptamt, name="Haupt- und Personalamt")
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.for_kommune(world.kommune).get(pk=world.hauptamt.pk)
    assert (unit.name, unit.version) == ("Haupt- und Personalamt", 2)
    (entry,) = entries(world, object_id=str(unit.pk), action=AuditAction.UPDATE)
    assert entry.changes == {"name": ["Hauptamt", "Haupt- und Personalamt"]}
    assert entry.actor_id == world.admin.pk


def test_the_edit_form_is_filled_with_the_current_values(world: World) -> None:
    body = world.client_for(world.admin).get(url("unit_edit", world.sachgebiet.pk)).content.decode()
    assert 'value="32.1"' in body and 'value="Gewerbe"' in body
    assert 'name="version" value="1"' in body


def test_two_edits_of_the_same_version_the_second_gets_the_conflict_message(world: World) -> None:
    first, second = world.client_for(world.admin), Client()
    second.force_login(world.admin)
    loaded = unit_form(world.hauptamt)
    assert first.post(url("unit_edit", world.hauptamt.pk), {**loaded, "name": "Hauptamt A"}).status_code == 302
    response = second.post(url("unit_edit", world.hauptamt.pk), {**loaded, "name": "Hauptamt B"})
    assert response.status_code == 200
    assert "Der Datensatz wurde inzwischen von jemand anderem geändert." in response.content.decode()
    assert OrgUnit.objects.for_kommune(world.kommune).get(pk=world.hauptamt.pk).name == "Hauptamt A"


def test_two_edits_of_the_same_person_the_second_gets_the_conflict_message(world: World) -> None:
    loaded = person_form(world.bruno)
    client = world.client_for(world.admin)
    assert client.post(url("person_edit", world.bruno.pk), {**loaded, "function_title": "A"}).status_code == 302
    response = client.post(url("person_edit", world.bruno.pk), {**loaded, "function_title": "B"})
    assert "Der Datensatz wurde inzwischen von jemand anderem geändert." in response.content.decode()
    assert Person.objects.for_kommune(world.kommune).get(pk=world.bruno.pk).function_title == "A"


def test_moving_a_unit_through_the_form_moves_its_subtree(world: World) -> None:
    response = world.client_for(world.admin).post(
        url("unit_edit", world.ordnungsamt.pk), unit_form(world.ordnungsamt, parent=world.root.pk)
    )
    assert response.status_code == 302
    sachgebiet = OrgUnit.objects.for_kommune(world.kommune).get(pk=world.sachgebiet.pk)
    assert sachgebiet.depth == 2 and sachgebiet.path.startswith(world.root.path)


def test_moving_a_unit_below_its_own_child_is_refused_with_a_german_message(world: World) -> None:
    before = units(world)
    response = world.client_for(world.admin).post(
        url("unit_edit", world.ordnungsamt.pk), unit_form(world.ordnungsamt, parent=world.sachgebiet.pk)
    )
    assert response.status_code == 200
    assert "nicht unter sich selbst" in response.context["form"].errors["parent"][0]
    assert units(world) == before


# --- the editor limited to 32 Ordnungsamt --------------------------------------------------------


def test_editor_limited_to_ordnungsamt_can_open_the_create_forms(world: World) -> None:
    client = world.client_for(world.editor)
    assert client.get(url("unit_create")).status_code == 200
    assert client.get(url("person_create")).status_code == 200


def test_editor_limited_to_ordnungsamt_can_add_a_person_to_her_subtree(world: World) -> None:
    response = world.client_for(world.editor).post(
        url("person_create"),
        {
            "first_name": "Nora",
            "last_name": "Neu",
            "email": "nora.neu@teststadt.example",
            "org_unit": world.sachgebiet.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302


def test_editor_can_edit_a_unit_inside_her_subtree(world: World) -> None:
    response = world.client_for(world.editor).post(
        url("unit_edit", world.sachgebiet.pk), unit_form(world.sachgebiet, name="Gewerbe und Gaststätten")
    )
    assert response.status_code == 302
    assert OrgUnit.objects.for_kommune(world.kommune).get(pk=world.sachgebiet.pk).name == "Gewerbe und Gaststätten"


def test_editor_cannot_edit_hauptamt_outside_her_subtree(world: World) -> None:
    before = units(world)
    client = world.client_for(world.editor)
    assert client.get(url("unit_edit", world.hauptamt.pk)).status_code == 403
    response = client.post(url("unit_edit", world.hauptamt.pk), unit_form(world.hauptamt, name="Übernommen"))
    assert response.status_code == 403
    assert units(world) == before


def test_editor_cannot_move_a_unit_out_of_her_subtree(world: World) -> None:
    before = units(world)
    response = world.client_for(world.editor).post(
        url("unit_edit", world.sachgebiet.pk), unit_form(world.sachgebiet, parent=world.hauptamt.pk)
    )
    assert response.status_code == 403
    assert units(world) == before


def test_editor_cannot_create_a_unit_or_person_outside_her_subtree(world: World) -> None:
    before_units, before_people = units(world), people(world)
    client = world.client_for(world.editor)
    unit = {"code": "10.5", "name": "Fremd", "unit_type": "abteilung", "parent": world.hauptamt.pk}
    assert client.post(url("unit_create"), unit).status_code == 403
    assert client.post(url("unit_create"), {**unit, "parent": ""}).status_code == 403
    newcomer = {
        "first_name": "F",
        "last_name": "Remd",
        "email": "f.remd@teststadt.example",
        "org_unit": world.hauptamt.pk,
    }
    assert client.post(url("person_create"), newcomer).status_code == 403
    assert (
        client.post(
            url("person_edit", world.bruno.pk), person_form(world.bruno, org_unit=world.hauptamt.pk)
        ).status_code
        == 403
    )
    assert units(world) == before_units and people(world) == before_people


def test_the_reader_may_look_but_not_change(world: World) -> None:
    client = world.client_for(world.reader)
    assert client.get(url("unit_detail", world.hauptamt.pk)).status_code == 200
    assert client.get(url("unit_edit", world.hauptamt.pk)).status_code == 403
    assert client.post(url("unit_delete", world.hauptamt.pk), {}).status_code == 403
    assert OrgUnit.objects.for_kommune(world.kommune).filter(pk=world.hauptamt.pk).exists()


def test_the_history_is_shown_to_the_admin_but_not_to_the_reader(world: World) -> None:
    admin = world.client_for(world.admin).get(url("unit_detail", world.hauptamt.pk))
    reader = world.client_for(world.reader).get(url("unit_detail", world.hauptamt.pk))
    assert admin.context["history"] is not None and len(admin.context["history"]) == 1
    assert reader.context["history"] is None


# --- deleting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "reason"), [("dezernat", "Untereinheiten"), ("sachgebiet", "Personen"), ("ordnungsamt", "Untereinheiten")]
)
def test_deleting_a_unit_that_still_has_content_is_refused(world: World, which: str, reason: str) -> None:
    unit = getattr(world, which)
    before = units(world)
    response = world.client_for(world.admin).post(url("unit_delete", unit.pk), {"version": unit.version})
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert units(world) == before


def test_a_unit_limiting_a_membership_cannot_be_deleted(world: World) -> None:
    empty = orgunit(world.kommune, "32.5", "Leer", OrgUnitType.SACHGEBIET, world.ordnungsamt)
    from kompass.tenancy.models import Membership

    Membership.objects.for_kommune(world.kommune).filter(user=world.editor).update(scope_unit=empty)
    response = world.client_for(world.admin).post(url("unit_delete", empty.pk), {"version": 1})
    assert "Mitgliedschaft" in response.content.decode()
    assert OrgUnit.objects.for_kommune(world.kommune).filter(pk=empty.pk).exists()


def test_an_empty_unit_is_deleted_with_audit(world: World) -> None:
    empty = orgunit(world.kommune, "32.5", "Leer", OrgUnitType.SACHGEBIET, world.ordnungsamt)
    response = world.client_for(world.editor).post(url("unit_delete", empty.pk), {"version": empty.version})
    assert response.status_code == 302 and response["Location"] == url("tree")
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(pk=empty.pk).exists()
    (entry,) = entries(world, object_id=str(empty.pk), action=AuditAction.DELETE)
    assert entry.actor_id == world.editor.pk and entry.changes["code"] == ["32.5", None]


def test_a_stale_delete_is_a_conflict(world: World) -> None:
    empty = orgunit(world.kommune, "32.5", "Leer", OrgUnitType.SACHGEBIET, world.ordnungsamt)
    client = world.client_for(world.admin)
    client.post(url("unit_edit", empty.pk), unit_form(empty, name="Umbenannt"))
    response = client.post(url("unit_delete", empty.pk), {"version": 1})
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    assert OrgUnit.objects.for_kommune(world.kommune).filter(pk=empty.pk).exists()


# --- people --------------------------------------------------------------------------------------


def test_admin_creates_a_person_with_a_lower_case_email_and_audit(world: World) -> None:
    response = world.client_for(world.admin).post(
        url("person_create"),
        {
            "first_name": "Jörg",
            "last_name": "Groß",
            "email": "Joerg.Gross@Teststadt.example",
            "function_title": "Sachbearbeitung",
            "org_unit": world.hauptamt.pk,
            "is_active": "on",
        },
    )
    created = Person.objects.for_kommune(world.kommune).get(last_name="Groß")
    assert response.status_code == 302 and response["Location"] == url("person_detail", created.pk)
    assert created.email == "joerg.gross@teststadt.example"
    (entry,) = entries(world, object_type="person", object_id=str(created.pk))
    assert entry.action == "create" and entry.actor_id == world.admin.pk


def test_invalid_person_input_shows_german_errors_and_changes_nothing(world: World) -> None:
    before = people(world)
    response = world.client_for(world.admin).post(
        url("person_create"), {"first_name": "", "last_name": "X", "email": "keine-adresse"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "gültige E-Mail-Adresse eingeben." in body
    assert 'id="id_first_name-error"' in body and 'id="id_email-error"' in body
    assert people(world) == before


def test_an_email_used_by_another_person_is_refused_whatever_its_case(world: World) -> None:
    response = world.client_for(world.admin).post(
        url("person_edit", world.bruno.pk), person_form(world.bruno, email="ALICE.Amtsleiterin@teststadt.example")
    )
    assert "bereits einer anderen Person zugeordnet" in response.context["form"].errors["email"][0]
    assert Person.objects.for_kommune(world.kommune).get(pk=world.bruno.pk).email == "bruno.ordner@teststadt.example"


def test_admin_edits_a_person_with_audit(world: World) -> None:
    response = world.client_for(world.admin).post(
        url("person_edit", world.bruno.pk), person_form(world.bruno, function_title="Sachgebietsleitung")
    )
    assert response.status_code == 302
    (entry,) = entries(world, object_type="person", object_id=str(world.bruno.pk), action=AuditAction.UPDATE)
    assert entry_changes(entry) == {"function_title": ["", "Sachgebietsleitung"]}


def test_deleting_a_person_who_leads_a_unit_leaves_the_unit_without_head(world: World) -> None:
    client = world.client_for(world.admin)
    client.post(url("unit_edit", world.hauptamt.pk), unit_form(world.hauptamt, head_email=world.alice.email))
    response = client.post(url("person_delete", world.alice.pk), {"version": world.alice.version})
    assert response.status_code == 302 and response["Location"] == url("person_list")
    assert OrgUnit.objects.for_kommune(world.kommune).get(pk=world.hauptamt.pk).head_id is None
    assert entries(world, object_type="person", object_id=str(world.alice.pk), action=AuditAction.DELETE)


def test_unit_breadcrumb_names_every_ancestor_and_the_edit_page_the_unit(admin_client, world):
    slug = world.kommune.slug
    detail = admin_client.get(f"/k/{slug}/organisation/einheiten/{world.ordnungsamt.pk}/").content.decode()
    crumbs = detail.split('class="kk-breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert "VV Verwaltungsvorstand" in crumbs and "D1 Dezernat I" in crumbs and "32 Ordnungsamt" in crumbs
    edit = admin_client.get(f"/k/{slug}/organisation/einheiten/{world.ordnungsamt.pk}/bearbeiten/").content.decode()
    assert "32 Ordnungsamt" in edit.split('class="kk-breadcrumb"', 1)[1].split("</nav>", 1)[0]

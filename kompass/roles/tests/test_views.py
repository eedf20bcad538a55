"""The role-model pages: every view for every persona, the journeys of a CDO, and query counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.audit.models import AuditEntry
from kompass.audit.selectors import entry_changes
from kompass.factories import person
from kompass.org.models import Person
from kompass.roles import selectors
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Assignment, Catalogue, CatalogueRole, RelationType, Role, RoleModel, RoleRelation
from kompass.roles.tests.conftest import KGST_ROLES, Model, role_toml, write_catalogues
from kompass.tenancy.capabilities import ROLE_CAPABILITIES, Capability
from kompass.tenancy.models import Role as MemberRole

SLUG = "teststadt"
TODAY = datetime.date.today()


def url(name: str, *args: Any) -> str:
    return reverse(f"roles:{name}", args=[SLUG, *args])


def last_audit(kommune: Any, object_type: str, action: str) -> AuditEntry:
    entry = (
        AuditEntry.objects.for_kommune(kommune)
        .filter(object_type=object_type, action=action)
        .order_by("-created_at", "-id")
        .first()
    )
    assert entry is not None, f"no {action} entry for {object_type}"
    return entry


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- every route: anonymous, outsider, reader, wrong method ---------------------------------------


@dataclass(frozen=True)
class R:
    name: str
    methods: tuple[str, ...]
    kind: str = ""  # "role", "assignment", "catalogue" — what the URL needs
    write_for_reader_forbidden: bool = True


ROUTES = [
    R("role_list", ("GET",)),
    R("catalogue_adopt", ("POST",)),
    R("catalogue_list", ("GET",)),
    R("catalogue_role", ("GET",), "catalogue"),
    R("role_create", ("GET", "POST")),
    R("role_detail", ("GET",), "role"),
    R("role_edit", ("GET", "POST"), "role"),
    R("role_delete", ("GET", "POST"), "role"),
    R("relation_create", ("POST",), "role"),
    R("relation_delete", ("POST",), "role"),
    R("catalogue_updates", ("GET",)),
    R("role_take_catalogue_version", ("POST",), "role"),
    R("role_add_from_catalogue", ("POST",)),
    R("assignment_list", ("GET",)),
    R("assignment_create", ("GET", "POST")),
    R("assignment_edit", ("GET", "POST"), "assignment"),
    R("assignment_end", ("GET", "POST"), "assignment"),
    R("assignment_delete", ("GET", "POST"), "assignment"),
    R("lotsen", ("GET",)),
    R("checks", ("GET",)),
]
READ_ONLY = {"role_list", "catalogue_list", "catalogue_role", "role_detail", "catalogue_updates", "assignment_list"}
READ_ONLY |= {"lotsen", "checks"}


@pytest.fixture
def lotse(adopted: Model) -> Assignment:
    """Bruno (32.1 Gewerbe) is the Lotse of the Ordnungsamt."""
    w = adopted.world
    return adopted.assign(w.bruno, "lotse", 20, org_unit=w.ordnungsamt, approved_by=w.alice)


def route_url(route: R, adopted: Model, assignment: Assignment) -> str:
    if route.kind == "role":
        return url(route.name, adopted.roles["cdo"].pk)
    if route.kind == "assignment":
        return url(route.name, assignment.pk)
    if route.kind == "catalogue":
        return url(route.name, adopted.model.catalogue_id, "cdo")
    return url(route.name)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_anonymous_visitors_are_sent_to_the_login(route: R, adopted: Model, lotse: Assignment) -> None:
    target = route_url(route, adopted, lotse)
    for method in route.methods:
        response = Client().generic(method, target)
        assert response.status_code == 302, method
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_members_of_another_kommune_get_404(
    route: R, adopted: Model, lotse: Assignment, outsider_client: Client
) -> None:
    target = route_url(route, adopted, lotse)
    for method in route.methods:
        response = outsider_client.generic(method, target)
        assert response.status_code == 404, method
        assert b"GEHEIM" not in response.content


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_methods_a_route_does_not_serve_answer_405(
    route: R, adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    target = route_url(route, adopted, lotse)
    for method in {"GET", "POST", "PUT", "DELETE"} - set(route.methods):
        assert admin_client.generic(method, target).status_code == 405, method


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in READ_ONLY], ids=lambda r: r.name)
def test_readers_may_not_change_anything(route: R, adopted: Model, lotse: Assignment, reader_client: Client) -> None:
    target = route_url(route, adopted, lotse)
    before = AuditEntry.objects.for_kommune(adopted.world.kommune).count()
    for method in route.methods:
        response = reader_client.generic(method, target) if method == "GET" else reader_client.post(target, {})
        assert response.status_code == 403, method
    assert AuditEntry.objects.for_kommune(adopted.world.kommune).count() == before


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_readers_see_every_read_page(name: str, adopted: Model, lotse: Assignment, reader_client: Client) -> None:
    route = next(r for r in ROUTES if r.name == name)
    response = reader_client.get(route_url(route, adopted, lotse))
    assert response.status_code == 200
    assert b"GEHEIM" not in response.content


# --- adoption ------------------------------------------------------------------------------------


def test_without_a_model_the_role_list_explains_adoption_and_offers_both_catalogues(
    world: Any, catalogues: dict[str, Catalogue], admin_client: Client
) -> None:
    response = admin_client.get(url("role_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Rollenmodell übernehmen" in text
    assert "KGSt-orientiertes Rollenmodell (Test)" in text and "E-Kompetenz (Test)" in text
    assert text.count('name="catalogue"') == 2


def test_readers_see_the_offer_but_no_adopt_button(
    world: Any, catalogues: dict[str, Catalogue], reader_client: Client
) -> None:
    text = reader_client.get(url("role_list")).content.decode()
    assert "Rollenmodell übernehmen" in text and 'name="catalogue"' not in text


def test_adopting_copies_the_catalogue_once_and_refuses_a_second_time(
    world: Any, catalogues: dict[str, Catalogue], admin_client: Client
) -> None:
    kgst = catalogues["kgst"]
    response = admin_client.post(url("catalogue_adopt"), {"catalogue": kgst.pk})
    assert response.status_code == 302
    assert Role.objects.for_kommune(world.kommune).count() == len(KGST_ROLES)
    entry = last_audit(world.kommune, "rolemodel", "create")
    assert entry.changes["version"] == [None, "2026.1"]

    again = admin_client.post(url("catalogue_adopt"), {"catalogue": catalogues["itplr-ekompetenz"].pk}, follow=True)
    assert "bereits ein Rollenmodell" in " ".join(messages_of(again))
    assert RoleModel.objects.for_kommune(world.kommune).count() == 1
    assert Role.objects.for_kommune(world.kommune).count() == len(KGST_ROLES)


def test_adopting_an_unknown_catalogue_changes_nothing(world: Any, catalogues: Any, admin_client: Client) -> None:
    response = admin_client.post(url("catalogue_adopt"), {"catalogue": "999999"}, follow=True)
    assert "angebotenen Rollenkataloge" in " ".join(messages_of(response))
    assert not RoleModel.objects.for_kommune(world.kommune).exists()


def test_a_limited_editor_may_not_adopt(world: Any, catalogues: Any, editor_client: Client) -> None:
    response = editor_client.post(url("catalogue_adopt"), {"catalogue": catalogues["kgst"].pk})
    assert response.status_code == 403
    assert not RoleModel.objects.for_kommune(world.kommune).exists()


def test_an_unlimited_editor_may_adopt(world: Any, catalogues: Any) -> None:
    from kompass.factories import UserFactory
    from kompass.tenancy.models import Membership

    user = UserFactory(username="redaktion")
    Membership.objects.create(kommune=world.kommune, user=user, role="editor")
    response = world.client_for(user).post(url("catalogue_adopt"), {"catalogue": catalogues["kgst"].pk})
    assert response.status_code == 302
    assert RoleModel.objects.for_kommune(world.kommune).exists()


# --- the role list and the role profile ----------------------------------------------------------


def test_role_list_shows_status_holders_and_provenance_as_text(
    adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    from kompass.roles import services

    w = adopted.world
    services.role_update(
        kommune=w.kommune,
        actor=None,
        role=adopted.roles["personal"],
        data={"not_filled": True, "not_filled_reason": "Übernimmt der Kreis"},
    )
    services.role_update(kommune=w.kommune, actor=None, role=adopted.roles["rat"], data={"is_active": False})
    text = admin_client.get(url("role_list")).content.decode()
    assert "1 Person" in text and "besetzt" in text
    assert "bewusst nicht besetzt" in text and "Übernimmt der Kreis" in text
    assert "inaktiv" in text and "unbesetzt" in text
    assert "aus dem Katalog" in text and "belegt" in text
    assert url("role_create") in text


def test_role_profile_shows_texts_relations_both_ways_holders_and_history(
    adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    w = adopted.world
    cdo = adopted.roles["cdo"]
    adopted.assign(w.alice, "cdo", 50, org_unit=w.root, deputy=w.bruno, mandate="Dienstanweisung vom 01.03.2025")
    response = admin_client.get(url("role_detail", cdo.pk))
    text = response.content.decode()
    assert "Zweck der Rolle Chief Digital Officer." in text
    assert "Aufgabe eins von CDO" in text and "Strategische Steuerung" in text
    assert "berichtet an" in text and "Verwaltungsvorstand" in text
    assert "arbeiten dieser Rolle zu" in text and "Digitale Lotsinnen und Lotsen" in text
    assert "Amtsleiterin, Alice" in text and "Dienstanweisung vom 01.03.2025" in text and "50 %" in text
    assert "Fassung 2026.1" in text and "belegt" in text
    assert "Verlauf" in text
    assert url("role_edit", cdo.pk) in text


def test_role_profile_shows_the_first_fifty_holders_and_links_all_of_them(adopted: Model, admin_client: Client) -> None:
    from kompass.roles.views.model import HOLDERS_SHOWN

    w = adopted.world
    for i in range(HOLDERS_SHOWN + 2):
        adopted.assign(person(w.kommune, "Lotsin", f"Nr{i:03d}", w.ordnungsamt), "lotse", 10)
    text = admin_client.get(url("role_detail", adopted.roles["lotse"].pk)).content.decode()
    assert "Nr049" in text and "Nr050" not in text  # sorted by name, cut after fifty
    assert f"Die ersten 50 von {HOLDERS_SHOWN + 2} aktuellen Zuordnungen" in text
    assert f"{url('assignment_list')}?rolle={adopted.roles['lotse'].pk}" in text


def test_role_profile_lists_every_holder_below_the_limit_without_a_link(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    adopted.assign(w.alice, "cdo", 50)
    text = admin_client.get(url("role_detail", adopted.roles["cdo"].pk)).content.decode()
    assert "1 aktuelle Zuordnung" in text and "in der Zuordnungsliste ansehen" not in text


def test_role_profile_links_the_pdf_when_that_page_exists(adopted: Model, admin_client: Client) -> None:
    from django.urls import NoReverseMatch

    cdo = adopted.roles["cdo"]
    try:
        pdf = reverse("roles:role_pdf", args=[SLUG, cdo.pk])
    except NoReverseMatch:
        pytest.skip("the PDF page is not part of this build")
    assert pdf in admin_client.get(url("role_detail", cdo.pk)).content.decode()


def test_ended_assignments_stay_visible_as_history_on_the_role(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    adopted.assign(w.alice, "isb", 20, valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2024, 12, 31))
    text = admin_client.get(url("role_detail", adopted.roles["isb"].pk)).content.decode()
    assert "1 beendete Zuordnung" in text
    assert "31.12.2024" in text and "Amtsleiterin, Alice" in text
    assert "Niemand ist dieser Rolle derzeit zugeordnet." in text


def test_catalogue_pages_show_the_shipped_roles_read_only(adopted: Model, reader_client: Client) -> None:
    catalogue = adopted.model.catalogue
    listing = reader_client.get(url("catalogue_list")).content.decode()
    assert "E-Kompetenz (Test)" in listing and "Prozessmanager(in)" in listing
    profile = reader_client.get(url("catalogue_role", catalogue.pk, "lotse")).content.decode()
    assert "Digitale Lotsinnen und Lotsen" in profile and "arbeitet zu" in profile
    assert "nur zum Lesen" in profile


def test_catalogue_role_pages_answer_404_for_unknown_roles(adopted: Model, admin_client: Client) -> None:
    catalogue = adopted.model.catalogue
    assert admin_client.get(url("catalogue_role", catalogue.pk, "gibt-es-nicht")).status_code == 404
    assert admin_client.get(url("catalogue_role", 999999, "cdo")).status_code == 404


# --- editing roles -------------------------------------------------------------------------------


def role_form(role: Role, **changes: Any) -> dict[str, Any]:
    data = {
        "name": role.name,
        "short_name": role.short_name,
        "kind": role.kind,
        "purpose": role.purpose,
        "tasks": "\n".join(role.tasks),
        "responsibilities": "\n".join(role.responsibilities),
        "placement": role.placement,
        "competences": "\n".join(role.competences),
        "time_share_percent": "" if role.time_share_percent is None else role.time_share_percent,
        "time_share_note": role.time_share_note,
        "source": role.source,
        "not_filled_reason": role.not_filled_reason,
        "version": role.version,
    }
    if role.is_active:
        data["is_active"] = "on"
    if role.not_filled:
        data["not_filled"] = "on"
    return {**data, **changes}


def test_admin_adapts_a_role_with_one_task_per_line_and_the_audit_keeps_before_and_after(
    adopted: Model, admin_client: Client
) -> None:
    cdo = adopted.roles["cdo"]
    response = admin_client.post(
        url("role_edit", cdo.pk), role_form(cdo, tasks="Agenda fortschreiben\n\n  Lotsen koordinieren  \n")
    )
    assert response.status_code == 302
    cdo.refresh_from_db()
    assert cdo.tasks == ["Agenda fortschreiben", "Lotsen koordinieren"]
    assert cdo.version == 2
    entry = last_audit(adopted.world.kommune, "role", "update")
    assert entry.changes["tasks"] == [["Aufgabe eins von CDO", "Aufgabe zwei von CDO"], cdo.tasks]


def test_not_filled_needs_a_reason_shown_next_to_the_field(adopted: Model, admin_client: Client) -> None:
    cio = adopted.roles["cio"]
    response = admin_client.post(url("role_edit", cio.pk), role_form(cio, not_filled="on", not_filled_reason=""))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="id_not_filled_reason-error"' in text and "Bitte korrigieren Sie" in text
    cio.refresh_from_db()
    assert cio.not_filled is False and cio.version == 1


def test_a_stale_role_edit_is_refused_and_changes_nothing(adopted: Model, admin_client: Client) -> None:
    cdo = adopted.roles["cdo"]
    admin_client.post(url("role_edit", cdo.pk), role_form(cdo, name="CDO neu"))
    response = admin_client.post(url("role_edit", cdo.pk), role_form(cdo, name="Überschrieben"))  # version 1
    assert response.status_code == 200
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    cdo.refresh_from_db()
    assert cdo.name == "CDO neu"


def test_recommended_time_share_outside_0_to_100_is_an_error(adopted: Model, admin_client: Client) -> None:
    lotse_role = adopted.roles["lotse"]
    response = admin_client.post(url("role_edit", lotse_role.pk), role_form(lotse_role, time_share_percent="120"))
    assert 'id="id_time_share_percent-error"' in response.content.decode()


def test_admin_creates_and_deletes_an_own_role(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    response = admin_client.post(
        url("role_create"),
        {
            "name": "Open-Data-Beauftragte(r)",
            "short_name": "Open Data",
            "kind": "intern",
            "tasks": "Daten öffnen",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    role = Role.objects.for_kommune(w.kommune).get(name="Open-Data-Beauftragte(r)")
    assert role.is_custom and role.confidence == "eigene" and role.tasks == ["Daten öffnen"]
    assert last_audit(w.kommune, "role", "create").changes["name"] == [None, role.name]
    assert "eigene Rolle" in admin_client.get(url("role_detail", role.pk)).content.decode()

    assert admin_client.post(url("role_delete", role.pk), {"version": role.version}).status_code == 302
    assert not Role.objects.for_kommune(w.kommune).filter(pk=role.pk).exists()
    assert last_audit(w.kommune, "role", "delete").changes["name"] == [role.name, None]


def test_catalogue_roles_and_roles_with_assignments_are_not_deleted_but_deactivation_is_explained(
    adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    cdo = adopted.roles["cdo"]
    page = admin_client.get(url("role_delete", cdo.pk)).content.decode()
    assert "inaktiv" in page and "Endgültig löschen" not in page
    response = admin_client.post(url("role_delete", cdo.pk), {"version": cdo.version})
    assert response.status_code == 200
    assert Role.objects.for_kommune(adopted.world.kommune).filter(pk=cdo.pk).exists()

    from kompass.roles import services

    own = services.role_create(kommune=adopted.world.kommune, actor=None, data={"name": "Eigene Rolle"})
    adopted.roles["own"] = own
    adopted.assign(adopted.world.bruno, "own", 5)
    assert "Verlauf erhalten" in admin_client.get(url("role_delete", own.pk)).content.decode()
    response = admin_client.post(url("role_delete", own.pk), {"version": own.version})
    assert response.status_code == 200 and "inaktiv" in response.content.decode()
    assert Role.objects.for_kommune(adopted.world.kommune).filter(pk=own.pk).exists()


def test_relations_are_added_and_removed_on_the_role_page(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    cdo, isb = adopted.roles["cdo"], adopted.roles["isb"]
    response = admin_client.post(
        url("relation_create", cdo.pk), {"relation_type": RelationType.BERAET, "to_role": isb.pk, "note": "Sicherheit"}
    )
    assert response.status_code == 302
    relation = RoleRelation.objects.for_kommune(w.kommune).get(from_role=cdo, to_role=isb)
    assert last_audit(w.kommune, "rolerelation", "create").changes["relation_type"] == [None, "beraet"]
    assert "beraten diese Rolle" in admin_client.get(url("role_detail", isb.pk)).content.decode()

    response = admin_client.post(url("relation_delete", isb.pk), {"relation": relation.pk})
    assert response.status_code == 302
    assert not RoleRelation.objects.for_kommune(w.kommune).filter(pk=relation.pk).exists()
    assert last_audit(w.kommune, "rolerelation", "delete").changes["relation_type"] == ["beraet", None]


def test_a_relation_to_itself_or_to_another_kommune_is_refused(adopted: Model, admin_client: Client) -> None:
    cdo = adopted.roles["cdo"]
    response = admin_client.post(url("relation_create", cdo.pk), {"relation_type": "beraet", "to_role": cdo.pk})
    assert response.status_code == 200 and 'id="id_to_role-error"' in response.content.decode()
    response = admin_client.post(url("relation_create", cdo.pk), {"relation_type": "erfunden", "to_role": cdo.pk})
    assert response.status_code == 200 and 'id="id_relation_type-error"' in response.content.decode()


def test_removing_a_relation_of_another_role_is_not_found(adopted: Model, admin_client: Client) -> None:
    relation = RoleRelation.objects.for_kommune(adopted.world.kommune).get(from_role=adopted.roles["cdo"])
    response = admin_client.post(url("relation_delete", adopted.roles["isb"].pk), {"relation": relation.pk})
    assert response.status_code == 404


def test_a_limited_editor_may_not_change_the_role_model(adopted: Model, editor_client: Client) -> None:
    cdo = adopted.roles["cdo"]
    assert editor_client.get(url("role_edit", cdo.pk)).status_code == 403
    assert editor_client.post(url("role_edit", cdo.pk), role_form(cdo, name="Hack")).status_code == 403
    assert editor_client.post(url("role_create"), {"name": "X", "kind": "intern"}).status_code == 403
    cdo.refresh_from_db()
    assert cdo.name == "Chief Digital Officer"


def _editor_without(monkeypatch: pytest.MonkeyPatch, capability: Capability) -> None:
    """The capability map with the Redaktion lacking `capability` (it keeps EDIT_ORG and EDIT_PEOPLE)."""
    editor = ROLE_CAPABILITIES[MemberRole.EDITOR]
    monkeypatch.setitem(ROLE_CAPABILITIES, MemberRole.EDITOR, editor - {capability})


def test_the_role_model_pages_ask_for_edit_role_model_not_edit_org(
    adopted: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kompass.factories import UserFactory
    from kompass.tenancy.models import Membership

    w, cdo = adopted.world, adopted.roles["cdo"]
    user = UserFactory(username="redaktion")
    Membership.objects.create(kommune=w.kommune, user=user, role="editor")  # without unit limit
    client = w.client_for(user)
    assert client.get(url("role_edit", cdo.pk)).status_code == 200
    assert url("role_create") in client.get(url("role_list")).content.decode()
    assert "data-matrix-edit" in client.get(url("matrix")).content.decode()
    _editor_without(monkeypatch, Capability.EDIT_ROLE_MODEL)
    assert client.get(url("role_edit", cdo.pk)).status_code == 403
    assert client.post(url("role_create"), {"name": "X", "kind": "intern"}).status_code == 403
    assert client.post(url("role_add_from_catalogue"), {}).status_code == 403
    assert url("role_create") not in client.get(url("role_list")).content.decode()
    assert "data-matrix-edit" not in client.get(url("matrix")).content.decode()
    assert client.get(url("assignment_create")).status_code == 200  # assignments are another right
    assert not Role.objects.for_kommune(w.kommune).filter(name="X").exists()


def test_the_assignment_pages_ask_for_edit_assignments_not_edit_people(
    adopted: Model, lotse: Assignment, editor_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert url("assignment_create") in editor_client.get(url("assignment_list")).content.decode()
    _editor_without(monkeypatch, Capability.EDIT_ASSIGNMENTS)
    assert editor_client.get(url("assignment_create")).status_code == 403
    assert editor_client.get(url("assignment_edit", lotse.pk)).status_code == 403
    assert editor_client.post(url("assignment_end", lotse.pk), {"version": 1}).status_code == 403
    text = editor_client.get(url("assignment_list")).content.decode()
    assert url("assignment_create") not in text and url("assignment_edit", lotse.pk) not in text
    lotse.refresh_from_db()
    assert lotse.valid_until is None


# --- catalogue updates (diff) ----------------------------------------------------------------------


@pytest.fixture
def version_two(adopted: Model, tmp_path: Path) -> Catalogue:
    """KGSt 2026.2: the CDO text changed, the external partners removed, a new role "Datenlotse"."""
    roles = []
    for spec in KGST_ROLES:
        if spec[0] == "partner":
            continue
        if spec[0] == "cdo":
            roles.append(
                role_toml(
                    *spec,
                    purpose="Neuer Zweck: verantwortet die digitale Transformation.",
                    tasks=["Aufgabe eins von CDO", "Neue Aufgabe: Datenstrategie"],
                )
            )
        else:
            roles.append(role_toml(*spec))
    roles.append(role_toml("datenlotse", "Datenlotsin / Datenlotse", "Datenlotse", "intern", []))
    load_catalogues(write_catalogues(tmp_path / "v2", kgst_version="2026.2", kgst_roles=roles))
    return Catalogue.objects.get(key="kgst", version="2026.2")


def test_the_diff_shows_changed_new_and_removed_roles(
    adopted: Model, version_two: Catalogue, admin_client: Client
) -> None:
    assert "Neuere Katalogfassung verfügbar" in admin_client.get(url("role_list")).content.decode()
    text = admin_client.get(url("catalogue_updates")).content.decode()
    assert "Chief Digital Officer" in text and "Fassung 2026.1 → 2026.2" in text
    assert "Zweck der Rolle Chief Digital Officer." in text and "Neuer Zweck" in text
    assert "<ins>Neue Aufgabe: Datenstrategie</ins>" in text and "<del>Aufgabe zwei von CDO</del>" in text
    assert "Datenlotsin / Datenlotse" in text
    assert "Externe Partner" in text and "Im Katalog entfallene Rollen" in text
    assert text.count('/uebernehmen/"') == 1  # one "Änderung übernehmen" form


def test_taking_one_change_changes_only_that_role(adopted: Model, version_two: Catalogue, admin_client: Client) -> None:
    w = adopted.world
    cdo, cio = adopted.roles["cdo"], adopted.roles["cio"]
    response = admin_client.post(url("role_take_catalogue_version", cdo.pk))
    assert response.status_code == 302
    cdo.refresh_from_db()
    cio.refresh_from_db()
    assert cdo.purpose.startswith("Neuer Zweck") and cdo.catalogue_role.catalogue == version_two
    assert cio.catalogue_role.catalogue.version == "2026.1"
    entry = last_audit(w.kommune, "role", "update")
    assert entry.object_id == str(cdo.pk)
    assert entry.changes["purpose"] == ["Zweck der Rolle Chief Digital Officer.", cdo.purpose]
    assert "Änderung übernehmen" not in admin_client.get(url("catalogue_updates")).content.decode()

    again = admin_client.post(url("role_take_catalogue_version", cdo.pk), follow=True)
    assert "keine neuere Katalogfassung" in " ".join(messages_of(again))


def test_the_diff_warns_when_the_kommune_adapted_the_role(
    adopted: Model, version_two: Catalogue, admin_client: Client
) -> None:
    from kompass.roles import services

    services.role_update(
        kommune=adopted.world.kommune, actor=None, role=adopted.roles["cdo"], data={"placement": "Stabsstelle"}
    )
    assert "hat diese Rolle angepasst" in admin_client.get(url("catalogue_updates")).content.decode()


def test_a_new_catalogue_role_and_a_role_of_the_other_catalogue_can_be_added(
    adopted: Model, version_two: Catalogue, admin_client: Client
) -> None:
    w = adopted.world
    new = CatalogueRole.objects.get(catalogue=version_two, key="datenlotse")
    assert admin_client.post(url("role_add_from_catalogue"), {"catalogue_role": new.pk}).status_code == 302
    other = CatalogueRole.objects.get(catalogue__key="itplr-ekompetenz", key="prozessmanager")
    assert admin_client.post(url("role_add_from_catalogue"), {"catalogue_role": other.pk}).status_code == 302
    keys = set(Role.objects.for_kommune(w.kommune).values_list("key", flat=True))
    assert {"datenlotse", "prozessmanager"} <= keys
    created = AuditEntry.objects.for_kommune(w.kommune).filter(object_type="role", action="create")
    assert created.filter(object_label="Datenlotsin / Datenlotse").exists()

    clash = CatalogueRole.objects.get(catalogue__key="itplr-ekompetenz", key="cio")
    response = admin_client.post(url("role_add_from_catalogue"), {"catalogue_role": clash.pk}, follow=True)
    assert "gibt es bereits" in " ".join(messages_of(response))
    old = CatalogueRole.objects.get(catalogue__key="kgst", catalogue__version="2026.1", key="partner")
    response = admin_client.post(url("role_add_from_catalogue"), {"catalogue_role": old.pk}, follow=True)
    assert "neuesten Fassung" in " ".join(messages_of(response))


def test_the_other_catalogue_is_offered_role_by_role(adopted: Model, admin_client: Client) -> None:
    text = admin_client.get(url("catalogue_updates")).content.decode()
    assert "Prozessmanager(in)" in text and "bereits im Modell" in text  # "cio" exists in both


# --- assignments ---------------------------------------------------------------------------------


def assignment_form(role: Role, email: str, **changes: Any) -> dict[str, Any]:
    return {
        "person": email,
        "role": role.pk,
        "org_unit": "",
        "time_share": "10",
        "valid_from": "2026-01-01",
        "valid_until": "",
        "deputy": "",
        "mandate": "",
        "approved_by": "",
        "qualification": "keine",
        **changes,
    }


def test_admin_assigns_a_person_by_email_with_german_decimal_comma(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    lotse_role = adopted.roles["lotse"]
    response = admin_client.post(
        url("assignment_create"),
        assignment_form(
            lotse_role,
            "ALICE.AMTSLEITERIN@teststadt.example",
            time_share="12,5",
            org_unit=w.hauptamt.pk,
            approved_by=w.bruno.email,
            deputy=w.bruno.email,
            mandate="Dienstanweisung vom 01.03.2025",
            valid_from="01.03.2025",
        ),
    )
    assert response.status_code == 302
    a = Assignment.objects.for_kommune(w.kommune).get(role=lotse_role)
    assert a.person == w.alice and a.time_share == Decimal("12.5") and a.valid_from == datetime.date(2025, 3, 1)
    assert a.approved_by == w.bruno and a.deputy == w.bruno and a.org_unit == w.hauptamt
    entry = last_audit(w.kommune, "assignment", "create")
    assert entry_changes(entry)["time_share"] == [None, "12.5"]  # a person's working time: beside the row


def test_the_create_form_is_prefilled_from_the_query_string(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    response = admin_client.get(url("assignment_create") + f"?rolle={adopted.roles['dsb'].pk}&einheit={w.hauptamt.pk}")
    form = response.context["form"]
    assert form.initial["role"] == adopted.roles["dsb"].pk and form.initial["org_unit"] == w.hauptamt.pk
    assert admin_client.get(url("assignment_create") + f"?einheit={w.other_unit.pk}").status_code == 404


def test_the_form_says_which_roles_the_check_expects_a_deputy_for(adopted: Model, admin_client: Client) -> None:
    text = admin_client.get(url("assignment_create")).content.decode()
    assert 'id="id_deputy-hint">Für CDO, CIO, ISB und DSB erwartet der Rollen-Check eine Vertretung.' in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"time_share": "150"}, "time_share", "größer als 0 und höchstens 100"),
        ({"time_share": "-5"}, "time_share", "größer als 0 und höchstens 100"),
        ({"time_share": "viel"}, "time_share", "größer als 0 und höchstens 100"),
        ({"time_share": "0"}, "time_share", "größer als 0 und höchstens 100"),
        ({"time_share": ""}, "time_share", "Bitte geben Sie den Zeitanteil an"),
        ({"valid_from": "2026-05-01", "valid_until": "2026-04-01"}, "valid_until", "vor dem Beginn"),
        ({"valid_from": "31.02.2026"}, "valid_from", "Der Februar 2026 hat nur 28 Tage."),
        ({"valid_from_tag": "1", "valid_from_monat": "13", "valid_from_jahr": "2026"}, "valid_from", "Monat 13"),
        ({"person": "gudrun.geheim-nachbar@nachbarort.example"}, "person", "Keine Person dieser Kommune"),
        ({"person": "niemand@teststadt.example"}, "person", "Keine Person dieser Kommune"),
        ({"deputy": "niemand@teststadt.example"}, "deputy", "Keine Person dieser Kommune"),
        ({"person": "kein-mail"}, "person", "Keine Person dieser Kommune passt zu „kein-mail“"),
    ],
)
def test_bad_assignment_input_is_shown_next_to_the_field_and_nothing_is_saved(
    adopted: Model, admin_client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    w = adopted.world
    data = assignment_form(adopted.roles["cdo"], w.alice.email, **changes)
    if field == "person" and "nachbarort" in changes["person"]:
        data["person"] = w.other_person.email
    response = admin_client.post(url("assignment_create"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert f'id="id_{field}-error"' in text and message in text and "Bitte korrigieren Sie" in text
    assert b"GEHEIM" not in response.content
    assert not Assignment.objects.for_kommune(w.kommune).exists()


def test_a_warning_tells_when_a_person_exceeds_100_percent(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    adopted.assign(w.alice, "cdo", 80)
    response = admin_client.post(
        url("assignment_create"), assignment_form(adopted.roles["isb"], w.alice.email, time_share="40"), follow=True
    )
    assert any("120 %" in m and "Beschäftigungsumfang von 100 %" in m for m in messages_of(response))


def test_the_warning_compares_with_the_beschaeftigungsumfang_of_a_part_time_person(
    adopted: Model, admin_client: Client
) -> None:
    w = adopted.world
    Person.objects.for_kommune(w.kommune).filter(pk=w.alice.pk).update(employment_percent=50)
    adopted.assign(w.alice, "cdo", 40)
    response = admin_client.post(
        url("assignment_create"), assignment_form(adopted.roles["isb"], w.alice.email, time_share="20"), follow=True
    )
    assert any("60 %" in m and "Beschäftigungsumfang von 50 %" in m for m in messages_of(response))


def test_a_lotse_role_beside_a_full_post_is_named_as_such_when_saved(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    adopted.assign(w.alice, "cdo", 100)
    response = admin_client.post(
        url("assignment_create"), assignment_form(adopted.roles["lotse"], w.alice.email, time_share="10"), follow=True
    )
    shown = messages_of(response)
    assert any("Lotsenrolle mit 10 %" in m for m in shown), shown
    assert not any("Achtung" in m for m in shown)
    page = admin_client.get(reverse("org:person_detail", args=[w.kommune.slug, w.alice.pk])).content.decode()
    assert "110 % einer Vollzeitstelle" in page and "Die Lotsenrolle kommt mit 10 %" in page


def test_admin_edits_ends_and_deletes_an_assignment_with_audit(
    adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    w = adopted.world
    form = assignment_form(adopted.roles["lotse"], w.bruno.email, time_share="25", org_unit=w.ordnungsamt.pk, version=1)
    assert admin_client.post(url("assignment_edit", lotse.pk), form).status_code == 302
    lotse.refresh_from_db()
    assert lotse.time_share == Decimal(25) and lotse.version == 2
    assert entry_changes(last_audit(w.kommune, "assignment", "update"))["time_share"] == ["20.0", "25.0"]

    stale = admin_client.post(url("assignment_edit", lotse.pk), {**form, "time_share": "30"})
    assert "inzwischen von jemand anderem geändert" in stale.content.decode()

    page = admin_client.get(url("assignment_end", lotse.pk))
    assert page.context["form"].initial["end"] == selectors.today()
    bad = admin_client.post(url("assignment_end", lotse.pk), {"end": "2020-01-01", "version": 2})
    assert 'id="id_end-error"' in bad.content.decode()
    ended = admin_client.post(url("assignment_end", lotse.pk), {"end": "2026-01-31", "version": 2})
    assert ended.status_code == 302
    lotse.refresh_from_db()
    assert lotse.valid_until == datetime.date(2026, 1, 31)
    assert last_audit(w.kommune, "assignment", "update").changes["valid_until"] == [None, "2026-01-31"]

    assert admin_client.post(url("assignment_delete", lotse.pk), {"version": lotse.version}).status_code == 302
    assert not Assignment.objects.for_kommune(w.kommune).filter(pk=lotse.pk).exists()
    assert last_audit(w.kommune, "assignment", "delete").changes["person"] == [w.bruno.pk, None]


def test_an_assignment_of_a_deactivated_role_can_still_be_edited(
    adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    from kompass.roles import services

    role = adopted.roles["lotse"]
    services.role_update(kommune=adopted.world.kommune, actor=None, role=role, data={"is_active": False})
    assert role.pk not in [
        r.pk for r in admin_client.get(url("assignment_create")).context["form"].fields["role"].queryset
    ]
    form = assignment_form(
        role, adopted.world.bruno.email, org_unit=adopted.world.ordnungsamt.pk, time_share="30", version=1
    )
    assert admin_client.post(url("assignment_edit", lotse.pk), form).status_code == 302
    lotse.refresh_from_db()
    assert lotse.time_share == Decimal(30)


def test_assignment_list_filters_sorts_and_serves_the_htmx_fragment(
    adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    w = adopted.world
    adopted.assign(w.alice, "cdo", 50, valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2024, 6, 30))
    adopted.assign(w.alice, "cio", 10, valid_from=TODAY + datetime.timedelta(days=30))
    current = admin_client.get(url("assignment_list")).content.decode()
    assert "Ordner, Bruno" in current and "Chief Digital Officer</a>" not in current
    assert "Amtsleiterin, Alice" in admin_client.get(url("assignment_list") + "?status=beendet").content.decode()
    future = admin_client.get(url("assignment_list") + "?status=kuenftig").content.decode()
    assert "Chief Information Officer" in future and "Ordner, Bruno" not in future
    everything = admin_client.get(url("assignment_list") + "?status=alle&sort=-person")
    assert everything.context["page"].paginator.count == 3
    by_role = admin_client.get(url("assignment_list") + f"?status=alle&rolle={adopted.roles['cdo'].pk}")
    assert by_role.context["page"].paginator.count == 1
    by_unit = admin_client.get(url("assignment_list") + f"?status=alle&einheit={w.ordnungsamt.pk}")
    assert by_unit.context["page"].paginator.count == 1
    search = admin_client.get(url("assignment_list") + "?status=alle&q=Amtsleiterin")
    assert search.context["page"].paginator.count == 2
    fragment = admin_client.get(url("assignment_list"), headers={"HX-Request": "true"})
    assert b"<caption" in fragment.content and b"<html" not in fragment.content


# --- Redaktion limited to 32 Ordnungsamt ------------------------------------------------------------


def test_limited_editor_maintains_assignments_inside_her_unit(
    adopted: Model, lotse: Assignment, editor_client: Client
) -> None:
    w = adopted.world
    role = adopted.roles["lotse"]
    assert editor_client.get(url("assignment_create")).status_code == 200
    inside = assignment_form(role, w.bruno.email)  # Bruno works in 32.1
    assert editor_client.post(url("assignment_create"), inside).status_code == 302
    for_unit = assignment_form(role, w.alice.email, org_unit=w.ordnungsamt.pk)  # for 32, person elsewhere
    assert editor_client.post(url("assignment_create"), for_unit).status_code == 302
    edit = assignment_form(role, w.bruno.email, org_unit=w.ordnungsamt.pk, time_share="15", version=1)
    assert editor_client.post(url("assignment_edit", lotse.pk), edit).status_code == 302
    lotse.refresh_from_db()
    assert lotse.time_share == Decimal(15)
    assert editor_client.get(url("assignment_end", lotse.pk)).status_code == 200


def test_limited_editor_gets_403_outside_her_unit(adopted: Model, editor_client: Client) -> None:
    w = adopted.world
    outside = adopted.assign(w.alice, "lotse", 10)  # Alice works in 10 Hauptamt
    role = adopted.roles["lotse"]
    before = Assignment.objects.for_kommune(w.kommune).count()
    assert editor_client.post(url("assignment_create"), assignment_form(role, w.alice.email)).status_code == 403
    moving_out = assignment_form(role, w.bruno.email, org_unit=w.hauptamt.pk)
    assert editor_client.post(url("assignment_create"), moving_out).status_code == 403
    for name in ("assignment_edit", "assignment_end", "assignment_delete"):
        assert editor_client.get(url(name, outside.pk)).status_code == 403
        assert editor_client.post(url(name, outside.pk), {"version": 1}).status_code == 403
    assert Assignment.objects.for_kommune(w.kommune).count() == before


def test_limited_editor_may_not_move_an_assignment_out_of_her_unit(
    adopted: Model, lotse: Assignment, editor_client: Client
) -> None:
    w = adopted.world
    data = assignment_form(adopted.roles["lotse"], w.bruno.email, org_unit=w.hauptamt.pk, version=1)
    assert editor_client.post(url("assignment_edit", lotse.pk), data).status_code == 403
    lotse.refresh_from_db()
    assert lotse.org_unit == w.ordnungsamt


def test_assignment_list_offers_edit_links_only_where_the_member_may_edit(
    adopted: Model, lotse: Assignment, editor_client: Client
) -> None:
    outside = adopted.assign(adopted.world.alice, "cdo", 10)
    text = editor_client.get(url("assignment_list")).content.decode()
    assert url("assignment_edit", lotse.pk) in text and url("assignment_edit", outside.pk) not in text


# --- Lotsen network -------------------------------------------------------------------------------


def test_lotsen_page_shows_coverage_time_and_qualification(
    adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    w = adopted.world
    extra = person(w.kommune, "Clara", "Zweitlotsin", w.sachgebiet)
    adopted.assign(extra, "lotse", "15", qualification="grundlagen")
    response = admin_client.get(url("lotsen"))
    text = response.content.decode()
    network = response.context["network"]
    assert network.coverage.percent == 50 and network.total_time == Decimal(35) and network.fte == Decimal("0.35")
    assert "Abdeckung: 50 % (1 von 2 Fachbereichen und Ämtern)" in text
    assert '<progress id="abdeckung" max="100" value="50">' in text
    assert "35 %" in text and "0,35" in text
    assert "nicht abgedeckt" in text and "Hauptamt" in text
    assert url("assignment_create") + f"?einheit={w.hauptamt.pk}" in text
    assert "Grundqualifizierung abgeschlossen" in text


# --- Rollen-Check ---------------------------------------------------------------------------------


def test_check_page_shows_a_dsb_conflict_and_it_disappears_when_the_conflict_is_ended(
    adopted: Model, admin_client: Client
) -> None:
    w = adopted.world
    adopted.assign(w.alice, "dsb", 20)
    hvb = adopted.assign(w.alice, "hvb", 50)
    text = admin_client.get(url("checks")).content.decode()
    assert "Interessenkonflikt prüfen: Alice Amtsleiterin ist DSB und Verwaltungsleitung (HVB)" in text
    assert "DSGVO Art. 38 Abs. 6" in text and "Beheben" in text
    # Each fix link names its finding for screen readers (the visible text is the same for all).
    assert 'aria-label="Beheben: Interessenkonflikt prüfen: Alice Amtsleiterin ist DSB' in text
    assert url("assignment_list") in text

    yesterday = (selectors.today() - datetime.timedelta(days=1)).isoformat()
    response = admin_client.post(url("assignment_end", hvb.pk), {"end": yesterday, "version": hvb.version})
    assert response.status_code == 302
    assert "Interessenkonflikt" not in admin_client.get(url("checks")).content.decode()


def test_check_page_groups_findings_by_severity_with_fix_links(adopted: Model, admin_client: Client) -> None:
    response = admin_client.get(url("checks"))
    summary = response.context["summary"]
    assert summary.counts["fehler"] == 3  # CIO, ISB, DSB not filled; a missing CDO is a warning
    assert [f.finding.rule for f in summary.groups[1][2]][:1] == ["kernrolle.cdo"]
    text = response.content.decode()
    assert "Kernrolle nicht besetzt: Chief Digital Officer" in text
    assert url("role_detail", adopted.roles["cdo"].pk) in text
    assert "Lotsen-Abdeckung" in text and "Alles in Ordnung" not in text


def test_check_page_shows_each_findings_confidence(adopted: Model, admin_client: Client) -> None:
    """Belegt or abgeleitet beside the source, and one sentence with a link on what the two mean."""
    text = admin_client.get(url("checks")).content.decode()
    cdo_card = text.split('id="befund-kernrolle-cdo"', 1)[1].split("</li>", 1)[0]
    assert "<strong>Belegstärke:</strong>" in cdo_card and ">abgeleitet<" in cdo_card and ">belegt<" not in cdo_card
    dsb_card = text.split('id="befund-kernrolle-dsb"', 1)[1].split("</li>", 1)[0]
    assert ">belegt<" in dsb_card and ">abgeleitet<" not in dsb_card
    assert url("catalogue_list") + "#belegstaerke" in text


def test_check_page_says_all_is_well_for_a_complete_role_model(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    people = {key: person(w.kommune, key.capitalize(), "Test", w.root) for key in ("cdo", "cio", "isb", "dsb")}
    for key, p in people.items():
        adopted.assign(p, key, 50, org_unit=w.root, deputy=w.alice)
    adopted.assign(w.alice, "lotse", 10, approved_by=w.bruno)  # 10 Hauptamt
    adopted.assign(w.bruno, "lotse", 10, approved_by=w.alice)  # 32 Ordnungsamt
    response = admin_client.get(url("checks"))
    assert response.context["summary"].total == 0, [
        f.finding.title for _s, _l, items in response.context["summary"].groups for f in items
    ]
    assert "Alles in Ordnung" in response.content.decode()


def test_dashboard_summarises_the_rollen_check(adopted: Model, admin_client: Client) -> None:
    text = admin_client.get(reverse("ui:dashboard", args=[SLUG])).content.decode()
    assert "Was im Rollenmodell fehlt" in text and "Kernrolle nicht besetzt" in text
    assert url("checks") in text


def test_dashboard_invites_to_adopt_a_role_model(world: Any, admin_client: Client) -> None:
    text = admin_client.get(reverse("ui:dashboard", args=[SLUG])).content.decode()
    assert "noch kein Rollenmodell" in text and url("role_list") in text


def test_org_tree_shows_role_badges(adopted: Model, lotse: Assignment, admin_client: Client) -> None:
    text = admin_client.get(reverse("org:tree", args=[SLUG])).content.decode()
    assert "Lotse: Bruno Ordner" in text


def test_main_navigation_lists_the_role_pages(adopted: Model, reader_client: Client) -> None:
    text = reader_client.get(url("lotsen")).content.decode()
    for name in ("role_list", "assignment_list", "lotsen", "checks"):
        assert f'href="{url(name)}"' in text
    assert f'href="{url("lotsen")}" aria-current="page"' in text


# --- query counts do not grow with the data --------------------------------------------------------


def _count(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _twenty_more(adopted: Model) -> None:
    w = adopted.world
    keys = ["lotse", "cdo", "isb", "dsb", "personal"]
    for i in range(20):
        p = person(w.kommune, f"Person{i}", "Viele", w.sachgebiet if i % 2 else w.hauptamt)
        adopted.assign(
            p, keys[i % len(keys)], 5, deputy=w.alice, approved_by=w.bruno, org_unit=w.ordnungsamt if i % 3 else None
        )
        if i % 4 == 0:
            adopted.assign(
                p, "cio", 5, valid_from=datetime.date(2024, 1, 1), valid_until=TODAY - datetime.timedelta(days=10)
            )


@pytest.mark.parametrize(
    "target",
    [
        url("role_list"),
        url("assignment_list"),
        url("assignment_list") + "?status=alle",
        url("lotsen"),
        url("checks"),
        reverse("org:tree", args=[SLUG]),
        reverse("ui:dashboard", args=[SLUG]),
    ],
)
def test_query_count_does_not_grow_with_twenty_more_assignments(
    target: str, adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    admin_client.get(target)  # warm caches (content types, sessions)
    before = _count(admin_client, target)
    _twenty_more(adopted)
    assert _count(admin_client, target) == before


def test_role_profile_query_count_does_not_grow_with_holders(
    adopted: Model, lotse: Assignment, admin_client: Client
) -> None:
    target = url("role_detail", adopted.roles["lotse"].pk)
    admin_client.get(target)
    before = _count(admin_client, target)
    _twenty_more(adopted)
    assert _count(admin_client, target) == before

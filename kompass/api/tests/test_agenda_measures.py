"""Measures of the digital agenda through the API: list (filters, pages, constant queries), one
measure with everything that hangs on it and its owner through the role model, create, change
(status history), delete. A Redaktion limited to Ordnungsamt changes only the measures whose
responsible unit lies inside it; another Kommune's measure is 404; a stale version is 409."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.agenda import services
from kompass.agenda.models import Measure, MeasureStatusChange
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_api import AgendaScene, agenda_scene
from kompass.api.tests.helpers import BASE, ApiClient, api_entries
from kompass.roles.models import Assignment


@pytest.fixture
def scene(world: Any) -> AgendaScene:
    return agenda_scene(world)


def _measures(scene: AgendaScene) -> list[tuple[Any, ...]]:
    return list(
        Measure.objects.for_kommune(scene.world.kommune)
        .order_by("pk")
        .values_list("pk", "title", "status", "responsible_unit_id", "version")
    )


def test_measures_are_listed_with_owner_priority_and_filters(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    reader = api["reader"]
    body = reader.get(f"{BASE}/massnahmen").json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 50, 0)
    assert body["priority_formula"].startswith("Priorität = (2 × Nutzen + 1 × Dringlichkeit")
    by_title = {m["title"]: m for m in body["items"]}
    inside = by_title["Gewerbeanmeldung online"]
    assert (inside["status"], inside["status_label"], inside["handlungsfeld_keys"], inside["priority"]) == (
        "in_umsetzung",
        "in Umsetzung",
        ["verwaltung-digital"],
        3.0,
    )
    assert inside["owner"] == {
        "role_id": scene.cdo.pk,
        "role": "Chief Digital Officer",
        "holder": str(scene.world.alice),
        "state": "eindeutig",
        "reason": f"{scene.world.alice} hat die verantwortliche Rolle „Chief Digital Officer“ für diese Maßnahme.",
    }
    assert by_title["E-Akte im Hauptamt"]["owner"] == {
        "role_id": None,
        "role": None,
        "holder": None,
        "state": "keine_rolle",
        "reason": "Die Maßnahme nennt keine verantwortliche Rolle.",
    }
    assert [m["title"] for m in reader.get(f"{BASE}/massnahmen", {"status": "geplant"}).json()["items"]] == [
        "E-Akte im Hauptamt"
    ]
    filtered = reader.get(f"{BASE}/massnahmen", {"handlungsfeld": "verwaltung-digital"}).json()
    assert [m["id"] for m in filtered["items"]] == [scene.inside.pk]
    page = reader.get(f"{BASE}/massnahmen", {"limit": 1, "offset": 1}).json()
    assert (page["count"], [m["title"] for m in page["items"]]) == (2, ["Gewerbeanmeldung online"])
    bad = reader.get(f"{BASE}/massnahmen", {"status": "fertig"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "status"]


def test_owner_follows_the_role_when_the_holder_changes(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    url = f"{BASE}/massnahmen/{scene.inside.pk}"
    assert api["reader"].get(url).json()["owner"]["holder"] == str(w.alice)
    Assignment.objects.for_kommune(w.kommune).filter(role=scene.cdo).update(
        valid_until=datetime.date.today() - datetime.timedelta(days=1)
    )
    owner = api["reader"].get(url).json()["owner"]
    assert (owner["holder"], owner["state"]) == (None, "niemand")
    assert owner["reason"] == "Niemand hat die verantwortliche Rolle „Chief Digital Officer“ zurzeit."
    factories.assign(w, w.bruno, scene.cdo, valid_from=datetime.date.today())
    assert api["reader"].get(url).json()["owner"]["holder"] == str(w.bruno)


def _grow(scene: AgendaScene, start: int, stop: int) -> None:
    """More measures, each with a role of its own held by one or two people (for its unit or not)."""
    w = scene.world
    for i in range(start, stop):
        role = factories.role(w, f"rolle-{i}", f"Rolle {i}")
        factories.assign(w, w.bruno if i % 2 else w.alice, role, unit=w.sachgebiet if i % 3 else None)
        if i % 4 == 0:
            factories.assign(w, w.bruno, role, unit=w.hauptamt)
        factories.measure(
            w,
            f"Maßnahme {i}",
            accountable_role=role,
            responsible_unit=w.sachgebiet if i % 2 else w.hauptamt,
            handlungsfelder=[scene.handlungsfeld.pk],
            goals=[scene.goal.pk],
        )


def _queries(client: ApiClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_measure_list_costs_the_same_queries_for_more_measures(
    scene: AgendaScene, api: dict[str, ApiClient]
) -> None:
    client = api["reader"]
    url = f"{BASE}/massnahmen"
    client.get(url)  # the token's first use of the day is written once
    _grow(scene, 0, 3)
    few = _queries(client, url)
    _grow(scene, 3, 20)
    assert _queries(client, url) == few


def test_measure_detail_has_everything_that_hangs_on_it(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    m = scene.inside
    services.milestone_create(
        kommune=w.kommune, actor=w.admin, measure=m, data={"title": "Pilot live", "due_on": "2026-09-30"}
    )
    services.budget_line_create(
        kommune=w.kommune,
        actor=w.admin,
        measure=m,
        data={"year": 2026, "planned": "12.500,00 €", "haushalt_kind": "produkt", "haushalt_ref": "1.11.01"},
    )
    services.risk_create(kommune=w.kommune, actor=w.admin, measure=m, data={"title": "Schnittstelle fehlt"})
    services.impact_step_create(
        kommune=w.kommune, actor=w.admin, measure=m, data={"level": "impact", "text": "Weniger Wege ins Amt"}
    )
    services.dependency_add(kommune=w.kommune, actor=w.admin, measure=m, depends_on=scene.outside)
    services.measure_role_set(
        kommune=w.kommune, actor=w.admin, measure=m, role=factories.role(w, "isb", "ISB"), letter="C"
    )
    body = api["reader"].get(f"{BASE}/massnahmen/{m.pk}").json()
    assert [x["title"] for x in body["milestones"]] == ["Pilot live"]
    assert [(b["year"], b["planned"], b["haushalt_ref"]) for b in body["budget_lines"]] == [(2026, 12500.0, "1.11.01")]
    assert [r["title"] for r in body["risks"]] == ["Schnittstelle fehlt"]
    assert [(s["level"], s["level_label"]) for s in body["impact_steps"]] == [
        ("impact", "Impact (Wirkung beim Empfänger)")
    ]
    assert sorted((r["role"], r["letter"]) for r in body["raci"]) == [("Chief Digital Officer", "A"), ("ISB", "C")]
    assert body["dependencies"] == {
        "depends_on": [{"id": scene.outside.pk, "title": "E-Akte im Hauptamt", "status": "geplant"}],
        "needed_by": [],
    }
    assert [(h["from_status"], h["to_status"]) for h in body["status_history"]] == [("", "in_umsetzung")]
    assert body["kpi_ids"] == [scene.kpi_inside.pk]
    assert body["goal_ids"] == [scene.goal.pk]
    assert body["owner"]["holder"] == str(w.alice)
    assert "GEHEIM" not in str(body)


def test_measure_is_created_and_its_status_enters_the_history(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    body = {
        "title": "Parkausweis online",
        "status": "geplant",
        "responsible_unit_id": w.ordnungsamt.pk,
        "accountable_role_id": scene.cdo.pk,
        "handlungsfeld_ids": [scene.handlungsfeld.pk],
        "goal_ids": [scene.goal.pk],
        "benefit": 5,
        "effort": 2,
        "starts_on": "2026-07-01",
        "ends_on": "31.12.2026",
        "fte": "0,5",
    }
    response = api["editor"].post(f"{BASE}/massnahmen", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["status"], created["ends_on"], created["fte"], created["priority"]) == (
        "geplant",
        "2026-12-31",
        0.5,
        4.25,
    )
    assert created["raci"] == [{"role_id": scene.cdo.pk, "role": "Chief Digital Officer", "letter": "A"}]
    assert [h["to_status"] for h in created["status_history"]] == ["geplant"]
    entry = api_entries(w).get(object_type="measure", action="create")
    assert (entry.object_id, entry.actor_id) == (str(created["id"]), w.editor.pk)


@pytest.mark.parametrize(
    ("persona", "unit"),
    [("reader", "sachgebiet"), ("editor", "hauptamt"), ("editor", None)],
)
def test_measures_outside_the_members_area_are_refused(
    scene: AgendaScene, api: dict[str, ApiClient], persona: str, unit: str | None
) -> None:
    before = _measures(scene)
    body: dict[str, Any] = {"title": "Außerhalb"}
    if unit:
        body["responsible_unit_id"] = getattr(scene.world, unit).pk
    assert api[persona].post(f"{BASE}/massnahmen", body).status_code == 403
    assert _measures(scene) == before


def test_limited_editor_changes_her_measures_only_and_cannot_move_them_out(
    scene: AgendaScene, api: dict[str, ApiClient]
) -> None:
    w = scene.world
    editor = api["editor"]
    before = _measures(scene)
    assert editor.patch(f"{BASE}/massnahmen/{scene.outside.pk}", {"title": "x", "version": 1}).status_code == 403
    assert editor.delete(f"{BASE}/massnahmen/{scene.outside.pk}", "?version=1").status_code == 403
    moved = editor.patch(f"{BASE}/massnahmen/{scene.inside.pk}", {"responsible_unit_id": w.hauptamt.pk, "version": 1})
    assert moved.status_code == 403
    assert api["reader"].patch(f"{BASE}/massnahmen/{scene.inside.pk}", {"title": "x", "version": 1}).status_code == 403
    assert _measures(scene) == before
    ok = editor.patch(f"{BASE}/massnahmen/{scene.inside.pk}", {"responsible_unit_id": w.ordnungsamt.pk, "version": 1})
    assert ok.status_code == 200, ok.json()
    assert ok.json()["responsible_unit_name"] == "Ordnungsamt"


def test_status_change_is_recorded_with_its_note_and_audited(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    url = f"{BASE}/massnahmen/{scene.inside.pk}"
    response = api["admin"].patch(url, {"status": "abgeschlossen", "note": "Seit 1. Mai live.", "version": 1})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["version"]) == ("abgeschlossen", 2)
    assert [(h["from_status"], h["to_status"], h["note"]) for h in body["status_history"]] == [
        ("", "in_umsetzung", ""),
        ("in_umsetzung", "abgeschlossen", "Seit 1. Mai live."),
    ]
    assert MeasureStatusChange.objects.for_kommune(w.kommune).filter(measure=scene.inside).count() == 2
    entry = api_entries(w).get(object_type="measure", action="update")
    assert entry.changes["status"] == ["in_umsetzung", "abgeschlossen"]


def test_a_stale_version_is_a_conflict_and_changes_nothing(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    url = f"{BASE}/massnahmen/{scene.inside.pk}"
    assert api["admin"].patch(url, {"title": "Erste Änderung", "version": 1}).status_code == 200
    before = _measures(scene)
    stale = api["admin"].patch(url, {"status": "gestoppt", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Der Datensatz wurde inzwischen von jemand anderem geändert.")
    assert api["admin"].delete(url, "?version=1").status_code == 409
    assert _measures(scene) == before


def test_measure_input_errors_are_german_field_errors(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    before = _measures(scene)
    response = api["admin"].post(
        f"{BASE}/massnahmen",
        {"title": "Falsch", "starts_on": "2026-13-01", "fte": "viel", "accountable_role_id": scene.other_role.pk},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "accountable_role_id"],
            "msg": "Diese Rolle gibt es in dieser Kommune nicht.",
            "type": "value_error",
        }
    ]
    response = api["admin"].post(f"{BASE}/massnahmen", {"title": "Falsch", "starts_on": "2026-13-01", "fte": "viel"})
    messages = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert messages == {
        ("body", "starts_on"): "„2026-13-01“ ist kein gültiges Datum. Bitte TT.MM.JJJJ schreiben.",
        ("body", "fte"): "„viel“ ist keine Zahl. Bitte schreiben Sie sie z. B. so: 1.234,56 oder 1234,56.",
    }
    response = api["admin"].patch(
        f"{BASE}/massnahmen/{scene.inside.pk}", {"starts_on": "2027-01-01", "ends_on": "2026-01-01", "version": 1}
    )
    assert response.json()["detail"] == [
        {"loc": ["body", "ends_on"], "msg": "Das Ende liegt vor dem Beginn.", "type": "value_error"}
    ]
    response = api["admin"].post(f"{BASE}/massnahmen", {"title": "x", "benefit": 9, "kommune_id": 2})
    assert {tuple(e["loc"]) for e in response.json()["detail"]} == {("body", "benefit"), ("body", "kommune_id")}
    assert _measures(scene) == before


def test_measure_is_deleted_with_its_version(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    url = f"{BASE}/massnahmen/{scene.inside.pk}"
    assert api["admin"].delete(url).status_code == 422
    assert api["editor"].delete(url, "?version=1").status_code == 204
    assert not Measure.objects.for_kommune(scene.world.kommune).filter(pk=scene.inside.pk).exists()
    entry = api_entries(scene.world).get(object_type="measure", action="delete")
    assert entry.object_id == str(scene.inside.pk)


def test_another_kommunes_measure_is_not_found(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    before = Measure.objects.unscoped().order_by("pk").values_list("pk", "title", "version")
    snapshot = list(before)
    url = f"{BASE}/massnahmen/{scene.other['measure_id']}"
    for response in (
        api["admin"].get(url),
        api["admin"].patch(url, {"title": "x", "version": 1}),
        api["admin"].delete(url, "?version=1"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Nicht gefunden."}
    assert api["outsider"].get(f"{BASE}/massnahmen").status_code == 404
    assert list(Measure.objects.unscoped().order_by("pk").values_list("pk", "title", "version")) == snapshot

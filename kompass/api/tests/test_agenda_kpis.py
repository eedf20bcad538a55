"""KPIs of the digital agenda through the API: list with computed status and its rule, one KPI with
its values, the values page, create/change/delete by place (a KPI of a measure follows the
measure's unit, any other is strategy), and the push of measured values: idempotent by KPI and
day, all-or-nothing, German field errors naming the item, another Kommune's KPI reported exactly
like an unknown one."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.agenda import services
from kompass.agenda.models import KPI, KPIValue
from kompass.agenda.tests.factories_api import AgendaScene, agenda_scene, kpi_for
from kompass.api.tests.helpers import BASE, ApiClient, api_entries
from kompass.audit.models import AuditEntry

PUSH = f"{BASE}/kennzahlen/werte"


@pytest.fixture
def scene(world: Any) -> AgendaScene:
    return agenda_scene(world)


def _values() -> list[tuple[Any, ...]]:
    """Every stored value of both Kommunen."""
    return list(KPIValue.objects.unscoped().order_by("pk").values_list("kpi_id", "measured_on", "value", "source"))


def _record(scene: AgendaScene, kpi: KPI, on: str, value: str) -> None:
    w = scene.world
    services.kpi_value_record(kommune=w.kommune, actor=w.admin, kpi=kpi, measured_on=on, value=value)


# --- reading -----------------------------------------------------------------------------------------


def test_kpis_are_listed_with_status_and_its_rule(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    _record(scene, scene.kpi_goal, "2026-01-01", "35")  # halfway on the line 10 → 60: im Plan
    _record(scene, scene.kpi_inside, "2026-01-01", "20")  # 15 behind the line (35) of a span of 50: 30 %, nicht im Plan
    body = api["reader"].get(f"{BASE}/kennzahlen").json()
    assert body["count"] == 3
    assert body["status_rule"].startswith("So wird der Status berechnet:")
    by_name = {k["name"]: k for k in body["items"]}
    goal = by_name["Anteil digitaler Anträge"]
    assert (goal["goal_id"], goal["baseline_value"], goal["target_value"], goal["unit"]) == (
        scene.goal.pk,
        10.0,
        60.0,
        "%",
    )
    assert goal["latest"] == {"value": 35.0, "measured_on": "2026-01-01"}
    assert goal["status"]["code"] == "im_plan"
    assert goal["status"]["label"] == "im Plan"
    inside = by_name["Online-Gewerbeanmeldungen"]["status"]
    assert (inside["code"], inside["label"], inside["behind_percent"]) == ("nicht_im_plan", "nicht im Plan", 30.0)
    assert by_name["Digitale Akten"]["status"] == {
        "code": "keine_werte",
        "label": "keine Werte",
        "expected": None,
        "behind_percent": None,
    }
    only = api["reader"].get(f"{BASE}/kennzahlen", {"measure_id": scene.inside.pk}).json()
    assert [k["id"] for k in only["items"]] == [scene.kpi_inside.pk]
    assert api["reader"].get(f"{BASE}/kennzahlen", {"goal_id": scene.other["goal_id"]}).json()["count"] == 0


def test_the_kpi_list_costs_the_same_queries_for_more_kpis(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    client = api["reader"]
    url = f"{BASE}/kennzahlen"
    client.get(url)  # the token's first use of the day is written once

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _record(scene, scene.kpi_goal, "2026-01-01", "35")
    few = count()
    for i in range(12):
        kpi = kpi_for(scene.world, f"Kennzahl {i}", measure=scene.inside if i % 2 else scene.outside)
        _record(scene, kpi, f"2026-0{1 + i % 6}-01", str(10 + i))
    assert count() == few


def test_kpi_detail_has_its_values_and_the_values_page_filters(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    kpi = scene.kpi_goal
    for on, value in (("2025-06-01", "20"), ("2025-12-01", "30"), ("2026-06-01", "41,5")):
        _record(scene, kpi, on, value)
    body = api["reader"].get(f"{BASE}/kennzahlen/{kpi.pk}").json()
    assert [(v["measured_on"], v["value"], v["source"]) for v in body["values"]] == [
        ("2025-06-01", 20.0, "manuell"),
        ("2025-12-01", 30.0, "manuell"),
        ("2026-06-01", 41.5, "manuell"),
    ]
    assert body["latest"] == {"value": 41.5, "measured_on": "2026-06-01"}
    assert body["status_rule"].startswith("So wird der Status berechnet:")
    page = api["reader"].get(f"{BASE}/kennzahlen/{kpi.pk}/werte", {"von": "2025-07-01", "limit": 1}).json()
    assert (page["count"], [v["measured_on"] for v in page["items"]]) == (2, ["2025-12-01"])
    bis = api["reader"].get(f"{BASE}/kennzahlen/{kpi.pk}/werte", {"bis": "2025-06-01"}).json()
    assert [v["value"] for v in bis["items"]] == [20.0]


# --- writing the KPI -----------------------------------------------------------------------------------


def test_limited_editor_creates_a_kpi_for_her_measure(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    body = {
        "name": "Bearbeitungsdauer",
        "unit": "Tage",
        "direction": "fallend",
        "baseline_value": "21,5",
        "baseline_on": "2025-01-01",
        "target_value": 5,
        "target_on": "31.12.2027",
        "measure_id": scene.inside.pk,
        "owner_role_id": scene.cdo.pk,
    }
    response = api["editor"].post(f"{BASE}/kennzahlen", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["baseline_value"], created["target_on"], created["owner_role"], created["values"]) == (
        21.5,
        "2027-12-31",
        "Chief Digital Officer",
        [],
    )
    entry = api_entries(scene.world).get(object_type="kpi", action="create")
    assert entry.object_id == str(created["id"])


@pytest.mark.parametrize("target", ["goal", "outside", "none"])
def test_limited_editor_cannot_create_kpis_outside_her_measures(
    scene: AgendaScene, api: dict[str, ApiClient], target: str
) -> None:
    body: dict[str, Any] = {
        "name": "x",
        "baseline_value": 1,
        "baseline_on": "2025-01-01",
        "target_value": 2,
        "target_on": "2026-01-01",
    }
    if target == "goal":
        body["goal_id"] = scene.goal.pk
    elif target == "outside":
        body["measure_id"] = scene.outside.pk
    count = KPI.objects.unscoped().count()
    assert api["editor"].post(f"{BASE}/kennzahlen", body).status_code == 403
    assert api["reader"].post(f"{BASE}/kennzahlen", body).status_code == 403
    assert KPI.objects.unscoped().count() == count


def test_kpi_is_changed_where_the_member_may_and_not_moved_out(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    editor = api["editor"]
    url = f"{BASE}/kennzahlen/{scene.kpi_inside.pk}"
    assert editor.patch(f"{BASE}/kennzahlen/{scene.kpi_goal.pk}", {"name": "x", "version": 1}).status_code == 403
    assert editor.patch(f"{BASE}/kennzahlen/{scene.kpi_outside.pk}", {"name": "x", "version": 1}).status_code == 403
    assert editor.patch(url, {"measure_id": scene.outside.pk, "version": 1}).status_code == 403
    assert editor.patch(url, {"measure_id": None, "goal_id": scene.goal.pk, "version": 1}).status_code == 403
    response = editor.patch(url, {"target_value": "80", "is_public": True, "version": 1})
    assert response.status_code == 200, response.json()
    assert (response.json()["target_value"], response.json()["is_public"], response.json()["version"]) == (
        80.0,
        True,
        2,
    )
    assert api_entries(scene.world).get(object_type="kpi", action="update").changes["target_value"] == [
        "60.0000",
        "80.0000",
    ]
    stale = editor.patch(url, {"name": "Zu spät", "version": 1})
    assert stale.status_code == 409
    assert KPI.objects.for_kommune(scene.world.kommune).get(pk=scene.kpi_inside.pk).name == "Online-Gewerbeanmeldungen"


def test_kpi_input_errors_are_german(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    count = KPI.objects.unscoped().count()
    response = api["admin"].post(
        f"{BASE}/kennzahlen",
        {
            "name": "Falsch",
            "baseline_value": "zehn",
            "baseline_on": "2026-01-01",
            "target_value": 5,
            "target_on": "2025-01-01",
            "goal_id": scene.other["goal_id"],
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "goal_id"], "msg": "Dieses Ziel gibt es in dieser Kommune nicht.", "type": "value_error"}
    ]
    response = api["admin"].post(
        f"{BASE}/kennzahlen",
        {
            "name": "Falsch",
            "baseline_value": "zehn",
            "baseline_on": "2026-01-01",
            "target_value": 5,
            "target_on": "2025-01-01",
        },
    )
    messages = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert messages == {
        ("body", "baseline_value"): "„zehn“ ist keine Zahl. Bitte schreiben Sie sie z. B. so: 1.234,56 oder 1234,56."
    }
    response = api["admin"].post(
        f"{BASE}/kennzahlen",
        {
            "name": "Falsch",
            "baseline_value": 1,
            "baseline_on": "2026-01-01",
            "target_value": 5,
            "target_on": "2025-01-01",
        },
    )
    assert response.json()["detail"] == [
        {"loc": ["body", "target_on"], "msg": "Der Zielwert muss nach dem Ausgangswert liegen.", "type": "value_error"}
    ]
    assert KPI.objects.unscoped().count() == count


def test_kpi_is_deleted_with_its_values(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    _record(scene, scene.kpi_inside, "2026-01-01", "30")
    url = f"{BASE}/kennzahlen/{scene.kpi_inside.pk}"
    assert api["editor"].delete(url, "?version=2").status_code == 409
    assert api["editor"].delete(url, "?version=1").status_code == 204
    assert not KPIValue.objects.for_kommune(scene.world.kommune).filter(kpi_id=scene.kpi_inside.pk).exists()
    assert api_entries(scene.world).filter(object_type="kpi", action="delete").count() == 1


def test_another_kommunes_kpi_is_not_found(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    url = f"{BASE}/kennzahlen/{scene.other['kpi_id']}"
    for response in (
        api["admin"].get(url),
        api["admin"].get(url + "/werte"),
        api["admin"].patch(url, {"name": "x", "version": 1}),
        api["admin"].delete(url, "?version=1"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Nicht gefunden."}
    assert KPI.objects.unscoped().get(pk=scene.other["kpi_id"]).name == "GEHEIM-Kennzahl"


# --- the push -------------------------------------------------------------------------------------------


def _push_body(scene: AgendaScene) -> dict[str, Any]:
    return {
        "items": [
            {"kpi_id": scene.kpi_inside.pk, "date": "2026-01-31", "value": 25},
            {"kpi_id": scene.kpi_inside.pk, "date": "2026-02-28", "value": "27,5"},
            {"kpi_id": scene.kpi_goal.pk, "date": "2026-02-28", "value": "1.234,5", "note": "aus dem Fachverfahren"},
        ]
    }


def test_push_stores_values_and_a_repeated_push_changes_nothing(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    first = api["admin"].post(PUSH, _push_body(scene))
    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0}
    stored = KPIValue.objects.for_kommune(w.kommune).order_by("pk")
    assert [(v.measured_on, str(v.value), v.source) for v in stored] == [
        (datetime.date(2026, 1, 31), "25.0000", "api"),
        (datetime.date(2026, 2, 28), "27.5000", "api"),
        (datetime.date(2026, 2, 28), "1234.5000", "api"),
    ]
    entries = AuditEntry.objects.unscoped().count()
    assert api_entries(w).filter(object_type="kpivalue", action="create").count() == 3
    again = api["admin"].post(PUSH, _push_body(scene))
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert AuditEntry.objects.unscoped().count() == entries
    assert KPIValue.objects.for_kommune(w.kommune).count() == 3


def test_push_replaces_the_value_of_the_same_day(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    api["admin"].post(PUSH, _push_body(scene))
    body = {"items": [{"kpi_id": scene.kpi_inside.pk, "date": "2026-01-31", "value": 26.25}]}
    assert api["admin"].post(PUSH, body).json() == {"created": 0, "updated": 1, "unchanged": 0}
    value = KPIValue.objects.for_kommune(scene.world.kommune).get(kpi=scene.kpi_inside, measured_on="2026-01-31")
    assert str(value.value) == "26.2500"
    assert api_entries(scene.world).filter(object_type="kpivalue", action="update").count() == 1


@pytest.mark.parametrize(
    ("item", "loc", "message"),
    [
        ({"kpi_id": 999999}, "kpi_id", "Diese Kennzahl gibt es in der Kommune nicht."),
        ({"kpi_id": "other"}, "kpi_id", "Diese Kennzahl gibt es in der Kommune nicht."),
        ({"date": "31.02.2026"}, "date", "„31.02.2026“ ist kein gültiges Datum. Bitte TT.MM.JJJJ schreiben."),
        ({"date": "morgen"}, "date", "„morgen“ ist kein gültiges Datum. Bitte TT.MM.JJJJ schreiben."),
        (
            {"value": "12,3,4"},
            "value",
            "„12,3,4“ ist keine Zahl. Bitte schreiben Sie sie z. B. so: 1.234,56 oder 1234,56.",
        ),
        ({"value": True}, "value", "Bitte eine Zahl angeben, nicht true oder false."),
        ({"value": ""}, "value", "Bitte eine Zahl angeben."),
    ],
)
def test_a_bad_item_stores_nothing_and_is_named_by_its_index(
    scene: AgendaScene, api: dict[str, ApiClient], item: dict[str, Any], loc: str, message: str
) -> None:
    body = _push_body(scene)
    if item.get("kpi_id") == "other":
        item = {"kpi_id": scene.other["kpi_id"]}
    body["items"][1].update(item)
    before = _values()
    entries = AuditEntry.objects.unscoped().count()
    response = api["admin"].post(PUSH, body)
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "items", 1, loc], "msg": message, "type": "value_error"}]
    assert _values() == before
    assert AuditEntry.objects.unscoped().count() == entries


def test_the_same_kpi_and_day_twice_and_an_empty_push_are_refused(
    scene: AgendaScene, api: dict[str, ApiClient]
) -> None:
    body = _push_body(scene)
    body["items"].append({"kpi_id": scene.kpi_inside.pk, "date": "31.01.2026", "value": 1})
    response = api["admin"].post(PUSH, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "items", 3, "date"]
    assert "weiter oben (0)" in response.json()["detail"][0]["msg"]
    empty = api["admin"].post(PUSH, {"items": []})
    assert empty.json()["detail"] == [
        {"loc": ["body", "items"], "msg": "Die Liste der Werte ist leer.", "type": "value_error"}
    ]
    assert _values() == []


def test_non_finite_numbers_are_field_errors_not_server_errors(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    raw = json.dumps({"items": [{"kpi_id": scene.kpi_inside.pk, "date": "2026-01-31", "value": 1}]})
    for token in ("NaN", "Infinity", "-Infinity"):
        response = api["admin"].raw("POST", PUSH, raw.replace('"value": 1', f'"value": {token}'))
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["loc"] == ["body", "items", 0, "value"]
        assert response.json()["detail"][0]["msg"] == "Bitte eine endliche Zahl angeben."
    assert _values() == []


def test_push_is_refused_for_a_reader_and_outside_the_editors_measures(
    scene: AgendaScene, api: dict[str, ApiClient]
) -> None:
    assert api["reader"].post(PUSH, _push_body(scene)).status_code == 403
    refused = api["editor"].post(PUSH, _push_body(scene))  # item 2 is the goal's KPI: strategy
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Eintrag 2: Werte der Kennzahl „Anteil digitaler Anträge“")
    assert _values() == []
    own = {"items": [{"kpi_id": scene.kpi_inside.pk, "date": "2026-01-31", "value": 25}]}
    assert api["editor"].post(PUSH, own).json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert api["outsider"].post(PUSH, own).status_code == 404

"""How a measure is steered, through the API: the roles involved (RACI), dependencies (a cycle is refused
and named), the status with its history (optimistic locking) and status reports. Changing any of it is
changing the measure: the limited editor changes the measures inside Ordnungsamt; rows under another
measure's path or of another Kommune are 404; bad input is a German field error and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.agenda import services
from kompass.agenda.models import MeasureStatusChange, StatusReport
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_api import agenda_scene
from kompass.api.tests.agenda_parts import Parts, agenda_parts
from kompass.api.tests.helpers import BASE, ApiClient, api_entries, tenant_state
from kompass.roles.models import Role


@pytest.fixture
def parts(world: Any) -> Parts:
    return agenda_parts(agenda_scene(world))


def _url(measure: Any, segment: str, item: int | None = None) -> str:
    return f"{BASE}/massnahmen/{measure.pk}/{segment}" + (f"/{item}" if item is not None else "")


# --- RACI -----------------------------------------------------------------------------------------------


def test_raci_rows_are_listed_set_changed_and_removed(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    inside = parts.scene.inside
    url = _url(inside, "beteiligte")
    listed = api["reader"].get(url).json()
    assert [(r["role"], r["letter"]) for r in listed["items"]] == [
        ("Chief Digital Officer", "A"),
        ("Informationssicherheit", "C"),
    ]
    dsb = factories.role(w, "dsb", "Datenschutz")
    added = api["editor"].post(url, {"role_id": dsb.pk, "letter": "I"})
    assert added.status_code == 200, added.json()
    assert {k: added.json()[k] for k in ("role_id", "role", "letter")} == {
        "role_id": dsb.pk,
        "role": "Datenschutz",
        "letter": "I",
    }
    changed = api["editor"].post(url, {"role_id": dsb.pk, "letter": "r"})
    assert (changed.json()["id"], changed.json()["letter"]) == (added.json()["id"], "R")
    assert api["editor"].delete(_url(inside, "beteiligte", added.json()["id"])).status_code == 204
    assert [r["role"] for r in api["reader"].get(url).json()["items"]] == [
        "Chief Digital Officer",
        "Informationssicherheit",
    ]
    actions = list(api_entries(w).filter(object_type="measurerole").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


def test_raci_refuses_a_and_roles_it_cannot_use_and_stores_nothing(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    inside = parts.scene.inside
    url = _url(inside, "beteiligte")
    inactive = factories.role(w, "alt", "Alte Rolle")
    Role.objects.for_kommune(w.kommune).filter(pk=inactive.pk).update(is_active=False)
    before = tenant_state(w)
    a_letter = api["admin"].post(url, {"role_id": parts.isb.pk, "letter": "A"})
    assert a_letter.status_code == 422
    assert a_letter.json()["detail"] == [
        {
            "loc": ["body", "letter"],
            "msg": "Die verantwortliche Rolle (A) ist die verantwortliche Rolle der Maßnahme; ändern Sie sie dort.",
            "type": "value_error",
        }
    ]
    accountable = api["admin"].post(url, {"role_id": parts.scene.cdo.pk, "letter": "C"})
    assert accountable.status_code == 422
    assert accountable.json()["detail"][0]["loc"] == ["body", "letter"]
    wrong = api["admin"].post(url, {"role_id": parts.isb.pk, "letter": "X"})
    assert wrong.json()["detail"] == [
        {"loc": ["body", "letter"], "msg": "Bitte R, C oder I wählen.", "type": "value_error"}
    ]
    foreign = api["admin"].post(url, {"role_id": parts.scene.other_role.pk, "letter": "C"})
    assert foreign.json()["detail"] == [
        {"loc": ["body", "role_id"], "msg": "Diese Rolle gibt es in dieser Kommune nicht.", "type": "value_error"}
    ]
    old = api["admin"].post(url, {"role_id": inactive.pk, "letter": "C"})
    assert old.json()["detail"][0]["msg"] == "Die Rolle „Alte Rolle“ ist inaktiv."
    a_row = next(r for r in api["reader"].get(url).json()["items"] if r["letter"] == "A")
    kept = api["admin"].delete(_url(inside, "beteiligte", a_row["id"]))
    assert kept.status_code == 409
    assert "verantwortliche Rolle" in kept.json()["detail"]
    assert tenant_state(w) == before


# --- dependencies -------------------------------------------------------------------------------------


def test_dependencies_are_listed_added_and_removed(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    inside, outside = parts.scene.inside, parts.scene.outside
    listed = api["reader"].get(_url(inside, "abhaengigkeiten")).json()
    assert listed == {
        "depends_on": [
            {
                "id": parts.dependency.pk,
                "measure": {"id": outside.pk, "title": "E-Akte im Hauptamt", "status": "geplant"},
            }
        ],
        "needed_by": [],
    }
    waiting = api["reader"].get(_url(outside, "abhaengigkeiten")).json()
    assert [d["measure"]["id"] for d in waiting["needed_by"]] == [inside.pk]
    basis = factories.measure(w, "Basisdienste")
    added = api["editor"].post(_url(inside, "abhaengigkeiten"), {"depends_on_id": basis.pk})
    assert added.status_code == 201, added.json()
    assert [d["measure"]["title"] for d in added.json()["depends_on"]] == ["Basisdienste", "E-Akte im Hauptamt"]
    new_id = added.json()["depends_on"][0]["id"]
    assert api["editor"].delete(_url(inside, "abhaengigkeiten", new_id)).status_code == 204
    # A dependency is removed at the measure that waits, not under the measure it waits for.
    assert api["admin"].delete(_url(outside, "abhaengigkeiten", parts.dependency.pk)).status_code == 404
    actions = list(api_entries(w).filter(object_type="measuredependency").values_list("action", flat=True))
    assert actions == ["create", "delete"]


def test_a_dependency_cycle_is_refused_and_named(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    inside, outside = parts.scene.inside, parts.scene.outside
    basis = factories.measure(w, "Basisdienste")
    services.dependency_add(kommune=w.kommune, actor=w.admin, measure=outside, depends_on=basis)
    before = tenant_state(w)
    # Gewerbeanmeldung → E-Akte → Basisdienste; Basisdienste → Gewerbeanmeldung would close the circle.
    response = api["admin"].post(_url(basis, "abhaengigkeiten"), {"depends_on_id": inside.pk})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "depends_on_id"],
            "msg": "Diese Abhängigkeit ergäbe einen Kreis: Basisdienste → Gewerbeanmeldung online → E-Akte im Hauptamt "
            "→ Basisdienste. Maßnahmen dürfen nicht im Kreis aufeinander warten.",
            "type": "value_error",
        }
    ]
    itself = api["editor"].post(_url(inside, "abhaengigkeiten"), {"depends_on_id": inside.pk})
    assert "Gewerbeanmeldung online → Gewerbeanmeldung online" in itself.json()["detail"][0]["msg"]
    twice = api["editor"].post(_url(inside, "abhaengigkeiten"), {"depends_on_id": outside.pk})
    assert twice.json()["detail"][0]["msg"] == "Diese Abhängigkeit ist bereits erfasst."
    foreign = api["editor"].post(_url(inside, "abhaengigkeiten"), {"depends_on_id": parts.scene.other["measure_id"]})
    assert foreign.json()["detail"] == [
        {
            "loc": ["body", "depends_on_id"],
            "msg": "Diese Maßnahme gibt es in dieser Kommune nicht.",
            "type": "value_error",
        }
    ]
    assert tenant_state(w) == before


def test_dependencies_of_a_measure_outside_the_editors_area_are_refused(
    parts: Parts, api: dict[str, ApiClient]
) -> None:
    w = parts.scene.world
    inside, outside = parts.scene.inside, parts.scene.outside
    basis = factories.measure(w, "Basisdienste")
    before = tenant_state(w)
    assert api["editor"].post(_url(outside, "abhaengigkeiten"), {"depends_on_id": basis.pk}).status_code == 403
    assert api["reader"].post(_url(inside, "abhaengigkeiten"), {"depends_on_id": basis.pk}).status_code == 403
    assert api["reader"].delete(_url(inside, "abhaengigkeiten", parts.dependency.pk)).status_code == 403
    assert api["editor"].post(_url(outside, "beteiligte"), {"role_id": parts.isb.pk, "letter": "C"}).status_code == 403
    assert tenant_state(w) == before


# --- status -------------------------------------------------------------------------------------------


def test_status_change_enters_the_history_with_optimistic_locking(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    inside = parts.scene.inside
    url = _url(inside, "status")
    response = api["editor"].post(url, {"status": "abgeschlossen", "note": "Seit 1. Mai live.", "version": 1})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["version"]) == ("abgeschlossen", 2)
    assert [(h["to_status"], h["note"]) for h in body["status_history"]][-1] == ("abgeschlossen", "Seit 1. Mai live.")
    history = MeasureStatusChange.objects.for_kommune(w.kommune).filter(measure=inside)
    count = history.count()
    before = tenant_state(w)
    stale = api["editor"].post(url, {"status": "gestoppt", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Der Datensatz wurde inzwischen von jemand anderem geändert.")
    unknown = api["editor"].post(url, {"status": "fertig", "version": 2})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "status"]
    assert (
        api["editor"].post(_url(parts.scene.outside, "status"), {"status": "gestoppt", "version": 1}).status_code == 403
    )
    assert api["reader"].post(url, {"status": "gestoppt", "version": 2}).status_code == 403
    assert tenant_state(w) == before
    same = api["editor"].post(url, {"status": "abgeschlossen", "version": 2})
    assert (same.status_code, same.json()["version"]) == (200, 2)
    assert history.count() == count


# --- status reports -----------------------------------------------------------------------------------


def test_status_reports_are_written_with_the_kpi_values_of_the_day_and_listed(
    parts: Parts, api: dict[str, ApiClient]
) -> None:
    w = parts.scene.world
    inside = parts.scene.inside
    services.kpi_value_record(
        kommune=w.kommune, actor=w.admin, kpi=parts.scene.kpi_inside, measured_on="2026-01-31", value="1.234,5"
    )
    url = _url(inside, "sachstandsberichte")
    body = {
        "light": "gelb",
        "progress": 40,
        "text": "Schnittstelle verzögert.",
        "reported_on": "15.02.2026",
        "decision_id": parts.scene.decision.pk,
    }
    response = api["editor"].post(url, body)
    assert response.status_code == 201, response.json()
    report = response.json()
    assert (
        report["light"],
        report["light_label"],
        report["progress"],
        report["reported_on"],
        report["period_end"],
    ) == (
        "gelb",
        "gefährdet",
        40,
        "2026-02-15",
        "2026-02-15",
    )
    assert report["author_name"] == w.editor.display_name
    assert report["decision_id"] == parts.scene.decision.pk
    assert [(k["kpi_id"], k["value"], k["measured_on"]) for k in report["kpi_snapshot"]] == [
        (parts.scene.kpi_inside.pk, 1234.5, "2026-01-31")
    ]
    api["editor"].post(url, {"light": "gruen", "progress": 60, "reported_on": "2026-03-15"})
    listed = api["reader"].get(url).json()
    assert [(r["reported_on"], r["light"]) for r in listed["items"]] == [
        ("2026-03-15", "gruen"),
        ("2026-02-15", "gelb"),
    ]
    entry = api_entries(w).filter(object_type="statusreport", action="create").first()
    assert entry is not None and entry.object_id == str(report["id"])


def test_status_report_input_errors_are_german_and_store_nothing(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    url = _url(parts.scene.inside, "sachstandsberichte")
    before = tenant_state(w)
    too_much = api["editor"].post(url, {"light": "blau", "progress": 101})
    messages = {tuple(e["loc"]): e["msg"] for e in too_much.json()["detail"]}
    assert set(messages) == {("body", "light"), ("body", "progress")}
    assert messages["body", "light"] == "Ungültiger Wert. Erlaubt sind: 'gruen', 'gelb' oder 'rot'."
    assert messages["body", "progress"] == "Der Wert darf höchstens 100 sein."
    bad_day = api["editor"].post(url, {"light": "rot", "progress": 10, "period_end": "2026-02-30"})
    assert bad_day.json()["detail"] == [
        {
            "loc": ["body", "period_end"],
            "msg": "„2026-02-30“ ist kein gültiges Datum. Bitte TT.MM.JJJJ schreiben.",
            "type": "value_error",
        }
    ]
    foreign = api["editor"].post(url, {"light": "rot", "progress": 10, "decision_id": parts.scene.other["decision_id"]})
    assert foreign.json()["detail"][0]["loc"] == ["body", "decision_id"]
    assert (
        api["editor"].post(_url(parts.scene.outside, "sachstandsberichte"), {"light": "rot", "progress": 1}).status_code
        == 403
    )
    assert api["reader"].post(url, {"light": "rot", "progress": 1}).status_code == 403
    assert tenant_state(w) == before


def test_the_report_list_costs_the_same_queries_for_more_reports(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    url = _url(parts.scene.inside, "sachstandsberichte")
    client = api["reader"]
    client.get(url)  # the token's first use of the day is written once

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    services.status_report_create(
        kommune=w.kommune, actor=w.admin, measure=parts.scene.inside, data={"light": "gruen", "progress": 1}
    )
    few = queries()
    for i in range(5):
        services.status_report_create(
            kommune=w.kommune,
            actor=w.admin,
            measure=parts.scene.inside,
            data={"light": "gruen", "progress": i, "decision": parts.scene.decision.pk},
        )
    assert queries() == few
    assert StatusReport.objects.for_kommune(w.kommune).count() == 6


# --- another Kommune ----------------------------------------------------------------------------------


def test_another_kommunes_raci_rows_dependencies_and_measures_are_not_found(
    parts: Parts, api: dict[str, ApiClient]
) -> None:
    w = parts.scene.world
    inside = parts.scene.inside
    other = parts.scene.other["measure_id"]
    before = tenant_state(w)
    for response in (
        api["admin"].delete(_url(inside, "beteiligte", parts.other["measure_role_id"])),
        api["admin"].delete(_url(inside, "abhaengigkeiten", parts.other["dependency_id"])),
        api["admin"].get(f"{BASE}/massnahmen/{other}/beteiligte"),
        api["admin"].get(f"{BASE}/massnahmen/{other}/abhaengigkeiten"),
        api["admin"].get(f"{BASE}/massnahmen/{other}/sachstandsberichte"),
        api["admin"].post(f"{BASE}/massnahmen/{other}/status", {"status": "gestoppt", "version": 1}),
        api["admin"].post(f"{BASE}/massnahmen/{other}/sachstandsberichte", {"light": "rot", "progress": 1}),
        api["outsider"].get(_url(inside, "beteiligte")),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Nicht gefunden."}
    assert tenant_state(w) == before

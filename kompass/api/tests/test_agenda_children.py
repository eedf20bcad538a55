"""What hangs on a measure, through the API: milestones, budget lines, risks, steps of the impact chain
(list, create, change, delete). Changing any of them is changing the measure: a Redaktion limited to
Ordnungsamt changes those of the measures inside it; a child under another measure's path or of another
Kommune is 404; German dates and amounts are understood; bad input is a German field error and stores
nothing; a stale version is 409."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.agenda import services
from kompass.agenda.tests.factories_api import agenda_scene
from kompass.api.tests.agenda_parts import Parts, agenda_parts
from kompass.api.tests.helpers import BASE, ApiClient, api_entries, tenant_state

# path segment, Parts attribute, a valid body to create one, a valid change
CHILDREN = {
    "meilensteine": ("milestone", {"title": "Abnahme", "due_on": "15.03.2026"}, {"done_on": "2026-03-20"}),
    "haushaltsansaetze": (
        "budget_line",
        {"year": 2027, "planned": "12.345,67 €", "haushalt_kind": "investition"},
        {"spent": "1.000,50"},
    ),
    "risiken": ("risk", {"title": "Personal fehlt", "likelihood": 5, "impact": 4}, {"impact": 2}),
    "wirkungskette": ("impact_step", {"level": "outcome", "text": "Weniger Wege"}, {"text": "Kürzere Wege"}),
}


@pytest.fixture
def parts(world: Any) -> Parts:
    return agenda_parts(agenda_scene(world))


def _url(parts: Parts, segment: str, item: int | None = None, measure: Any = None) -> str:
    measure = measure or parts.scene.inside
    return f"{BASE}/massnahmen/{measure.pk}/{segment}" + (f"/{item}" if item is not None else "")


# --- each kind: list, create, change, delete ------------------------------------------------------------


@pytest.mark.parametrize("segment", CHILDREN)
def test_each_child_is_listed_created_changed_and_deleted_by_the_limited_editor(
    parts: Parts, api: dict[str, ApiClient], segment: str
) -> None:
    w = parts.scene.world
    kind, create, change = CHILDREN[segment]
    editor = api["editor"]
    listed = api["reader"].get(_url(parts, segment)).json()
    assert (listed["count"], [i["id"] for i in listed["items"]]) == (1, [getattr(parts, kind).pk])
    created = editor.post(_url(parts, segment), create)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert api["reader"].get(_url(parts, segment)).json()["count"] == 2
    changed = editor.patch(_url(parts, segment, pk), {**change, "version": 1})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["version"] == 2
    stale = editor.patch(_url(parts, segment, pk), {**change, "version": 1})
    assert stale.status_code == 409
    assert editor.delete(_url(parts, segment, pk), "?version=1").status_code == 409
    assert editor.delete(_url(parts, segment, pk)).status_code == 422  # the version is required
    assert editor.delete(_url(parts, segment, pk), "?version=2").status_code == 204
    entries = api_entries(w).filter(object_id=str(pk)).exclude(object_type="measure")
    assert list(entries.values_list("action", flat=True)) == ["create", "update", "delete"]
    assert {e.actor_id for e in entries} == {w.editor.pk}


def test_milestone_dates_are_understood_the_german_way_and_cleared_with_null(
    parts: Parts, api: dict[str, ApiClient]
) -> None:
    url = _url(parts, "meilensteine", parts.milestone.pk)
    done = api["admin"].patch(url, {"done_on": "01.07.2026", "version": 1})
    assert (done.json()["due_on"], done.json()["done_on"]) == ("2026-06-30", "2026-07-01")
    reopened = api["admin"].patch(url, {"done_on": None, "version": 2})
    assert reopened.status_code == 200, reopened.json()
    assert reopened.json()["done_on"] is None
    assert api["admin"].patch(url, {"due_on": None, "version": 3}).status_code == 422
    listed = api["reader"].get(_url(parts, "meilensteine")).json()
    assert listed["items"][0]["title"] == "Pilot"


def test_budget_amounts_are_understood_the_german_way(parts: Parts, api: dict[str, ApiClient]) -> None:
    body = {
        "year": "2027",
        "planned": "12.345,67 €",
        "spent": 100.5,
        "haushalt_kind": "kostenstelle",
        "haushalt_ref": "4711",
        "funding_programme": "Digitalisierungsförderung",
        "funding_amount": "5.000",
        "decision_id": parts.scene.decision.pk,
    }
    response = api["admin"].post(_url(parts, "haushaltsansaetze"), body)
    assert response.status_code == 201, response.json()
    line = response.json()
    assert (line["year"], line["planned"], line["spent"], line["funding_amount"], line["decision_id"]) == (
        2027,
        12345.67,
        100.5,
        5000.0,
        parts.scene.decision.pk,
    )
    changed = api["admin"].patch(
        _url(parts, "haushaltsansaetze", line["id"]), {"funding_amount": None, "decision_id": None, "version": 1}
    )
    assert (changed.json()["funding_amount"], changed.json()["decision_id"]) == (None, None)


def test_bad_input_is_a_german_field_error_and_stores_nothing(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    admin = api["admin"]
    before = tenant_state(w)
    bad_date = admin.post(_url(parts, "meilensteine"), {"title": "Abnahme", "due_on": "31.02.2026"})
    assert bad_date.status_code == 422
    assert bad_date.json()["detail"] == [
        {
            "loc": ["body", "due_on"],
            "msg": "„31.02.2026“ ist kein gültiges Datum. Bitte TT.MM.JJJJ schreiben.",
            "type": "value_error",
        }
    ]
    bad_amount = admin.post(
        _url(parts, "haushaltsansaetze"),
        {"year": 2027, "planned": "zwölf", "funding_amount": "1,234", "haushalt_kind": "produkt"},
    )
    assert bad_amount.status_code == 422
    assert {tuple(e["loc"]): e["msg"] for e in bad_amount.json()["detail"]} == {
        ("body", "planned"): "„zwölf“ ist keine Zahl. Bitte schreiben Sie sie z. B. so: 1.234,56 oder 1234,56.",
        ("body", "funding_amount"): "Die Zahl ist zu groß oder hat mehr als 2 Nachkommastellen.",
    }
    foreign_decision = admin.post(
        _url(parts, "haushaltsansaetze"),
        {"year": 2027, "haushalt_kind": "produkt", "decision_id": parts.scene.other["decision_id"]},
    )
    assert foreign_decision.status_code == 422
    assert foreign_decision.json()["detail"] == [
        {"loc": ["body", "decision_id"], "msg": "Die Auswahl wurde nicht gefunden.", "type": "value_error"}
    ]
    old_year = admin.post(_url(parts, "haushaltsansaetze"), {"year": 1999, "haushalt_kind": "produkt"})
    assert old_year.json()["detail"][0]["msg"] == "Der Wert muss mindestens 2000 sein."
    wild = admin.post(_url(parts, "risiken"), {"title": "x", "likelihood": 6, "measure_id": parts.scene.outside.pk})
    assert {tuple(e["loc"]) for e in wild.json()["detail"]} == {("body", "likelihood"), ("body", "measure_id")}
    level = admin.post(_url(parts, "wirkungskette"), {"level": "wirkung", "text": "x"})
    assert level.json()["detail"][0]["msg"].startswith("Ungültiger Wert. Erlaubt sind:")
    empty = admin.patch(_url(parts, "risiken", parts.risk.pk), {"title": "  ", "version": 1})
    assert empty.json()["detail"] == [
        {"loc": ["body", "title"], "msg": "Bitte das Risiko benennen.", "type": "value_error"}
    ]
    assert tenant_state(w) == before


def test_impact_steps_carry_the_level_names_the_kommune_chose(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    created = api["admin"].post(_url(parts, "wirkungskette"), {"level": "outcome", "text": "Mehr Vertrauen"}).json()
    assert (created["level"], created["level_label"], created["position"]) == (
        "outcome",
        "Outcome (gesellschaftliche Wirkung)",
        4,
    )
    services.settings_update(kommune=w.kommune, actor=w.admin, data={"impact_labels": "eu"})
    listed = api["reader"].get(_url(parts, "wirkungskette")).json()
    assert [(i["level"], i["level_label"]) for i in listed["items"]] == [
        ("effekt", "Effekt (direkte Wirkung)"),
        ("outcome", "Impact (gesellschaftliche Wirkung)"),
    ]


# --- rights and places ----------------------------------------------------------------------------------


@pytest.mark.parametrize("segment", CHILDREN)
def test_the_children_of_a_measure_outside_the_editors_area_are_refused(
    parts: Parts, api: dict[str, ApiClient], segment: str
) -> None:
    w = parts.scene.world
    kind, create, change = CHILDREN[segment]
    outside = parts.scene.outside
    outside_url = _url(parts, segment, parts.outside[kind].pk, measure=outside)
    inside_url = _url(parts, segment, getattr(parts, kind).pk)
    before = tenant_state(w)
    editor, reader = api["editor"], api["reader"]
    assert editor.post(_url(parts, segment, measure=outside), create).status_code == 403
    assert editor.patch(outside_url, {**change, "version": 1}).status_code == 403
    assert editor.delete(outside_url, "?version=1").status_code == 403
    assert reader.post(_url(parts, segment), create).status_code == 403
    assert reader.patch(inside_url, {**change, "version": 1}).status_code == 403
    assert reader.delete(inside_url, "?version=1").status_code == 403
    assert tenant_state(w) == before


def test_a_child_under_another_measures_path_is_not_found(parts: Parts, api: dict[str, ApiClient]) -> None:
    """The outside measure's milestone asked for under the inside measure: 404, even for Administration."""
    w = parts.scene.world
    before = tenant_state(w)
    url = _url(parts, "meilensteine", parts.outside["milestone"].pk)
    assert api["admin"].patch(url, {"title": "x", "version": 1}).status_code == 404
    assert api["admin"].delete(url, "?version=1").status_code == 404
    assert tenant_state(w) == before


@pytest.mark.parametrize("segment", CHILDREN)
def test_another_kommunes_children_are_not_found(parts: Parts, api: dict[str, ApiClient], segment: str) -> None:
    w = parts.scene.world
    kind, create, change = CHILDREN[segment]
    before = tenant_state(w)
    foreign = parts.other[f"{kind}_id"]
    other_measure = parts.scene.other["measure_id"]
    for response in (
        api["admin"].patch(_url(parts, segment, foreign), {**change, "version": 1}),
        api["admin"].delete(_url(parts, segment, foreign), "?version=1"),
        api["admin"].get(f"{BASE}/massnahmen/{other_measure}/{segment}"),
        api["admin"].post(f"{BASE}/massnahmen/{other_measure}/{segment}", create),
        api["outsider"].get(_url(parts, segment)),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Nicht gefunden."}
    assert tenant_state(w) == before


@pytest.mark.parametrize("segment", CHILDREN)
def test_a_child_list_costs_the_same_queries_for_more_children(
    parts: Parts, api: dict[str, ApiClient], segment: str
) -> None:
    _kind, create, _change = CHILDREN[segment]
    url = _url(parts, segment)
    client = api["reader"]
    client.get(url)  # the token's first use of the day is written once

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _i in range(5):
        assert api["admin"].post(url, create).status_code == 201
    assert queries() == few
    assert client.get(url).json()["count"] == 6
